/**
 * Application webhooks end to end, as `npm start` runs them: events written through the API leave the
 * table by its stream (the fan-out handler), become delivery records and queue messages (the local FIFO
 * queue), and the sender handler POSTs them to a receiver this test controls, on a retry schedule of
 * milliseconds set through the same settings a deployment has.
 */
import { createHash } from 'node:crypto';
import { verifySignature } from '@vonage/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalDeliveryQueue } from '../../infra/local/delivery-queue.ts';
import { call } from '../support/api.ts';
import { type Behaviour, type Received, startReceiver, type TestReceiver } from '../support/receiver.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { testApplication } from '../support/tokens.ts';
import {
  SIGNATURE_SECRET,
  startLocalWebhooks,
  stopLocalWebhooks,
  useWebhookSettings,
  waitFor,
} from '../support/webhooks.ts';

let server: TestServer;
let queue: LocalDeliveryQueue;
let receiver: TestReceiver;
/** How the receiver answers, per conversation (200 for any other). */
const behaviours = new Map<string, Behaviour>();

const appId = testApplication.applicationId;
const text = (t: string) => ({ type: 'message', body: { message_type: 'text', text: t } });

beforeAll(async () => {
  useWebhookSettings();
  server = await startTestServer({ stream: true });
  queue = startLocalWebhooks();
  receiver = await startReceiver();
  receiver.behave((request, nth) => {
    const own = behaviours.get(request.body.conversation_id);
    if (!own) return { status: 200 };
    const count = receiver.received.filter(
      (r) => r.body.conversation_id === request.body.conversation_id,
    ).length;
    return own(request, count ?? nth);
  });
  const put = await call('PUT', `/v2/applications/${appId}`, {
    body: {
      name: 'webhooks test',
      capabilities: { rtc: { webhooks: { event_url: { address: receiver.url, http_method: 'POST' } } } },
    },
  });
  expect(put.status).toBe(200);
});

afterAll(async () => {
  await stopLocalWebhooks(queue);
  await server.close();
  await receiver.close();
});

/** A conversation with a joined member: its first event (1) is the `member:joined`. */
const newConversation = async (behaviour?: Behaviour): Promise<string> => {
  const user = (await call('POST', '/v1/users', { body: {} })).body.id;
  const cid = (await call('POST', '/v1/conversations', { body: {} })).body.id as string;
  if (behaviour) behaviours.set(cid, behaviour);
  const member = await call('POST', `/v1/conversations/${cid}/members`, {
    body: { state: 'joined', user: { id: user }, channel: { type: 'app' } },
  });
  expect(member.status).toBe(201);
  return cid;
};

const post = async (cid: string, t: string): Promise<number> => {
  const res = await call('POST', `/v1/conversations/${cid}/events`, { body: text(t) });
  expect(res.status).toBe(201);
  return res.body.id;
};

const receivedOf = (cid: string): Received[] =>
  receiver.received.filter((r) => r.body.conversation_id === cid);
/** What the receiver took (answered 2xx), in arrival order. */
const acceptedOf = (cid: string): Received[] =>
  receivedOf(cid).filter((r) => typeof r.answered === 'number' && r.answered < 300);
const acceptedIds = (cid: string): number[] => acceptedOf(cid).map((r) => r.body.id as number);

const deliveriesOf = async (cid: string, status?: string) => {
  const res = await call(
    'GET',
    `/v1/webhooks/deliveries?conversation_id=${cid}&page_size=100${status ? `&status=${status}` : ''}`,
  );
  expect(res.status).toBe(200);
  return res.body._embedded.deliveries as {
    id: string;
    event_id: number;
    status: string;
    attempts: { attempt: number; status_code?: number; error?: string; outcome: string; at: string }[];
  }[];
};

describe('Webhooks: delivery', () => {
  it('POSTs every event once, in order, signed, in the shape the REST API shows', async () => {
    // Prepare
    const cid = await newConversation();

    // Act
    for (const t of ['one', 'two', 'three']) await post(cid, t);
    await waitFor(() => acceptedOf(cid).length >= 4, 'four deliveries');

    // Assess
    const got = acceptedOf(cid);
    expect(got.map((r) => r.body.id)).toEqual([1, 2, 3, 4]);
    expect(got.map((r) => r.body.type)).toEqual(['member:joined', 'message', 'message', 'message']);
    expect(new Set(got.map((r) => r.deliveryId)).size).toBe(4);
    for (const r of got) {
      expect(r.attempt).toBe(1);
      expect(r.authorization).toMatch(/^Bearer /);
      const token = (r.authorization as string).slice('Bearer '.length);
      expect(verifySignature(token, SIGNATURE_SECRET)).toBe(true);
      expect(verifySignature(token, 'not-the-secret')).toBe(false);
      const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
      expect(claims.payload_hash).toBe(createHash('sha256').update(r.rawBody).digest('hex'));
      expect(claims.application_id).toBe(appId);
      const shown = await call('GET', `/v1/conversations/${cid}/events/${r.body.id}`);
      expect(r.body).toEqual({ ...shown.body, conversation_id: cid, application_id: appId });
    }
  });

  it('retries a receiver that fails the first attempts, with the same delivery id, holding back the next event', async () => {
    // Prepare: the first two requests of this conversation get 500 and 503
    const cid = await newConversation((_, n) => ({ status: n === 0 ? 500 : n === 1 ? 503 : 200 }));

    // Act
    await post(cid, 'after the failures');
    await waitFor(() => acceptedOf(cid).length >= 2, 'both events');

    // Assess
    const all = receivedOf(cid);
    expect(all.map((r) => [r.body.id, r.attempt, r.answered])).toEqual([
      [1, 1, 500],
      [1, 2, 503],
      [1, 3, 200],
      [2, 1, 200],
    ]);
    expect(new Set(all.slice(0, 3).map((r) => r.deliveryId)).size).toBe(1);
    const [first] = await deliveriesOf(cid);
    expect(first.attempts.map((a) => [a.attempt, a.status_code, a.outcome])).toEqual([
      [1, 500, 'retry'],
      [2, 503, 'retry'],
      [3, 200, 'delivered'],
    ]);
  });

  it('gives up on a receiver that does not answer within the read timeout, and tries again', async () => {
    // Prepare: the first answer comes after 1 s, past the 400 ms read timeout
    const cid = await newConversation((_, n) => (n === 0 ? { status: 200, delayMs: 1000 } : { status: 200 }));

    // Act
    await waitFor(() => receivedOf(cid).length >= 2, 'the second attempt');

    // Assess
    const [first] = await deliveriesOf(cid);
    await waitFor(() => acceptedOf(cid).some((r) => r.attempt === 2), 'the retry to be taken');
    const [again] = await deliveriesOf(cid);
    expect(first.attempts[0]).toMatchObject({ attempt: 1, error: 'read timeout', outcome: 'retry' });
    expect(again.status).toBe('delivered');
  });

  it("waits as long as a 429's Retry-After asks before the next attempt", async () => {
    // Prepare
    const cid = await newConversation((_, n) =>
      n === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 },
    );

    // Act
    await waitFor(() => acceptedOf(cid).length >= 1, 'the retry');

    // Assess: the schedule alone would wait 150 ms
    const [limited, taken] = receivedOf(cid);
    expect(limited.answered).toBe(429);
    expect(taken.at - limited.at).toBeGreaterThanOrEqual(950);
  });

  it('dead-letters a 400 at once, lets the next event through, and redelivers it on request', async () => {
    // Prepare: this receiver refuses event 1 until told otherwise
    let refuse = true;
    const cid = await newConversation((req) => ({ status: refuse && req.body.id === 1 ? 400 : 200 }));

    // Act
    await post(cid, 'next one');
    await waitFor(() => acceptedIds(cid).includes(2), 'event 2');
    const failed = await deliveriesOf(cid, 'failed');
    refuse = false;
    const redelivered = await call('POST', `/v1/webhooks/deliveries/${failed[0]?.id}/redeliver`, {});
    await waitFor(() => acceptedIds(cid).includes(1), 'the redelivery');

    // Assess
    expect(failed).toHaveLength(1);
    expect(failed[0].event_id).toBe(1);
    expect(failed[0].attempts).toEqual([
      expect.objectContaining({ attempt: 1, status_code: 400, outcome: 'dead-lettered', error: 'HTTP 400' }),
    ]);
    expect(queue.deadLettered.map((d) => d.item.deliveryId)).toContain(failed[0].id);
    expect(redelivered.status).toBe(202);
    const again = acceptedOf(cid).find((r) => r.body.id === 1) as Received;
    expect(again.deliveryId).toBe(failed[0].id);
    expect(again.attempt).toBe(1);
    expect(await deliveriesOf(cid, 'failed')).toEqual([]);
  });

  it('gets everything to a receiver that was down for a while, once, in order', async () => {
    // Prepare
    const cid = await newConversation();
    await waitFor(() => acceptedOf(cid).length >= 1, 'the first event');
    await receiver.down();

    // Act
    for (const t of ['a', 'b', 'c']) await post(cid, t);
    await new Promise((r) => setTimeout(r, 600));
    await receiver.up();
    await waitFor(() => acceptedOf(cid).length >= 4, 'every event after the outage');

    // Assess
    expect(acceptedIds(cid)).toEqual([1, 2, 3, 4]);
    expect(new Set(acceptedOf(cid).map((r) => r.deliveryId)).size).toBe(4);
    const deliveries = await deliveriesOf(cid);
    const refused = deliveries.find((d) => d.event_id === 2)?.attempts.filter((a) => a.outcome === 'retry');
    expect(refused?.length).toBeGreaterThan(0);
    expect(refused?.[0].error).toBe('ECONNREFUSED');
  });

  it('lets other conversations flow while one is blocked, and then delivers the blocked one in order', async () => {
    // Prepare
    let blocked = true;
    const slow = await newConversation(() => ({ status: blocked ? 503 : 200 }));
    const fast = await newConversation();

    // Act
    for (const t of ['s1', 's2']) await post(slow, t);
    for (const t of ['f1', 'f2', 'f3']) await post(fast, t);
    await waitFor(() => acceptedOf(fast).length >= 4, 'the flowing conversation');
    const slowWhileBlocked = acceptedOf(slow).length;
    const slowAttempted = new Set(receivedOf(slow).map((r) => r.body.id));
    blocked = false;
    await waitFor(() => acceptedOf(slow).length >= 3, 'the blocked conversation');

    // Assess
    expect(acceptedIds(fast)).toEqual([1, 2, 3, 4]);
    expect(slowWhileBlocked).toBe(0);
    expect([...slowAttempted]).toEqual([1]);
    expect(acceptedIds(slow)).toEqual([1, 2, 3]);
  });

  it('replays a range in order, as new deliveries a deduplicating receiver takes', async () => {
    // Prepare
    const cid = await newConversation();
    for (const t of ['x', 'y', 'z']) await post(cid, t);
    await waitFor(() => acceptedOf(cid).length >= 4, 'the first round');
    const firstIds = new Set(acceptedOf(cid).map((r) => r.deliveryId));

    // Act
    const replay = await call('POST', '/v1/webhooks/replay', {
      body: { conversation_id: cid, from_event_id: 2 },
    });
    await waitFor(() => acceptedOf(cid).length >= 7, 'the replay');

    // Assess
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({ conversation_id: cid, from_event_id: 2, to_event_id: 4 });
    const replayed = acceptedOf(cid).slice(4);
    expect(replayed.map((r) => r.body.id)).toEqual([2, 3, 4]);
    for (const r of replayed) expect(firstIds.has(r.deliveryId)).toBe(false);
  });

  it('refuses a replay of a conversation that does not exist and bad input, queueing nothing', async () => {
    // Act
    const missing = await call('POST', '/v1/webhooks/replay', {
      body: { conversation_id: 'CON-00000000-0000-4000-8000-000000000000', from_event_id: 1 },
    });
    const bad = await call('POST', '/v1/webhooks/replay', {
      body: { conversation_id: 'x', from_event_id: 0 },
    });
    const unknown = await call('POST', '/v1/webhooks/deliveries/DLV-nope/redeliver', {});
    const list = await call('GET', '/v1/webhooks/deliveries');

    // Assess
    expect(missing.status).toBe(404);
    expect(bad.status).toBe(400);
    expect(bad.body.invalid_parameters).toEqual([
      { name: 'from_event_id', reason: expect.stringContaining('greater than or equal to 1') },
    ]);
    expect(unknown.status).toBe(404);
    expect(list.status).toBe(400);
  });
});
