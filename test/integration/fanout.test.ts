import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { config } from '../../functions/config.ts';
import type { StreamedEvent } from '../../functions/domain/events.ts';
import { type Sink, sinks } from '../../functions/fanout/sinks.ts';
import { streamHandler } from '../../infra/local/mounts.ts';
import { type StreamTail, startStreamTail } from '../../infra/local/stream-tail.ts';
import { call } from '../support/api.ts';

/** A sink that records what reaches it, optionally failing the first delivery of one conversation. */
const recorder = (failFirstOf?: () => string | undefined) => {
  const got: StreamedEvent[] = [];
  let failed = false;
  const sink: Sink = {
    name: 'test recorder',
    async deliver(events) {
      if (!failed && events[0]?.conversationId === failFirstOf?.()) {
        failed = true;
        throw new Error('receiver down');
      }
      got.push(...events);
    },
  };
  return { sink, got, failed: () => failed };
};

const until = async (what: () => boolean, ms = 10_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out waiting for the stream');
    await new Promise((r) => setTimeout(r, 20));
  }
};

const newConversation = async (): Promise<string> => {
  const user = (await call('POST', '/v1/users', { body: {} })).body.id;
  const cid = (await call('POST', '/v1/conversations', { body: {} })).body.id;
  await call('POST', `/v1/conversations/${cid}/members`, {
    body: { state: 'joined', user: { id: user }, channel: { type: 'app' } },
  });
  return cid;
};

const text = (t: string) => ({ type: 'message', body: { message_type: 'text', text: t } });

describe('the fan-out: every new event leaves the table once, through the stream', () => {
  let tail: StreamTail;
  let flaky: string | undefined;
  const seen = recorder(() => flaky);

  beforeAll(async () => {
    sinks.push(seen.sink);
    const { dynamodbEndpoint, tableName } = config();
    tail = await startStreamTail(streamHandler(), {
      endpoint: dynamodbEndpoint ?? '',
      tableName,
      retryMs: 50,
    });
  });
  afterAll(async () => {
    await tail.stop();
    sinks.splice(sinks.indexOf(seen.sink), 1);
  });

  const of = (cid: string) => seen.got.filter((e) => e.conversationId === cid);

  it('hands each conversation its events in id order, exactly as the REST API returns them', async () => {
    const [a, b] = await Promise.all([newConversation(), newConversation()]);
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        call('POST', `/v1/conversations/${i % 2 ? a : b}/events`, { body: text(`hello ${i}`) }),
      ),
    );
    for (const cid of [a, b]) {
      const stored = (await call('GET', `/v1/conversations/${cid}/events?page_size=100`)).body._embedded as {
        id: number;
        type: string;
        body: unknown;
        timestamp: string;
      }[];
      expect(stored).toHaveLength(7); // member:joined and six messages
      await until(() => of(cid).length >= stored.length);
      const streamed = of(cid).map((e) => e.event);
      expect(streamed.map((e) => e.id)).toEqual(stored.map((e) => e.id));
      expect(streamed.map((e) => [e.type, e.body, e.timestamp])).toEqual(
        stored.map((e) => [e.type, e.body, e.timestamp]),
      );
    }
  });

  it('retries a conversation whose delivery failed, in order, without holding up the others', async () => {
    const [down, up] = await Promise.all([newConversation(), newConversation()]);
    flaky = down;
    await call('POST', `/v1/conversations/${down}/events`, { body: text('first') });
    await call('POST', `/v1/conversations/${up}/events`, { body: text('other') });
    await call('POST', `/v1/conversations/${down}/events`, { body: text('second') });
    await until(() => of(down).filter((e) => e.event.type === 'message').length >= 2);
    expect(seen.failed()).toBe(true);
    const texts = of(down)
      .filter((e) => e.event.type === 'message')
      .map((e) => (e.event.body as { text: string }).text);
    expect(texts).toEqual(['first', 'second']);
    expect(of(up).some((e) => e.event.type === 'message')).toBe(true);
  });

  it('lets only new events through: member items, conversation updates and deletes are not events', async () => {
    const cid = await newConversation();
    const posted = (await call('POST', `/v1/conversations/${cid}/events`, { body: text('bye') })).body.id;
    await call('PUT', `/v1/conversations/${cid}`, { body: { display_name: 'renamed' } });
    await call('DELETE', `/v1/conversations/${cid}/events/${posted}`);
    await until(() => of(cid).length >= 4);
    await new Promise((r) => setTimeout(r, 300));
    const types = of(cid).map((e) => e.event.type);
    expect(types.filter((t) => t === 'message')).toHaveLength(1);
    expect(new Set(of(cid).map((e) => e.event.id)).size).toBe(of(cid).length);
  });
});
