/**
 * Reading a page deep inside a huge conversation must cost what it costs near the start of a small one:
 * the events are a key range of the conversation's partition, so a page is one Query wherever it starts.
 */
import { BatchWriteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../../functions/store/keys.ts';
import { eventItem } from '../../../functions/store/timeline.ts';
import type { Bench } from '../context.ts';
import { type Figure, judge } from '../figure.ts';
import { describe, sideBySide } from '../stats.ts';
import { guarded, requestProbe } from './common.ts';
import type { Scene } from './latency.ts';

const PAGE = 100;

type Item = Record<string, unknown>;

/**
 * Writes events `from`..`to` straight into the table, cloned from a real message event the handlers wrote
 * (so the items are exactly what the code stores), then moves the conversation's sequence number.
 */
const seedEvents = async (bench: Bench, conversationId: string, template: Item, from: number, to: number) => {
  const templateId = Number(template.id);
  const templateIndex = typeof template.message_index === 'number' ? template.message_index : undefined;
  const body = template.body as Item;
  const make = (id: number): Item => ({
    ...template,
    ...keys.event(conversationId, id),
    id,
    body: { ...body, text: `message ${id}` },
    ...(templateIndex !== undefined ? { message_index: templateIndex + (id - templateId) } : {}),
  });
  const batches: Item[][] = [];
  for (let id = from; id <= to; id += 25)
    batches.push(Array.from({ length: Math.min(25, to - id + 1) }, (_, i) => make(id + i)));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++];
      let requests: Record<string, unknown[]> | undefined = {
        [bench.table]: batch.map((Item) => ({ PutRequest: { Item } })),
      };
      while (requests && Object.keys(requests).length > 0) {
        const out = await bench.client.send(new BatchWriteCommand({ RequestItems: requests as never }));
        requests = out.UnprocessedItems as Record<string, unknown[]> | undefined;
      }
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  const added = to - from + 1;
  await bench.client.send(
    new UpdateCommand({
      TableName: bench.table,
      Key: keys.conversation(conversationId),
      UpdateExpression:
        'SET sequence_number = :to, message_count = if_not_exists(message_count, :zero) + :added',
      ExpressionAttributeValues: { ':to': to, ':added': added, ':zero': 0 },
    }),
  );
};

/** A conversation of `size` events, the user a member of it. */
const conversationOf = async (bench: Bench, scene: Scene, size: number, fallbackTemplate?: Item) => {
  const id = await bench.fixtures.createConversation();
  const memberId = await bench.fixtures.join(id, scene.user.id);
  const eventId = await bench.fixtures.postMessage(id, memberId, scene.user.token);
  const stored = await bench.client.send(
    new GetCommand({ TableName: bench.table, Key: keys.event(id, eventId) }),
  );
  const template =
    (stored.Item as Item | undefined) ??
    fallbackTemplate ??
    eventItem(id, {
      id: eventId,
      type: 'message',
      from: memberId,
      body: { message_type: 'text', text: 'x' },
      timestamp: new Date().toISOString(),
    });
  if (size > eventId) await seedEvents(bench, id, template, eventId + 1, size);
  return id;
};

const pageCheck = (start: number) => (r: { body: { _embedded?: unknown } }) => {
  const events = r.body._embedded as { id: number }[] | undefined;
  if (!Array.isArray(events) || events.length !== PAGE)
    throw new Error(
      `expected a page of ${PAGE} events, got ${Array.isArray(events) ? events.length : 'none'}`,
    );
  if (start > 0 && Number(events[0].id) !== start)
    throw new Error(`expected the page to start at event ${start}, it starts at ${events[0].id}`);
};

/** The path and query of a link, to request it in-process. */
const pathOf = (href: string) => {
  const u = new URL(href);
  return `${u.pathname}${u.search}`;
};

export const eventsDepthRatio = (bench: Bench, scene: Scene): Promise<Figure> =>
  guarded('events_depth_ratio', 1.2, 'max', async () => {
    const deepSize = bench.options.quick ? 5_000 : 100_000;
    const shallowSize = 200;
    const started = Date.now();
    const shallow = await conversationOf(bench, scene, shallowSize);
    const deep = await conversationOf(bench, scene, deepSize);
    const seeded = `seeded ${deepSize.toLocaleString('en')} + ${shallowSize} events in ${((Date.now() - started) / 1000).toFixed(1)} s`;

    const deepStart = Math.floor(deepSize / 2) + 1;
    // Two whole pages fit in the small conversation: 1–100 by start_id, 101–200 by cursor.
    const shallowStart = 1;
    const byStart = (id: string, start: number) => ({
      method: 'GET',
      url: `/v1/conversations/${id}/events?start_id=${start}&page_size=${PAGE}`,
      token: scene.user.token,
    });
    // The cursor a client holds after reading the page at `start`: it points at the page after it.
    const cursorUrl = async (id: string, start: number) => {
      const r = await bench.api.ok(byStart(id, start));
      const next = r.body?._links?.next?.href;
      if (typeof next !== 'string') throw new Error(`no next link after the page at ${start} of ${id}`);
      return pathOf(next);
    };
    const deepCursor = await cursorUrl(deep, deepStart);
    const shallowCursor = await cursorUrl(shallow, shallowStart);

    const startRun = await sideBySide(
      requestProbe(bench, () => byStart(deep, deepStart), 200, pageCheck(deepStart)),
      requestProbe(bench, () => byStart(shallow, shallowStart), 200, pageCheck(shallowStart)),
      bench.latency,
    );
    const cursorRun = await sideBySide(
      requestProbe(
        bench,
        () => ({ method: 'GET', url: deepCursor, token: scene.user.token }),
        200,
        pageCheck(deepStart + PAGE),
      ),
      requestProbe(
        bench,
        () => ({ method: 'GET', url: shallowCursor, token: scene.user.token }),
        200,
        pageCheck(shallowStart + PAGE),
      ),
      bench.latency,
    );
    return judge('events_depth_ratio', Math.max(startRun.ratio, cursorRun.ratio), 1.2, 'max', [
      seeded,
      `by start_id: ratio ${startRun.ratio.toFixed(3)}`,
      describe(`  page at event ${deepStart} of ${deepSize}`, startRun.subject),
      describe(`  page at event ${shallowStart} of ${shallowSize}`, startRun.floor),
      `by cursor: ratio ${cursorRun.ratio.toFixed(3)}`,
      describe(`  next page after event ${deepStart + PAGE - 1} of ${deepSize}`, cursorRun.subject),
      describe(`  next page after event ${shallowStart + PAGE - 1} of ${shallowSize}`, cursorRun.floor),
    ]);
  });
