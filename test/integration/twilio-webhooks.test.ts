/**
 * Twilio post-event webhooks end to end, as `npm start` runs them: the configuration set and read with
 * the official `twilio` library, changes made through it leaving the table by its stream (the fan-out),
 * becoming Twilio deliveries on the local FIFO queue, and the sender handler sending them, form-encoded
 * and signed with `X-Twilio-Signature`, to a receiver this test controls, which checks them with the
 * library's own `validateRequest`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LocalDeliveryQueue } from '../../infra/local/delivery-queue.ts';
import { call } from '../support/api.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { testApplication } from '../support/tokens.ts';
import {
  parleyIdOf,
  twilioAccount,
  twilioClient,
  twilioFailure,
  useTwilioAccount,
} from '../support/twilio.ts';
import { startLocalWebhooks, stopLocalWebhooks, useWebhookSettings, waitFor } from '../support/webhooks.ts';

/** One request the receiver took: its method, full URL, headers, and its fields (body or query). */
interface Hit {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  params: Record<string, string>;
  rawBody: string;
  answered: number;
}

let server: TestServer;
let queue: LocalDeliveryQueue;
let client: ReturnType<typeof twilioClient>;
let receiver: Server;
let receiverBase: string;
const hits: Hit[] = [];
/** How the receiver answers a request (200 unless told otherwise). */
let answer: (hit: Omit<Hit, 'answered'>) => number = () => 200;

const readBody = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

beforeAll(async () => {
  useWebhookSettings();
  server = await startTestServer({ stream: true });
  useTwilioAccount(server.baseUrl);
  client = twilioClient(server.baseUrl);
  queue = startLocalWebhooks();
  receiver = createServer(async (req, res) => {
    const rawBody = await readBody(req);
    const url = `${receiverBase}${req.url}`;
    const query = new URL(url).searchParams;
    const params = Object.fromEntries(req.method === 'GET' ? query : new URLSearchParams(rawBody));
    const hit = { method: req.method ?? '', url, headers: req.headers, params, rawBody };
    const status = answer(hit);
    hits.push({ ...hit, answered: status });
    res.writeHead(status).end();
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverBase = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await stopLocalWebhooks(queue);
  await server.close();
  await new Promise<void>((r) => {
    receiver.closeAllConnections();
    receiver.close(() => r());
  });
});

const webhooks = () => client.conversations.v1.configuration.webhooks();
const hookUrl = () => `${receiverBase}/twilio/hook?tenant=t1`;
const hitsOf = (conversationSid: string, eventType?: string): Hit[] =>
  hits.filter(
    (h) =>
      h.params.ConversationSid === conversationSid &&
      (eventType === undefined || h.params.EventType === eventType),
  );

/** Whether the library's own check accepts a hit as Twilio's, under `token`. */
const validates = (hit: Hit, token = twilioAccount.authToken): boolean =>
  twilio.validateRequest(
    token,
    String(hit.headers['x-twilio-signature']),
    hit.url,
    hit.method === 'POST' ? hit.params : {},
  );

const ALL = [
  'onMessageAdded',
  'onMessageUpdated',
  'onMessageRemoved',
  'onParticipantAdded',
  'onParticipantRemoved',
  'onConversationUpdated',
];

beforeEach(async () => {
  answer = () => 200;
  await webhooks().update({ postWebhookUrl: hookUrl(), method: 'POST', filters: ALL });
});

describe('Twilio: /v1/Configuration/Webhooks', () => {
  it("is set with the library's update() and read back with fetch(), in Twilio's shape", async () => {
    // Act
    const updated = await webhooks().update({
      postWebhookUrl: hookUrl(),
      method: 'GET',
      filters: ['onMessageAdded', 'onParticipantAdded'],
      target: 'webhook',
    });
    const fetched = await webhooks().fetch();

    // Assess
    for (const read of [updated, fetched]) {
      expect(read).toMatchObject({
        accountSid: twilioAccount.accountSid,
        method: 'GET',
        filters: ['onMessageAdded', 'onParticipantAdded'],
        preWebhookUrl: null,
        postWebhookUrl: hookUrl(),
        target: 'webhook',
        url: `${server.baseUrl}/twilio/v1/Configuration/Webhooks`,
      });
    }
  });

  it('changes only the fields given', async () => {
    // Act
    await webhooks().update({ method: 'GET' });
    const fetched = await webhooks().fetch();

    // Assess
    expect(fetched).toMatchObject({ method: 'GET', filters: ALL, postWebhookUrl: hookUrl() });
  });

  it('refuses a PreWebhookUrl with 400 code 20001 naming it, and writes nothing', async () => {
    // Act
    const refused = await twilioFailure(
      webhooks().update({ preWebhookUrl: `${receiverBase}/pre`, method: 'GET' }),
    );
    const fetched = await webhooks().fetch();

    // Assess
    expect(refused).toMatchObject({ status: 400, code: 20001 });
    expect(refused.message).toContain('PreWebhookUrl');
    expect(fetched).toMatchObject({ method: 'POST', preWebhookUrl: null, postWebhookUrl: hookUrl() });
  });

  it('refuses Target flex, an unknown filter and a relative URL, each naming the parameter', async () => {
    // Act
    const flex = await twilioFailure(webhooks().update({ target: 'flex' }));
    const filter = await twilioFailure(webhooks().update({ filters: ['onMessageAdded', 'onEverything'] }));
    const url = await twilioFailure(webhooks().update({ postWebhookUrl: '/hook' }));
    const fetched = await webhooks().fetch();

    // Assess
    expect([flex.status, filter.status, url.status]).toEqual([400, 400, 400]);
    expect([flex.code, filter.code, url.code]).toEqual([20001, 20001, 20001]);
    expect(flex.message).toContain('Target');
    expect(filter.message).toContain('"Filters[1]" must be one of');
    expect(url.message).toContain('PostWebhookUrl');
    expect(fetched).toMatchObject({ filters: ALL, postWebhookUrl: hookUrl(), target: 'webhook' });
  });
});

describe('Twilio: post-event deliveries', () => {
  /** A conversation with a chat participant, both made with the library. */
  /**
   * Adds a participant and waits for its onParticipantAdded: a conversation's deliveries go out in event
   * order, so once it is in, every delivery queued before it has had its turn.
   */
  const addParticipantAndWait = async (sid: string, identity: string) => {
    const participant = await client.conversations.v1.conversations(sid).participants.create({ identity });
    await waitFor(
      () => hitsOf(sid).some((h) => h.params.ParticipantSid === participant.sid),
      `participant ${identity}`,
    );
    return participant;
  };

  const withParticipant = async () => {
    const c = await client.conversations.v1.conversations.create({ friendlyName: `hooks-${randomUUID()}` });
    const identity = `alice-${randomUUID()}`;
    const participant = await client.conversations.v1.conversations(c.sid).participants.create({ identity });
    return { c, identity, participant, messages: client.conversations.v1.conversations(c.sid).messages };
  };

  it('sends onMessageAdded with the fields the library fetches, signed so that validateRequest accepts it', async () => {
    // Prepare
    const { c, identity, participant, messages } = await withParticipant();

    // Act
    const created = await messages.create({
      author: identity,
      body: 'Hello & welcome',
      attributes: JSON.stringify({ topic: 'billing' }),
    });
    const fetched = await messages(created.sid).fetch();
    await waitFor(() => hitsOf(c.sid, 'onMessageAdded').length > 0, 'onMessageAdded');

    // Assess
    const [hit] = hitsOf(c.sid, 'onMessageAdded');
    expect(hit.method).toBe('POST');
    expect(hit.url).toBe(hookUrl());
    expect(hit.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(hit.params).toMatchObject({
      EventType: 'onMessageAdded',
      AccountSid: twilioAccount.accountSid,
      ChatServiceSid: c.chatServiceSid,
      ConversationSid: c.sid,
      MessageSid: fetched.sid,
      Index: String(fetched.index),
      Author: fetched.author,
      Body: fetched.body,
      Attributes: fetched.attributes,
      ParticipantSid: participant.sid,
      Source: 'API',
    });
    expect(fetched.author).toBe(identity);
    expect(hit.params.DateCreated).toBe(fetched.dateCreated.toISOString().replace('.000Z', 'Z'));
    expect(validates(hit)).toBe(true);
    expect(validates(hit, 'not-the-auth-token')).toBe(false);
    expect(hit.headers['i-twilio-idempotency-token']).toMatch(/^DLV-/);
    expect(hit.headers['x-parley-delivery-id']).toBe(hit.headers['i-twilio-idempotency-token']);
  });

  it('sends onParticipantAdded with the participant the library created, and onParticipantRemoved when it leaves', async () => {
    // Prepare
    const c = await client.conversations.v1.conversations.create({ friendlyName: 'participants' });
    const identity = `bob-${randomUUID()}`;

    // Act
    const participant = await client.conversations.v1.conversations(c.sid).participants.create({ identity });
    await client.conversations.v1.conversations(c.sid).participants(participant.sid).remove();
    await waitFor(() => hitsOf(c.sid, 'onParticipantRemoved').length > 0, 'onParticipantRemoved');

    // Assess
    expect(hitsOf(c.sid).map((h) => h.params.EventType)).toEqual([
      'onParticipantAdded',
      'onParticipantRemoved',
    ]);
    const [added, removed] = hitsOf(c.sid);
    expect(added.params).toMatchObject({
      EventType: 'onParticipantAdded',
      ConversationSid: c.sid,
      ParticipantSid: participant.sid,
      Identity: identity,
      Attributes: participant.attributes,
      DateCreated: participant.dateCreated.toISOString().replace('.000Z', 'Z'),
      Source: 'API',
    });
    expect(removed.params).toMatchObject({ ParticipantSid: participant.sid, Identity: identity });
    expect(removed.params.DateRemoved).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(validates(added) && validates(removed)).toBe(true);
  });

  it('sends only the events its Filters name', async () => {
    // Prepare
    await webhooks().update({ filters: ['onParticipantAdded'] });
    const c = await client.conversations.v1.conversations.create({ friendlyName: 'filters' });
    const first = await client.conversations.v1
      .conversations(c.sid)
      .participants.create({ identity: `f-${randomUUID()}` });
    await client.conversations.v1
      .conversations(c.sid)
      .messages.create({ author: first.identity, body: 'not sent' });
    await client.conversations.v1.conversations(c.sid).update({ friendlyName: 'renamed' });

    // Act: once this one is in, any delivery before it is
    const last = await addParticipantAndWait(c.sid, `g-${randomUUID()}`);

    // Assess
    expect(hitsOf(c.sid).map((h) => [h.params.EventType, h.params.ParticipantSid])).toEqual([
      ['onParticipantAdded', first.sid],
      ['onParticipantAdded', last.sid],
    ]);
  });

  it('sends onConversationUpdated and onMessageRemoved with what the library shows', async () => {
    // Prepare
    const { c, identity, messages } = await withParticipant();
    const message = await messages.create({ author: identity, body: 'to be removed' });

    // Act
    const updated = await client.conversations.v1
      .conversations(c.sid)
      .update({ friendlyName: 'Renamed', attributes: JSON.stringify({ tier: 'gold' }) });
    await messages(message.sid).remove();
    await waitFor(() => hitsOf(c.sid, 'onMessageRemoved').length > 0, 'onMessageRemoved');

    // Assess
    const [conversation] = hitsOf(c.sid, 'onConversationUpdated');
    expect(conversation.params).toMatchObject({
      ConversationSid: c.sid,
      FriendlyName: updated.friendlyName,
      Attributes: updated.attributes,
      State: updated.state,
    });
    const [removed] = hitsOf(c.sid, 'onMessageRemoved');
    expect(removed.params).toMatchObject({
      MessageSid: message.sid,
      Index: String(message.index),
      Author: identity,
    });
    expect(validates(conversation) && validates(removed)).toBe(true);
  });

  it('sends onMessageUpdated for each edit, with what the library fetches after it, and none for a removal', async () => {
    // Prepare
    const { c, identity, messages } = await withParticipant();
    const message = await messages.create({ author: identity, body: 'first draft' });

    // Act
    await messages(message.sid).update({ body: 'second draft' });
    const edited = await messages(message.sid).update({
      body: 'final',
      attributes: JSON.stringify({ v: 3 }),
    });
    const fetched = await messages(message.sid).fetch();
    await messages(message.sid).remove();
    await waitFor(() => hitsOf(c.sid, 'onMessageRemoved').length > 0, 'onMessageRemoved');

    // Assess: in order, one per change; the removal of an edited message is no further update
    const ofMessage = hitsOf(c.sid).filter((h) => h.params.MessageSid === message.sid);
    expect(ofMessage.map((h) => h.params.EventType)).toEqual([
      'onMessageAdded',
      'onMessageUpdated',
      'onMessageUpdated',
      'onMessageRemoved',
    ]);
    expect(ofMessage.slice(0, 3).map((h) => h.params.Body)).toEqual(['first draft', 'second draft', 'final']);
    const last = hitsOf(c.sid, 'onMessageUpdated')[1];
    expect(last.params).toMatchObject({
      AccountSid: twilioAccount.accountSid,
      ChatServiceSid: c.chatServiceSid,
      ConversationSid: c.sid,
      Index: String(fetched.index),
      Author: identity,
      Attributes: fetched.attributes,
      DateCreated: fetched.dateCreated.toISOString().replace('.000Z', 'Z'),
      DateUpdated: fetched.dateUpdated.toISOString().replace('.000Z', 'Z'),
      Source: 'API',
    });
    expect(edited.body).toBe('final');
    expect(ofMessage.every((h) => validates(h))).toBe(true);
    expect(new Set(ofMessage.map((h) => h.headers['i-twilio-idempotency-token'])).size).toBe(4);
  });

  it('sends no onMessageUpdated when its Filters do not name it', async () => {
    // Prepare
    await webhooks().update({ filters: ['onMessageAdded', 'onParticipantAdded'] });
    const { c, identity, messages } = await withParticipant();
    const message = await messages.create({ author: identity, body: 'draft' });
    await messages(message.sid).update({ body: 'edited' });

    // Act: once a later delivery is in, the edit's turn has passed
    await addParticipantAndWait(c.sid, `late-${randomUUID()}`);

    // Assess
    expect(hitsOf(c.sid, 'onMessageUpdated')).toEqual([]);
    expect(hitsOf(c.sid, 'onMessageAdded').map((h) => h.params.Body)).toEqual(['draft']);
  });

  it('sends nothing for a refused request', async () => {
    // Prepare
    const { c, identity, messages } = await withParticipant();

    // Act
    const refused = await twilioFailure(messages.create({ author: identity, body: 'x', attributes: '[1]' }));
    const sent = await messages.create({ author: identity, body: 'accepted' });
    await waitFor(() => hitsOf(c.sid, 'onMessageAdded').length > 0, 'the accepted message');

    // Assess
    expect(refused.status).toBe(400);
    expect(hitsOf(c.sid, 'onMessageAdded').map((h) => [h.params.MessageSid, h.params.Body])).toEqual([
      [sent.sid, 'accepted'],
    ]);
  });

  it('sends a GET with the fields in the query string, signed over the whole URL', async () => {
    // Prepare
    await webhooks().update({ method: 'GET' });
    const { c, identity, messages } = await withParticipant();

    // Act
    await messages.create({ author: identity, body: 'by GET' });
    await waitFor(() => hitsOf(c.sid, 'onMessageAdded').length > 0, 'onMessageAdded by GET');

    // Assess
    const [hit] = hitsOf(c.sid, 'onMessageAdded');
    expect(hit.method).toBe('GET');
    expect(hit.rawBody).toBe('');
    expect(hit.url.startsWith(`${hookUrl()}&`)).toBe(true);
    expect(hit.params).toMatchObject({ tenant: 't1', Body: 'by GET', EventType: 'onMessageAdded' });
    expect(validates(hit)).toBe(true);
  });

  it("sends a failed one again on the pipeline's schedule, with the same idempotency token and body", async () => {
    // Prepare
    const { c, identity, messages } = await withParticipant();
    answer = (hit) =>
      hit.params.ConversationSid === c.sid &&
      hit.params.EventType === 'onMessageAdded' &&
      hitsOf(c.sid, 'onMessageAdded').length === 0
        ? 503
        : 200;

    // Act
    await messages.create({ author: identity, body: 'try again' });
    await waitFor(() => hitsOf(c.sid, 'onMessageAdded').length >= 2, 'the second attempt');

    // Assess
    const [first, second] = hitsOf(c.sid, 'onMessageAdded');
    expect([first.answered, second.answered]).toEqual([503, 200]);
    expect(second.headers['i-twilio-idempotency-token']).toBe(first.headers['i-twilio-idempotency-token']);
    expect([first.headers['x-parley-attempt'], second.headers['x-parley-attempt']]).toEqual(['1', '2']);
    expect(second.rawBody).toBe(first.rawBody);
    expect(validates(second)).toBe(true);
    const listed = await call(
      'GET',
      `/v1/webhooks/deliveries?conversation_id=${parleyIdOf('CON', c.sid)}&page_size=100`,
    );
    const delivery = listed.body._embedded.deliveries.find(
      (d: { id: string }) => d.id === first.headers['i-twilio-idempotency-token'],
    );
    expect(delivery).toMatchObject({
      target: 'twilio',
      event_type: 'onMessageAdded',
      status: 'delivered',
      payload: { EventType: 'onMessageAdded', Body: 'try again' },
    });
    expect(delivery.attempts.map((a: { status_code: number }) => a.status_code)).toEqual([503, 200]);
  });

  it('dead-letters one the receiver refuses; redeliver sends it again as it was, replay as a new delivery', async () => {
    // Prepare
    const { c, identity, messages } = await withParticipant();
    const cid = parleyIdOf('CON', c.sid);
    let refuse = true;
    answer = (hit) => (refuse && hit.params.ConversationSid === c.sid ? 400 : 200);
    const message = await messages.create({ author: identity, body: 'refused once' });
    const failed = async () =>
      (await call('GET', `/v1/webhooks/deliveries?conversation_id=${cid}&status=failed`)).body._embedded
        .deliveries as { id: string; target?: string; event_type: string }[];
    await waitFor(() => hitsOf(c.sid, 'onMessageAdded').length === 1, 'the refused attempt');
    let dead: { id: string; target?: string; event_type: string }[] = [];
    for (let i = 0; i < 50 && dead.length === 0; i++) {
      dead = (await failed()).filter((d) => d.event_type === 'onMessageAdded');
      if (dead.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    refuse = false;

    // Act
    const redelivered = await call('POST', `/v1/webhooks/deliveries/${dead[0]?.id}/redeliver`, {});
    await waitFor(() => hitsOf(c.sid, 'onMessageAdded').length === 2, 'the redelivery');
    const replayed = await call('POST', '/v1/webhooks/replay', {
      body: { conversation_id: cid, from_event_id: message.index, to_event_id: message.index },
    });
    await waitFor(() => hitsOf(c.sid, 'onMessageAdded').length === 3, 'the replay');

    // Assess
    expect(dead).toEqual([expect.objectContaining({ target: 'twilio' })]);
    expect(redelivered.status).toBe(202);
    expect(replayed.status).toBe(202);
    const [refused, again, replay] = hitsOf(c.sid, 'onMessageAdded');
    expect(refused.answered).toBe(400);
    expect(again.headers['i-twilio-idempotency-token']).toBe(dead[0].id);
    expect(again.rawBody).toBe(refused.rawBody);
    expect(replay.headers['i-twilio-idempotency-token']).not.toBe(dead[0].id);
    expect(replay.params).toEqual(refused.params);
    expect(validates(again) && validates(replay)).toBe(true);
    expect(replayed.body.deliveries).toEqual([
      { id: replay.headers['i-twilio-idempotency-token'], event_id: message.index, target: 'twilio' },
    ]);
  });

  it("yields one delivery per target when the application's event_url is set too", async () => {
    // Prepare
    const put = await call('PUT', `/v2/applications/${testApplication.applicationId}`, {
      body: {
        name: 'both',
        capabilities: {
          rtc: { webhooks: { event_url: { address: `${receiverBase}/vonage`, http_method: 'POST' } } },
        },
      },
    });
    expect(put.status).toBe(200);
    const { c, identity, messages } = await withParticipant();
    const cid = parleyIdOf('CON', c.sid);

    try {
      // Act
      const message = await messages.create({ author: identity, body: 'to both' });
      const vonage = () =>
        hits.filter(
          (h) => h.url === `${receiverBase}/vonage` && JSON.parse(h.rawBody).conversation_id === cid,
        );
      await waitFor(
        () =>
          hitsOf(c.sid, 'onMessageAdded').length > 0 &&
          vonage().some((h) => JSON.parse(h.rawBody).type === 'message'),
        'both deliveries',
      );

      // Assess
      const json = vonage().find((h) => JSON.parse(h.rawBody).type === 'message');
      expect(JSON.parse(json?.rawBody ?? '{}')).toMatchObject({
        id: message.index,
        body: { text: 'to both' },
      });
      expect(json?.headers['x-twilio-signature']).toBeUndefined();
      expect(json?.headers.authorization).toMatch(/^Bearer /);
      expect(hitsOf(c.sid, 'onMessageAdded')[0].headers.authorization).toBeUndefined();
      expect(json?.headers['x-parley-delivery-id']).not.toBe(
        hitsOf(c.sid, 'onMessageAdded')[0].headers['x-parley-delivery-id'],
      );
    } finally {
      await call('PUT', `/v2/applications/${testApplication.applicationId}`, {
        body: { name: 'both', capabilities: {} },
      });
    }
  });
});
