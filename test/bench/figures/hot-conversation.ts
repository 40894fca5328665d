/**
 * Many writers in one conversation against the same writers spread over as many conversations. Event ids
 * of one conversation are gap-free, so its writers must take turns; the figure says what that costs.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../../functions/store/keys.ts';
import type { Bench } from '../context.ts';
import { type Figure, judge } from '../figure.ts';
import { guarded } from './common.ts';

const WRITERS = 32;

/** Posts and transactions of the one-conversation rounds: how many posts one group commit carries. */
export const hotBatches = { posts: 0, transactions: 0 };

interface Writer {
  token: string;
  conversationId: string;
  memberId: string;
}

interface Round {
  events: number;
  seconds: number;
  failures: string[];
  ids: Map<string, number[]>;
}

const round = async (bench: Bench, writers: Writer[], perWriter: number): Promise<Round> => {
  const failures: string[] = [];
  const ids = new Map<string, number[]>();
  let events = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    writers.map(async (w, n) => {
      for (let i = 0; i < perWriter; i++) {
        const r = await bench.api.send({
          method: 'POST',
          url: `/v1/conversations/${w.conversationId}/events`,
          token: w.token,
          body: { type: 'message', from: w.memberId, body: { message_type: 'text', text: `w${n} #${i}` } },
        });
        if (r.status !== 201) {
          failures.push(`${r.status} ${r.body?.code ?? ''}`);
          continue;
        }
        events++;
        const list = ids.get(w.conversationId) ?? [];
        list.push(Number(r.body.id));
        ids.set(w.conversationId, list);
      }
    }),
  );
  return { events, seconds: Number(process.hrtime.bigint() - started) / 1e9, failures, ids };
};

/** Every event id of a conversation, read from the table, and its sequence number. */
const storedIds = async (bench: Bench, conversationId: string) => {
  const ids: number[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await bench.client.send(
      new QueryCommand({
        TableName: bench.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :evt)',
        ExpressionAttributeValues: { ':pk': keys.conversation(conversationId).pk, ':evt': keys.eventsPrefix },
        ProjectionExpression: 'id',
        ExclusiveStartKey: start,
      }),
    );
    for (const item of out.Items ?? []) ids.push(Number(item.id));
    start = out.LastEvaluatedKey;
  } while (start);
  const conv = await bench.client.send(
    new GetCommand({ TableName: bench.table, Key: keys.conversation(conversationId) }),
  );
  return { ids, sequence: Number(conv.Item?.sequence_number) };
};

/** Ids are 1..sequence_number, each once; every id a writer was given is among them, once. */
const checkIds = async (bench: Bench, conversationId: string, given: number[]): Promise<string[]> => {
  const problems: string[] = [];
  const { ids, sequence } = await storedIds(bench, conversationId);
  const sorted = [...ids].sort((a, b) => a - b);
  for (let i = 0; i < sorted.length; i++)
    if (sorted[i] !== i + 1) {
      problems.push(`${conversationId}: stored ids are not 1..n (position ${i + 1} holds ${sorted[i]})`);
      break;
    }
  if (sorted.length !== sequence)
    problems.push(`${conversationId}: ${sorted.length} events stored, sequence_number ${sequence}`);
  if (new Set(given).size !== given.length) problems.push(`${conversationId}: an id was given to two writes`);
  const stored = new Set(sorted);
  if (given.some((id) => !stored.has(id))) problems.push(`${conversationId}: a returned id is not stored`);
  return problems;
};

export const hotConversationRatio = (bench: Bench): Promise<Figure> =>
  guarded('hot_conversation_ratio', 0.5, 'min', async () => {
    const users = [];
    for (let i = 0; i < WRITERS; i++) users.push(await bench.fixtures.createUser(`bench-writer-${i}`));
    const hotId = await bench.fixtures.createConversation();
    const hot: Writer[] = [];
    const spread: Writer[] = [];
    for (const u of users) {
      hot.push({ token: u.token, conversationId: hotId, memberId: await bench.fixtures.join(hotId, u.id) });
      const own = await bench.fixtures.createConversation();
      spread.push({ token: u.token, conversationId: own, memberId: await bench.fixtures.join(own, u.id) });
    }
    const perWriter = bench.options.quick ? 5 : 10;
    // Warm-up, then hot and spread twice each, alternating.
    await round(bench, hot, 2);
    await round(bench, spread, 2);
    const rounds = { hot: [] as Round[], spread: [] as Round[] };
    for (let i = 0; i < 2; i++) {
      bench.counter.reset();
      bench.counter.recording = true;
      const r = await round(bench, hot, perWriter).finally(() => {
        bench.counter.recording = false;
      });
      hotBatches.posts += r.events;
      hotBatches.transactions += bench.counter.calls.filter((c) => c.command === 'TransactWriteItems').length;
      rounds.hot.push(r);
      rounds.spread.push(await round(bench, spread, perWriter));
    }
    const rate = (rs: Round[]) =>
      rs.reduce((n, r) => n + r.events, 0) / rs.reduce((s, r) => s + r.seconds, 0);
    const hotRate = rate(rounds.hot);
    const spreadRate = rate(rounds.spread);
    // The most one conversation can take while its ids stay gap-free: one writer, nobody to collide with.
    const alone = await round(bench, hot.slice(0, 1), perWriter * 4);
    const aloneRate = alone.events / alone.seconds;

    const problems: string[] = [];
    const failures = [...rounds.hot, ...rounds.spread, alone].flatMap((r) => r.failures);
    if (failures.length > 0)
      problems.push(`${failures.length} posts failed: ${[...new Set(failures)].join(', ')}`);
    const given = new Map<string, number[]>();
    for (const r of [...rounds.hot, ...rounds.spread, alone])
      for (const [id, list] of r.ids) given.set(id, [...(given.get(id) ?? []), ...list]);
    for (const id of [hotId, ...spread.map((w) => w.conversationId)])
      problems.push(...(await checkIds(bench, id, given.get(id) ?? [])));

    return judge(
      'hot_conversation_ratio',
      hotRate / spreadRate,
      0.5,
      'min',
      [
        `${WRITERS} writers × ${perWriter} text messages per round, 2 rounds each`,
        `one conversation: ${hotRate.toFixed(0)} events/s, ${(hotBatches.posts / Math.max(1, hotBatches.transactions)).toFixed(1)} posts per transaction`,
        `${WRITERS} conversations: ${spreadRate.toFixed(0)} events/s`,
        `one writer alone in one conversation: ${aloneRate.toFixed(0)} events/s, so no ordering of the` +
          ` writers could beat ${(aloneRate / spreadRate).toFixed(2)} here (each event = a read and a transaction in turn)`,
        problems.length === 0
          ? 'ids: gap-free and unique in every conversation'
          : `ids: ${problems.slice(0, 5).join('; ')}`,
      ],
      problems.length === 0,
    );
  });
