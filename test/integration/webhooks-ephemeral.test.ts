/**
 * Ephemeral events (typing, `ephemeral`) at the application's event_url, as `npm start` runs them: the API
 * answers them without storing them and hands them to the socket Lambda (the dev server's emulation of
 * Lambda's asynchronous Invoke), which pushes them to the sessions and queues their delivery on the local
 * FIFO queue, in the conversation's group, where the sender handler POSTs them to a receiver this test
 * controls. Stored events take the stream, as in webhooks.test.ts.
 */
import { createHash, randomUUID } from 'node:crypto';
import { verifySignature } from '@vonage/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DELIVERY_ID } from '../../functions/domain/webhooks.ts';
import { handler as socketHandler } from '../../functions/socket/handler.ts';
import { setDeliveryQueue } from '../../functions/store/delivery-queue.ts';
import type { LocalDeliveryQueue } from '../../infra/local/delivery-queue.ts';
import { call } from '../support/api.ts';
import { type Behaviour, type Received, startReceiver, type TestReceiver } from '../support/receiver.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { testApplication, userToken } from '../support/tokens.ts';
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
const EPHEMERAL_TYPES = new Set(['text:typing:on', 'text:typing:off', 'ephemeral']);

const useEventUrl = async (address: string | undefined) => {
  const put = await call('PUT', `/v2/applications/${appId}`, {
    body: {
      name: 'ephemeral webhooks test',
      capabilities: {
        rtc: address ? { webhooks: { event_url: { address, http_method: 'POST' } } } : {},
      },
    },
  });
  expect(put.status).toBe(200);
};

beforeAll(async () => {
  // Ten attempts, so a delivery this test holds back is not dead-lettered while it waits.
  useWebhookSettings({ WEBHOOK_MAX_ATTEMPTS: '10' });
  server = await startTestServer({ stream: true, sockets: true });
  queue = startLocalWebhooks();
  receiver = await startReceiver();
  receiver.behave((request, nth) => behaviours.get(request.body.conversation_id)?.(request, nth) ?? {});
  await useEventUrl(receiver.url);
});

afterAll(async () => {
  await stopLocalWebhooks(queue);
  await server.close();
  await receiver.close();
});

interface Room {
  cid: string;
  /** Alice's member (JOINED), her user name and token. */
  alice: string;
  aliceName: string;
  aliceToken: string;
}

/** A conversation with Alice joined: its first event (1) is her `member:joined`. */
const newRoom = async (behaviour?: Behaviour): Promise<Room> => {
  const name = `alice-${randomUUID()}`;
  const user = (await call('POST', '/v1/users', { body: { name } })).body.id;
  const cid = (await call('POST', '/v1/conversations', { body: {} })).body.id as string;
  if (behaviour) behaviours.set(cid, behaviour);
  const member = await call('POST', `/v1/conversations/${cid}/members`, {
    body: { state: 'joined', user: { id: user }, channel: { type: 'app' } },
  });
  expect(member.status).toBe(201);
  return { cid, alice: member.body.id, aliceName: name, aliceToken: await userToken(name) };
};

const postAs = (token: string, cid: string, body: unknown) =>
  call('POST', `/v1/conversations/${cid}/events`, { body, token });

const receivedOf = (cid: string): Received[] =>
  receiver.received.filter((r) => r.body.conversation_id === cid);
const acceptedOf = (cid: string): Received[] =>
  receivedOf(cid).filter((r) => typeof r.answered === 'number' && r.answered < 300);

const deliveriesOf = async (cid: string) => {
  const res = await call('GET', `/v1/webhooks/deliveries?conversation_id=${cid}&page_size=100`);
  expect(res.status).toBe(200);
  return res.body._embedded.deliveries as {
    id: string;
    event_id?: number;
    event_type: string;
    status: string;
  }[];
};

const ephemeralDeliveriesOf = async (cid: string) =>
  (await deliveriesOf(cid)).filter((d) => EPHEMERAL_TYPES.has(d.event_type));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The receiver's view of a signed delivery: whether the token verifies and hashes this very body. */
const signedOver = (r: Received): boolean => {
  const token = (r.authorization ?? '').replace(/^Bearer /, '');
  if (!verifySignature(token, SIGNATURE_SECRET)) return false;
  const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
  return (
    claims.application_id === appId &&
    claims.payload_hash === createHash('sha256').update(r.rawBody).digest('hex')
  );
};

describe('Webhooks: ephemeral events', () => {
  it('delivers a typing event posted over REST, signed, without an id, behind the message queued before it', async () => {
    // Prepare: the receiver refuses the message (503, retried) until the typing event is queued behind it
    let typingQueued = false;
    const x = await newRoom((request) => ({
      status: request.body.type === 'message' && !typingQueued ? 503 : 200,
    }));
    const message = await postAs(x.aliceToken, x.cid, {
      type: 'message',
      body: { message_type: 'text', text: 'hello' },
    });
    expect(message.status).toBe(201);
    await waitFor(
      () => receivedOf(x.cid).some((r) => r.body.type === 'message' && r.answered === 503),
      'the message refused once',
    );

    // Act
    const typing = await postAs(x.aliceToken, x.cid, { type: 'text:typing:on', body: {} });
    expect(typing.status).toBe(201);
    expect(typing.body.id).toBeUndefined();
    const queuedTyping = async () => (await ephemeralDeliveriesOf(x.cid)).length > 0;
    const until = Date.now() + 10_000;
    while (!(await queuedTyping()) && Date.now() < until) await sleep(20);
    typingQueued = true;
    await waitFor(
      () => acceptedOf(x.cid).some((r) => r.body.type === 'text:typing:on'),
      'the typing event delivered',
    );

    // Assess: sent only once the message went through, and never before it
    const all = receivedOf(x.cid);
    const messageOk = all.findIndex((r) => r.body.type === 'message' && r.answered === 200);
    const firstTyping = all.findIndex((r) => r.body.type === 'text:typing:on');
    expect(messageOk).toBeGreaterThanOrEqual(0);
    expect(firstTyping).toBeGreaterThan(messageOk);
    expect(acceptedOf(x.cid).map((r) => r.body.type)).toEqual(['member:joined', 'message', 'text:typing:on']);
    const got = all[firstTyping];
    expect(got.body).toEqual({ ...typing.body, conversation_id: x.cid, application_id: appId });
    expect(got.body).toMatchObject({ type: 'text:typing:on', from: x.alice, body: {} });
    expect(got.body.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(got.body).not.toHaveProperty('id');
    expect(got.body).not.toHaveProperty('_links');
    expect(got.attempt).toBe(1);
    expect(signedOver(got)).toBe(true);
    expect(got.deliveryId).toMatch(DELIVERY_ID);
    // The record says so once the sender has written down the receiver's answer.
    let listed = await ephemeralDeliveriesOf(x.cid);
    for (const stop = Date.now() + 10_000; listed[0]?.status !== 'delivered' && Date.now() < stop; )
      listed = await sleep(20).then(() => ephemeralDeliveriesOf(x.cid));
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      id: got.deliveryId,
      event_type: 'text:typing:on',
      status: 'delivered',
    });
    expect(listed[0].event_id).toBeUndefined();
  });

  it('delivers a custom ephemeral event with its body as posted', async () => {
    // Prepare
    const x = await newRoom();
    const body = { kind: 'cursor', position: { x: 3, y: 4 }, note: 'ünïcödé' };

    // Act
    const posted = await postAs(x.aliceToken, x.cid, { type: 'ephemeral', body });
    expect(posted.status).toBe(201);
    await waitFor(() => acceptedOf(x.cid).some((r) => r.body.type === 'ephemeral'), 'the ephemeral event');

    // Assess
    const got = acceptedOf(x.cid).find((r) => r.body.type === 'ephemeral') as Received;
    expect(got.body).toEqual({ ...posted.body, conversation_id: x.cid, application_id: appId });
    expect(got.body.body).toEqual(body);
    expect(got.body).not.toHaveProperty('id');
    expect(signedOver(got)).toBe(true);
    const stored = await deliveriesOf(x.cid);
    expect(stored.map((d) => d.event_type)).toEqual(['member:joined', 'ephemeral']);
    expect(new Set(stored.map((d) => d.id)).size).toBe(2);
  });

  it('makes one delivery of an invocation handed to the socket Lambda twice, as Lambda may', async () => {
    // Prepare: the invocation the API leaves for a typing event
    const x = await newRoom();
    const invocation = {
      parleyEphemeral: {
        conversationId: x.cid,
        event: { type: 'text:typing:off', from: x.alice, body: {}, timestamp: new Date().toISOString() },
      },
    };

    // Act: handled, handled again while it is queued, and once more after it was delivered
    await socketHandler(invocation);
    await socketHandler(structuredClone(invocation));
    await waitFor(() => acceptedOf(x.cid).some((r) => r.body.type === 'text:typing:off'), 'the typing event');
    await socketHandler(structuredClone(invocation));
    await sleep(300);

    // Assess
    const typing = receivedOf(x.cid).filter((r) => r.body.type === 'text:typing:off');
    expect(typing).toHaveLength(1);
    expect(await ephemeralDeliveriesOf(x.cid)).toHaveLength(1);
  });

  it('keeps a conversation order among its ephemeral events as they were queued, and apart from other conversations', async () => {
    // Prepare
    const x = await newRoom();
    const y = await newRoom();

    // Act: each hand-over awaited, as one after the other
    for (const [room, type] of [
      [x, 'text:typing:on'],
      [y, 'text:typing:on'],
      [x, 'text:typing:off'],
      [y, 'text:typing:off'],
    ] as const)
      await socketHandler({
        parleyEphemeral: {
          conversationId: room.cid,
          event: { type, from: room.alice, body: {}, timestamp: new Date().toISOString() },
        },
      });
    await waitFor(
      () =>
        [x, y].every((r) => acceptedOf(r.cid).filter((d) => EPHEMERAL_TYPES.has(d.body.type)).length === 2),
      'both conversations',
    );

    // Assess
    for (const r of [x, y])
      expect(
        acceptedOf(r.cid)
          .map((d) => d.body.type)
          .filter((t) => EPHEMERAL_TYPES.has(t)),
      ).toEqual(['text:typing:on', 'text:typing:off']);
  });

  it('queues nothing for a refused ephemeral post: a bad body, a non-member, a member not joined, as another member', async () => {
    // Prepare
    const x = await newRoom();
    const bobName = `bob-${randomUUID()}`;
    const bob = (await call('POST', '/v1/users', { body: { name: bobName } })).body.id;
    const invited = await call('POST', `/v1/conversations/${x.cid}/members`, {
      body: { state: 'invited', user: { id: bob }, channel: { type: 'app' } },
    });
    expect(invited.status).toBe(201);
    const outsiderName = `eve-${randomUUID()}`;
    await call('POST', '/v1/users', { body: { name: outsiderName } });

    // Act
    const refused = [
      await postAs(x.aliceToken, x.cid, { type: 'ephemeral', body: 'not an object' }),
      await postAs(await userToken(outsiderName), x.cid, { type: 'text:typing:on', body: {} }),
      // Bob is only invited: he may not send yet.
      await postAs(await userToken(bobName), x.cid, { type: 'text:typing:on', body: {} }),
      // Alice may not send as Bob's member.
      await postAs(x.aliceToken, x.cid, { type: 'ephemeral', from: invited.body.id, body: {} }),
    ];
    // What does reach the receiver afterwards: everything refused before it had its chance.
    const accepted = await postAs(x.aliceToken, x.cid, { type: 'text:typing:off', body: {} });
    expect(accepted.status).toBe(201);
    await waitFor(() => acceptedOf(x.cid).some((r) => r.body.type === 'text:typing:off'), 'the accepted one');
    await sleep(300);

    // Assess
    expect(refused.map((r) => r.status)).toEqual([400, 404, 400, 403]);
    for (const r of refused)
      expect(r.body).toMatchObject({ type: expect.any(String), code: expect.any(String) });
    expect((await ephemeralDeliveriesOf(x.cid)).map((d) => d.event_type)).toEqual(['text:typing:off']);
    expect(
      receivedOf(x.cid)
        .map((r) => r.body.type)
        .filter((t) => EPHEMERAL_TYPES.has(t)),
    ).toEqual(['text:typing:off']);
  });
});

/** A Client SDK session of this user (engine.io 4), once greeted: the frames it receives, in order. */
const openSession = async (token: string) => {
  const frames: string[] = [];
  const ws = new WebSocket(
    `${server.baseUrl.replace('http', 'ws')}/v2/rtc/?token=${token}&EIO=4&transport=websocket`,
  );
  ws.on('message', (data) => frames.push(data.toString()));
  await waitFor(() => frames.some((f) => f.startsWith('42["session:success"')), 'the session greeted');
  return { ws, frames };
};

const typingOf = (room: Room, type: string) => ({
  parleyEphemeral: {
    conversationId: room.cid,
    event: { type, from: room.alice, body: {}, timestamp: new Date().toISOString() },
  },
});

describe('Webhooks: ephemeral events when one way out fails', () => {
  it('still pushes the event to the sessions when its delivery cannot be queued, and reports the invocation failed', async () => {
    // Prepare: a queue that refuses everything
    const x = await newRoom();
    const session = await openSession(x.aliceToken);
    setDeliveryQueue({
      enqueue: async () => {
        throw new Error('the queue is down');
      },
      postpone: async () => {},
      deadLetter: async () => {},
    });

    // Act
    const handled = socketHandler(typingOf(x, 'text:typing:on')).finally(() => setDeliveryQueue(queue));

    // Assess
    await expect(handled).rejects.toThrow(/event_url/);
    await waitFor(() => session.frames.some((f) => f.includes('"text:typing:on"')), 'the typing push');
    session.ws.close();
  });

  it('still queues the delivery when the sessions cannot be reached, and reports the invocation failed', async () => {
    // Prepare: a session to push to, and a Management API that answers 404
    const x = await newRoom();
    const session = await openSession(x.aliceToken);
    const management = process.env.WEBSOCKET_MANAGEMENT_URL;
    process.env.WEBSOCKET_MANAGEMENT_URL = `${server.baseUrl}/@aws/nowhere`;

    // Act
    const handled = socketHandler(typingOf(x, 'text:typing:off')).finally(() => {
      process.env.WEBSOCKET_MANAGEMENT_URL = management;
    });

    // Assess
    await expect(handled).rejects.toThrow(/sessions/);
    await waitFor(() => acceptedOf(x.cid).some((r) => r.body.type === 'text:typing:off'), 'the delivery');
    expect(session.frames.some((f) => f.includes('"text:typing:off"'))).toBe(false);
    session.ws.close();
  });
});

describe('Webhooks: ephemeral events without an event_url', () => {
  beforeAll(() => useEventUrl(undefined));
  afterAll(() => useEventUrl(receiver.url));

  it('queues and records nothing', async () => {
    // Prepare
    const x = await newRoom();

    // Act: over REST, and handed to the socket Lambda directly (awaited, so its queueing is done)
    const posted = await postAs(x.aliceToken, x.cid, { type: 'text:typing:on', body: {} });
    await socketHandler({
      parleyEphemeral: {
        conversationId: x.cid,
        event: { type: 'ephemeral', from: x.alice, body: { a: 1 }, timestamp: new Date().toISOString() },
      },
    });
    await sleep(300);

    // Assess
    expect(posted.status).toBe(201);
    expect(queue.size()).toBe(0);
    expect(await deliveriesOf(x.cid)).toEqual([]);
    expect(receivedOf(x.cid)).toEqual([]);
  });
});
