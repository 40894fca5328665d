/**
 * Application webhooks, one function per operation: the application's settings (Application API v2),
 * queueing the deliveries of new events, making one attempt of a delivery, and the inspection and replay
 * of deliveries. The surfaces (functions/webhooks, functions/fanout) authenticate the caller as the
 * account (an admin JWT or the API key and secret) and call these.
 */

import { notFound, validationError } from '../errors.ts';
import type { ConversationEvent } from '../events.ts';
import type { Page, PageCursor } from '../page.ts';
import type { DeliveryQuery, QueuedDelivery, WebhookDeps } from '../webhook-ports.ts';
import {
  type Application,
  type Delivery,
  type DeliveryAttempt,
  decideAfterAttempt,
  deliveryIdOfEphemeral,
  deliveryIdOfEvent,
  eventUrlOf,
  isSigned,
  MAX_KEPT_ATTEMPTS,
  MAX_REPLAY_EVENTS,
  newDelivery,
  newDeliveryId,
  nextAttemptNumber,
  signatureClaims,
  webhookErrors,
} from '../webhooks.ts';

/** The application as stored, else as the environment seeds it (its id, a name, the seeded event URL). */
const currentApplication = async (deps: WebhookDeps): Promise<Application> => {
  const { applicationId, seedEventUrl } = deps.settings;
  const stored = await deps.store.getApplication(applicationId);
  if (stored) return stored;
  return {
    id: applicationId,
    name: 'Parley',
    capabilities: {
      rtc: {
        ...(seedEventUrl ? { webhooks: { event_url: { address: seedEventUrl, http_method: 'POST' } } } : {}),
        signed_callbacks: true,
      },
    },
  };
};

const assertApplication = (deps: WebhookDeps, id: string): void => {
  if (id !== deps.settings.applicationId) throw webhookErrors.applicationNotFound();
};

/** `GET /v2/applications/{id}`: this deployment's application (Parley serves one). */
export const getApplication = async (deps: WebhookDeps, id: string): Promise<Application> => {
  assertApplication(deps, id);
  return currentApplication(deps);
};

/** `PUT /v2/applications/{id}`: replaces the application's settings; the body's `id`, if any, must match. */
export const updateApplication = async (
  deps: WebhookDeps,
  id: string,
  input: Omit<Application, 'id'> & { id?: string },
): Promise<Application> => {
  assertApplication(deps, id);
  if (input.id !== undefined && input.id !== id)
    throw validationError([{ name: 'id', reason: 'must be the id of the path' }]);
  const app: Application = { ...input, id };
  await deps.store.putApplication(app, deps.now());
  return app;
};

const queued = (d: Delivery): QueuedDelivery => ({
  deliveryId: d.id,
  conversationId: d.conversation_id,
  dedupId: d.round_start === 0 ? d.id : `${d.id}.${d.round_start}`,
});

/**
 * New events of conversations (a stream batch, in stream order): one delivery record each, then one
 * queue message each, in the same order, so each conversation's deliveries are sent in event order.
 * Nothing when the application has no event URL. Handled twice, the same deliveries come out (their ids
 * derive from the event), and those already made are not queued again.
 */
export const queueEventDeliveries = async (
  deps: WebhookDeps,
  events: readonly { conversationId: string; event: ConversationEvent }[],
): Promise<number> => {
  if (events.length === 0) return 0;
  const app = await currentApplication(deps);
  if (!eventUrlOf(app)) return 0;
  const now = deps.now();
  const deliveries = events.map(({ conversationId, event }) =>
    newDelivery({
      id: deliveryIdOfEvent(app.id, conversationId, event.id),
      conversationId,
      eventId: event.id,
      eventType: event.type,
      payload: deps.present(conversationId, event),
      now,
    }),
  );
  const pending = await deps.store.createDeliveries(deliveries, deps.settings.policy.recordTtlSeconds);
  await deps.queue.enqueue(pending.map(queued));
  return pending.length;
};

/**
 * An ephemeral event (never stored, so it has no id and no stream record): a delivery of its own, queued
 * in the conversation's message group, so behind the conversation's deliveries already queued. Its id
 * derives from its body (`deliveryIdOfEphemeral`): handled again, the same event is the same delivery,
 * not queued again once made. Nothing when the application has no event URL. Answers how many deliveries
 * it queued (0 or 1).
 */
export const queueEphemeralDelivery = async (
  deps: WebhookDeps,
  conversationId: string,
  event: Omit<ConversationEvent, 'id'>,
): Promise<number> => {
  const app = await currentApplication(deps);
  if (!eventUrlOf(app)) return 0;
  const payload = deps.present(conversationId, event);
  const delivery = newDelivery({
    id: deliveryIdOfEphemeral(payload),
    conversationId,
    eventType: event.type,
    payload,
    now: deps.now(),
  });
  const pending = await deps.store.createDeliveries([delivery], deps.settings.policy.recordTtlSeconds);
  await deps.queue.enqueue(pending.map(queued));
  return pending.length;
};

/** What became of a received queue message. */
export type AttemptOutcome =
  | { kind: 'done'; status: Delivery['status'] | 'skipped' }
  | { kind: 'retry'; delayMs: number };

/**
 * One attempt of one delivery, as the sender receives it from the queue. A delivery already made (or
 * dead-lettered) is skipped: the queue delivers at least once. Otherwise it is POSTed, signed, with its
 * stable id and attempt number; the answer decides (domain/webhooks.ts `decideAfterAttempt`): delivered,
 * tried again after the schedule's wait (the message stays on the queue, hidden for that long, and holds
 * back its conversation's later deliveries), or dead-lettered (recorded as failed, copied to the
 * dead-letter queue, and the conversation's next delivery goes on).
 */
export const attemptDelivery = async (
  deps: WebhookDeps,
  message: QueuedDelivery & { receipt: string },
): Promise<AttemptOutcome> => {
  const delivery = await deps.store.getDelivery(message.deliveryId);
  if (delivery?.status !== 'pending') return { kind: 'done', status: 'skipped' };
  const { policy } = deps.settings;
  const attempt = nextAttemptNumber(delivery);
  const app = await currentApplication(deps);
  const url = eventUrlOf(app);
  const startedMs = Date.now();
  let record: DeliveryAttempt;
  let decision: ReturnType<typeof decideAfterAttempt>;
  if (!url) {
    decision = { outcome: 'dead-lettered', error: 'the application has no event_url' };
    record = { attempt, at: deps.now(), latency_ms: 0, error: decision.error, outcome: decision.outcome };
  } else {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Parley-Webhooks/1',
      'x-parley-delivery-id': delivery.id,
      'x-parley-attempt': String(attempt),
    };
    const secret = deps.settings.signatureSecret;
    if (isSigned(app) && secret) {
      const claims = signatureClaims(delivery.payload, {
        applicationId: app.id,
        apiKey: deps.settings.apiKey,
        nowMs: startedMs,
      });
      headers.authorization = `Bearer ${await deps.signer.sign(claims, secret)}`;
    }
    const at = deps.now();
    const result =
      isSigned(app) && !secret
        ? ({ kind: 'unreachable', error: 'WEBHOOK_SIGNATURE_SECRET is not set', latencyMs: 0 } as const)
        : await deps.receiver.post({
            url: url.address,
            body: delivery.payload,
            headers,
            connectTimeoutMs: policy.connectTimeoutMs,
            readTimeoutMs: policy.readTimeoutMs,
          });
    decision = decideAfterAttempt(policy, attempt, result);
    record = {
      attempt,
      at,
      ...(result.kind === 'answered' ? { status_code: result.statusCode } : {}),
      latency_ms: result.latencyMs,
      ...(decision.outcome !== 'delivered' ? { error: decision.error } : {}),
      outcome: decision.outcome,
    };
  }
  const now = deps.now();
  if (decision.outcome === 'retry') {
    const nextAttemptAt = new Date(Date.parse(now) + decision.delayMs).toISOString();
    await deps.store.recordAttempt(delivery, record, {
      status: 'pending',
      nextAttemptAt,
      now,
      keep: MAX_KEPT_ATTEMPTS,
    });
    await deps.queue.postpone(message.receipt, decision.delayMs);
    return { kind: 'retry', delayMs: decision.delayMs };
  }
  const status = decision.outcome === 'delivered' ? 'delivered' : 'failed';
  await deps.store.recordAttempt(delivery, record, { status, now, keep: MAX_KEPT_ATTEMPTS });
  if (decision.outcome === 'dead-lettered') await deps.queue.deadLetter(message, decision.error);
  return { kind: 'done', status };
};

/** `GET /v1/webhooks/deliveries`: a conversation's deliveries by creation, optionally of one status. */
export const listDeliveries = (deps: WebhookDeps, query: DeliveryQuery): Promise<Page<Delivery>> =>
  deps.store.listDeliveries(query);

/**
 * `POST /v1/webhooks/deliveries/{id}/redeliver`: the same delivery (same id, same body) again, in a new
 * round of attempts counted from 1, queued behind whatever its conversation has queued.
 */
export const redeliver = async (deps: WebhookDeps, id: string): Promise<Delivery> => {
  const restarted = await deps.store.restartDelivery(id, deps.now());
  if (!restarted) throw webhookErrors.deliveryNotFound();
  await deps.queue.enqueue([queued(restarted)]);
  return restarted;
};

export interface ReplayResult {
  conversationId: string;
  fromEventId: number;
  /** The last event replayed; absent when the range held none. */
  toEventId?: number;
  deliveries: Delivery[];
  /** Where the next request should start when the range was longer than one replay may be. */
  next?: number;
}

/**
 * `POST /v1/webhooks/replay`: the conversation's events from `fromEventId` on (at most
 * `MAX_REPLAY_EVENTS`), each as a new delivery (a new id, so a receiver that deduplicates takes it),
 * queued in order behind what the conversation has queued.
 */
export const replayEvents = async (
  deps: WebhookDeps,
  input: { conversationId: string; fromEventId: number; toEventId?: number },
): Promise<ReplayResult> => {
  const app = await currentApplication(deps);
  if (!eventUrlOf(app)) throw webhookErrors.noEventUrl();
  if (!(await deps.events.exists(input.conversationId))) throw notFound.conversation();
  const events: ConversationEvent[] = [];
  let cursor: PageCursor | undefined;
  let more = false;
  do {
    const page = await deps.events.list(input.conversationId, {
      startId: input.fromEventId,
      endId: input.toEventId,
      order: 'asc',
      pageSize: 100,
      cursor,
    });
    events.push(...page.items);
    cursor = page.next;
    if (events.length > MAX_REPLAY_EVENTS) {
      more = true;
      break;
    }
  } while (cursor);
  const replayed = events.slice(0, MAX_REPLAY_EVENTS);
  more ||= events.length > MAX_REPLAY_EVENTS;
  const now = deps.now();
  const deliveries = replayed.map((event) =>
    newDelivery({
      id: newDeliveryId(),
      conversationId: input.conversationId,
      eventId: event.id,
      eventType: event.type,
      payload: deps.present(input.conversationId, event),
      now,
      replayOf: deliveryIdOfEvent(app.id, input.conversationId, event.id),
    }),
  );
  const created = await deps.store.createDeliveries(deliveries, deps.settings.policy.recordTtlSeconds);
  await deps.queue.enqueue(created.map(queued));
  const last = replayed[replayed.length - 1];
  return {
    conversationId: input.conversationId,
    fromEventId: input.fromEventId,
    ...(last ? { toEventId: last.id } : {}),
    deliveries: created,
    ...(more && last ? { next: last.id + 1 } : {}),
  };
};
