import { describe, expect, it } from 'vitest';
import type { TwilioWebhookConfig } from '../../../../functions/domain/twilio-webhooks.ts';
import {
  attemptDelivery,
  queueEphemeralDelivery,
  queueEventDeliveries,
} from '../../../../functions/domain/use-cases/webhooks.ts';
import type {
  QueuedDelivery,
  ReceiverRequest,
  WebhookDeps,
} from '../../../../functions/domain/webhook-ports.ts';
import {
  type Application,
  type AttemptResult,
  DEFAULT_DELIVERY_POLICY,
  DELIVERY_ID,
  type Delivery,
  deliveryIdOfEvent,
  twilioDeliveryIdOfEdit,
  twilioDeliveryIdOfEvent,
} from '../../../../functions/domain/webhooks.ts';

const NOW = '2026-12-01T10:00:00.000Z';

/** The webhook ports in memory, the receiver answering with `answers` in turn. */
const fakes = (answers: AttemptResult[], app?: Partial<Application>, twilio?: TwilioWebhookConfig) => {
  const deliveries = new Map<string, Delivery>();
  const posted: ReceiverRequest[] = [];
  const queued: QueuedDelivery[] = [];
  const postponed: { receipt: string; delayMs: number }[] = [];
  const deadLettered: string[] = [];
  const application: Application = {
    id: 'app-1',
    name: 'test',
    capabilities: {
      rtc: { webhooks: { event_url: { address: 'https://app.test/hook', http_method: 'POST' } } },
    },
    ...app,
  };
  const deps: WebhookDeps = {
    store: {
      getApplication: async () => application,
      putApplication: async () => {},
      getTwilioWebhooks: async () => twilio,
      putTwilioWebhooks: async () => {},
      getSettings: async (id) => ({
        application: await deps.store.getApplication(id),
        twilio: await deps.store.getTwilioWebhooks(id),
      }),
      createDeliveries: async (ds) => {
        const out: Delivery[] = [];
        for (const d of ds) {
          const existing = deliveries.get(d.id);
          if (!existing) deliveries.set(d.id, structuredClone(d));
          if (!existing || existing.status === 'pending') out.push(existing ?? d);
        }
        return out;
      },
      getDelivery: async (id) => structuredClone(deliveries.get(id)),
      recordAttempt: async (d, attempt, next) => {
        const stored = deliveries.get(d.id) as Delivery;
        stored.attempts.push(attempt);
        stored.status = next.status;
      },
      restartDelivery: async () => undefined,
      listDeliveries: async () => ({ items: [] }),
    },
    queue: {
      enqueue: async (items) => {
        queued.push(...items);
      },
      postpone: async (receipt, delayMs) => {
        postponed.push({ receipt, delayMs });
      },
      deadLetter: async (item) => {
        deadLettered.push(item.deliveryId);
      },
    },
    receiver: {
      post: async (request) => {
        posted.push(request);
        return answers.shift() ?? { kind: 'answered', statusCode: 200, latencyMs: 1 };
      },
    },
    signer: { sign: async (claims) => `signed.${claims.payload_hash}` },
    events: { exists: async () => true, list: async () => ({ items: [] }) },
    present: (cid, e) => JSON.stringify({ ...e, conversation_id: cid }),
    twilio: {
      subjectOf: async (cid, e, subject) =>
        subject === 'message'
          ? {
              subject,
              message: {
                account_sid: 'AC1',
                chat_service_sid: 'IS1',
                conversation_sid: `CH-${cid}`,
                sid: `IM-${e.id}`,
                index: e.id,
                author: 'alice',
                body: String(e.body.text),
                attributes: '{}',
                participant_sid: null,
                date_created: '2026-12-01T10:00:00Z',
                date_updated: '2026-12-01T10:00:00Z',
              },
            }
          : undefined,
      sign: (token, url, params) => `sha1(${token}|${url}|${Object.keys(params).sort().join(',')})`,
    },
    settings: {
      applicationId: 'app-1',
      signatureSecret: 's3cret',
      twilioAuthToken: 'tw-token',
      policy: { ...DEFAULT_DELIVERY_POLICY, jitter: 0 },
    },
    now: () => NOW,
  };
  return { deps, deliveries, posted, queued, postponed, deadLettered };
};

const event = (id: number) => ({ id, type: 'message', body: { text: `m${id}` }, timestamp: NOW });

describe('Use-case: queueEventDeliveries', () => {
  it('makes one delivery per event, queued in order, and none again for events handled twice', async () => {
    // Prepare
    const f = fakes([]);
    const batch = [1, 2, 3].map((id) => ({ conversationId: 'CON-1', event: event(id) }));

    // Act
    await queueEventDeliveries(f.deps, batch);
    const first = f.queued.map((q) => q.deliveryId);
    for (const id of first) (f.deliveries.get(id) as Delivery).status = 'delivered';
    const again = await queueEventDeliveries(f.deps, batch);

    // Assess
    expect(first).toEqual([1, 2, 3].map((id) => deliveryIdOfEvent('app-1', 'CON-1', id)));
    expect(f.queued.map((q) => q.conversationId)).toEqual(['CON-1', 'CON-1', 'CON-1']);
    expect(again).toBe(0);
    expect(f.queued).toHaveLength(3);
  });

  it('queues nothing when the application has no event URL', async () => {
    // Prepare
    const f = fakes([], { capabilities: {} });

    // Act
    const n = await queueEventDeliveries(f.deps, [{ conversationId: 'CON-1', event: event(1) }]);

    // Assess
    expect(n).toBe(0);
    expect(f.deliveries.size).toBe(0);
  });
});

describe('Use-case: queueEphemeralDelivery', () => {
  const typing = (timestamp = NOW) => ({ type: 'text:typing:on', from: 'MEM-1', body: {}, timestamp });

  it("queues one delivery without an event id in the conversation's group, the same one when handled again", async () => {
    // Prepare
    const f = fakes([]);

    // Act
    const first = await queueEphemeralDelivery(f.deps, 'CON-1', typing());
    const again = await queueEphemeralDelivery(f.deps, 'CON-1', typing());
    const [{ deliveryId }] = f.queued;
    (f.deliveries.get(deliveryId) as Delivery).status = 'delivered';
    const afterDelivered = await queueEphemeralDelivery(f.deps, 'CON-1', typing());

    // Assess
    expect([first, again, afterDelivered]).toEqual([1, 1, 0]);
    expect(deliveryId).toMatch(DELIVERY_ID);
    expect(f.queued).toEqual([
      { deliveryId, conversationId: 'CON-1', dedupId: deliveryId },
      { deliveryId, conversationId: 'CON-1', dedupId: deliveryId },
    ]);
    expect(f.deliveries.size).toBe(1);
    const record = f.deliveries.get(deliveryId) as Delivery;
    expect(record).toMatchObject({ conversation_id: 'CON-1', event_type: 'text:typing:on' });
    expect(record).not.toHaveProperty('event_id');
    expect(JSON.parse(record.payload)).toEqual({ ...typing(), conversation_id: 'CON-1' });
  });

  it('makes another delivery of another event: a later one, or the same in another conversation', async () => {
    // Prepare
    const f = fakes([]);

    // Act
    await queueEphemeralDelivery(f.deps, 'CON-1', typing());
    await queueEphemeralDelivery(f.deps, 'CON-1', typing('2026-12-01T10:00:00.001Z'));
    await queueEphemeralDelivery(f.deps, 'CON-2', typing());

    // Assess
    expect(new Set(f.queued.map((q) => q.deliveryId)).size).toBe(3);
    expect(f.queued.map((q) => q.conversationId)).toEqual(['CON-1', 'CON-1', 'CON-2']);
  });

  it('queues and records nothing when the application has no event URL', async () => {
    // Prepare
    const f = fakes([], { capabilities: {} });

    // Act
    const n = await queueEphemeralDelivery(f.deps, 'CON-1', typing());

    // Assess
    expect(n).toBe(0);
    expect(f.deliveries.size).toBe(0);
    expect(f.queued).toEqual([]);
  });
});

describe('Use-case: attemptDelivery', () => {
  const queuedOne = async (f: ReturnType<typeof fakes>) => {
    await queueEventDeliveries(f.deps, [{ conversationId: 'CON-1', event: event(1) }]);
    return { ...f.queued[0], receipt: 'r-1' };
  };

  it('posts the stored body, signed, with the delivery id and attempt, and records it delivered', async () => {
    // Prepare
    const f = fakes([]);
    const message = await queuedOne(f);

    // Act
    const outcome = await attemptDelivery(f.deps, message);

    // Assess
    expect(outcome).toEqual({ kind: 'done', status: 'delivered' });
    const [request] = f.posted;
    expect(request.body).toBe(f.deliveries.get(message.deliveryId)?.payload);
    expect(request.headers).toMatchObject({
      'x-parley-delivery-id': message.deliveryId,
      'x-parley-attempt': '1',
      authorization: expect.stringMatching(/^Bearer signed\.[0-9a-f]{64}$/),
    });
  });

  it('hides the message for the scheduled wait on a 503, and counts the next attempt as the second', async () => {
    // Prepare
    const f = fakes([{ kind: 'answered', statusCode: 503, latencyMs: 1 }]);
    const message = await queuedOne(f);

    // Act
    const first = await attemptDelivery(f.deps, message);
    const second = await attemptDelivery(f.deps, message);

    // Assess
    expect(first).toEqual({ kind: 'retry', delayMs: DEFAULT_DELIVERY_POLICY.retryBaseMs });
    expect(f.postponed).toEqual([{ receipt: 'r-1', delayMs: DEFAULT_DELIVERY_POLICY.retryBaseMs }]);
    expect(second).toEqual({ kind: 'done', status: 'delivered' });
    expect(f.posted.map((p) => p.headers['x-parley-attempt'])).toEqual(['1', '2']);
  });

  it('dead-letters a 400 at once and skips the delivery when the queue hands it over again', async () => {
    // Prepare
    const f = fakes([{ kind: 'answered', statusCode: 400, latencyMs: 1 }]);
    const message = await queuedOne(f);

    // Act
    const first = await attemptDelivery(f.deps, message);
    const again = await attemptDelivery(f.deps, message);

    // Assess
    expect(first).toEqual({ kind: 'done', status: 'failed' });
    expect(f.deadLettered).toEqual([message.deliveryId]);
    expect(again).toEqual({ kind: 'done', status: 'skipped' });
    expect(f.posted).toHaveLength(1);
  });

  it('sends no signature when the application turned signed callbacks off, and posts nothing unsigned otherwise', async () => {
    // Prepare
    const unsigned = fakes([], {
      capabilities: {
        rtc: {
          webhooks: { event_url: { address: 'https://app.test/hook', http_method: 'POST' } },
          signed_callbacks: false,
        },
      },
    });
    const noSecret = fakes([]);
    noSecret.deps.settings.signatureSecret = undefined;

    // Act
    await attemptDelivery(unsigned.deps, await queuedOne(unsigned));
    const refused = await attemptDelivery(noSecret.deps, await queuedOne(noSecret));

    // Assess
    expect(unsigned.posted[0].headers.authorization).toBeUndefined();
    expect(refused.kind).toBe('retry');
    expect(noSecret.posted).toEqual([]);
  });
});

describe('Use-case: queueEventDeliveries and attemptDelivery with a Twilio post-event URL', () => {
  const TWILIO: TwilioWebhookConfig = {
    method: 'POST',
    filters: ['onMessageAdded'],
    post_webhook_url: 'https://app.test/twilio',
    target: 'webhook',
  };
  const memberJoined = (id: number) => ({
    id,
    type: 'member:joined',
    from: 'MEM-1',
    body: { member_id: 'MEM-1', timestamp: { joined: NOW } },
    timestamp: NOW,
  });

  it('makes one delivery per target for an event, the Twilio one after, and none for an event its filters leave out', async () => {
    // Prepare
    const f = fakes([], undefined, TWILIO);

    // Act
    const n = await queueEventDeliveries(f.deps, [
      { conversationId: 'CON-1', event: event(1) },
      { conversationId: 'CON-1', event: memberJoined(2) },
    ]);

    // Assess
    expect(n).toBe(3);
    expect(f.queued.map((q) => q.deliveryId)).toEqual([
      deliveryIdOfEvent('app-1', 'CON-1', 1),
      twilioDeliveryIdOfEvent('app-1', 'CON-1', 1),
      deliveryIdOfEvent('app-1', 'CON-1', 2),
    ]);
    const twilio = f.deliveries.get(twilioDeliveryIdOfEvent('app-1', 'CON-1', 1));
    expect(twilio).toMatchObject({ target: 'twilio', event_type: 'onMessageAdded', event_id: 1 });
    expect(Object.fromEntries(new URLSearchParams(twilio?.payload))).toMatchObject({
      EventType: 'onMessageAdded',
      MessageSid: 'IM-1',
      Index: '1',
      Body: 'm1',
      Source: 'API',
    });
  });

  it('makes an edit a Twilio onMessageUpdated alone, once per edit time, none when the filters leave it out', async () => {
    // Prepare
    const f = fakes([], undefined, { ...TWILIO, filters: ['onMessageAdded', 'onMessageUpdated'] });
    const edit = (at: string) => ({
      conversationId: 'CON-1',
      event: { ...event(1), body: { text: `edited at ${at}` }, edited: at },
      edit: true as const,
    });
    const later = '2026-12-01T00:05:00.000Z';

    // Act: an edit (then delivered); the same edit again (a retried batch) with a later one; then an
    // edit with the filter off
    const n = await queueEventDeliveries(f.deps, [edit(NOW)]);
    (f.deliveries.get(twilioDeliveryIdOfEdit('app-1', 'CON-1', 1, NOW)) as Delivery).status = 'delivered';
    const again = await queueEventDeliveries(f.deps, [edit(NOW), edit(later)]);
    const off = fakes([], undefined, TWILIO);
    const none = await queueEventDeliveries(off.deps, [edit(NOW)]);

    // Assess
    expect([n, again, none]).toEqual([1, 1, 0]);
    expect(f.queued.map((q) => q.deliveryId)).toEqual([
      twilioDeliveryIdOfEdit('app-1', 'CON-1', 1, NOW),
      twilioDeliveryIdOfEdit('app-1', 'CON-1', 1, later),
    ]);
    const first = f.deliveries.get(twilioDeliveryIdOfEdit('app-1', 'CON-1', 1, NOW));
    expect(first).toMatchObject({ target: 'twilio', event_type: 'onMessageUpdated', event_id: 1 });
    expect(Object.fromEntries(new URLSearchParams(first?.payload))).toMatchObject({
      EventType: 'onMessageUpdated',
      MessageSid: 'IM-1',
      Body: `edited at ${NOW}`,
    });
  });

  it('makes Twilio deliveries alone when the application has no event URL', async () => {
    // Prepare
    const f = fakes([], { capabilities: {} }, TWILIO);

    // Act
    await queueEventDeliveries(f.deps, [{ conversationId: 'CON-1', event: event(1) }]);

    // Assess
    expect(f.queued.map((q) => q.deliveryId)).toEqual([twilioDeliveryIdOfEvent('app-1', 'CON-1', 1)]);
  });

  it('posts the form fields signed with the auth token, with the idempotency token, the same on a retry', async () => {
    // Prepare
    const f = fakes([{ kind: 'answered', statusCode: 500, latencyMs: 1 }], { capabilities: {} }, TWILIO);
    await queueEventDeliveries(f.deps, [{ conversationId: 'CON-1', event: event(1) }]);
    const message = { ...f.queued[0], receipt: 'r-1' };

    // Act
    const first = await attemptDelivery(f.deps, message);
    const second = await attemptDelivery(f.deps, message);

    // Assess
    expect(first.kind).toBe('retry');
    expect(second).toEqual({ kind: 'done', status: 'delivered' });
    const [a, b] = f.posted;
    expect(a.method).toBe('POST');
    expect(a.url).toBe('https://app.test/twilio');
    expect(a.body).toBe(f.deliveries.get(message.deliveryId)?.payload);
    expect(a.headers).toMatchObject({
      'content-type': 'application/x-www-form-urlencoded',
      'i-twilio-idempotency-token': message.deliveryId,
      'x-parley-delivery-id': message.deliveryId,
      'x-twilio-signature': expect.stringMatching(
        /^sha1\(tw-token\|https:\/\/app\.test\/twilio\|.*EventType/,
      ),
    });
    expect(a.headers.authorization).toBeUndefined();
    expect(b.headers['i-twilio-idempotency-token']).toBe(a.headers['i-twilio-idempotency-token']);
    expect(b.body).toBe(a.body);
    expect(b.headers['x-parley-attempt']).toBe('2');
  });

  it('sends a GET with the fields in the query string, signed over that URL alone', async () => {
    // Prepare
    const f = fakes(
      [],
      { capabilities: {} },
      { ...TWILIO, method: 'GET', post_webhook_url: 'https://app.test/t?k=1' },
    );
    await queueEventDeliveries(f.deps, [{ conversationId: 'CON-1', event: event(1) }]);

    // Act
    await attemptDelivery(f.deps, { ...f.queued[0], receipt: 'r-1' });

    // Assess
    const [request] = f.posted;
    expect(request.method).toBe('GET');
    expect(request.url).toMatch(/^https:\/\/app\.test\/t\?k=1&EventType=onMessageAdded&/);
    expect(request.headers['x-twilio-signature']).toBe(`sha1(tw-token|${request.url}|)`);
    expect(request.headers['content-type']).toBeUndefined();
  });

  it('dead-letters a Twilio delivery whose URL was removed since, and retries one without an auth token', async () => {
    // Prepare
    const removed = fakes([], { capabilities: {} }, TWILIO);
    await queueEventDeliveries(removed.deps, [{ conversationId: 'CON-1', event: event(1) }]);
    removed.deps.store.getTwilioWebhooks = async () => ({ ...TWILIO, post_webhook_url: undefined });
    const noToken = fakes([], { capabilities: {} }, TWILIO);
    await queueEventDeliveries(noToken.deps, [{ conversationId: 'CON-1', event: event(1) }]);
    noToken.deps.settings.twilioAuthToken = undefined;

    // Act
    const dead = await attemptDelivery(removed.deps, { ...removed.queued[0], receipt: 'r' });
    const retried = await attemptDelivery(noToken.deps, { ...noToken.queued[0], receipt: 'r' });

    // Assess
    expect(dead).toEqual({ kind: 'done', status: 'failed' });
    expect(removed.deadLettered).toEqual([removed.queued[0].deliveryId]);
    expect(retried.kind).toBe('retry');
    expect(noToken.posted).toEqual([]);
  });
});
