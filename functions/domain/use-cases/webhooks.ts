/**
 * Application webhooks, one function per operation: the application's settings (Application API v2),
 * queueing the deliveries of new events, making one attempt of a delivery, and the inspection and replay
 * of deliveries. The surfaces (functions/webhooks, functions/fanout) authenticate the caller as the
 * account (an admin JWT or the API key and secret) and call these.
 */

import { notFound, validationError } from '../errors.ts';
import type { ConversationEvent, StreamedEvent } from '../events.ts';
import type { Page, PageCursor } from '../page.ts';
import {
  sendsTwilioEvent,
  sourceOf,
  type TwilioWebhookConfig,
  twilioMappingOf,
  twilioPostEventFields,
  twilioRequestOf,
} from '../twilio-webhooks.ts';
import type { DeliveryQuery, QueuedDelivery, ReceiverRequest, WebhookDeps } from '../webhook-ports.ts';
import {
  type Application,
  type AttemptResult,
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
  twilioDeliveryIdOfEdit,
  twilioDeliveryIdOfEvent,
  webhookErrors,
} from '../webhooks.ts';

/** The application as stored, else as the environment seeds it (its id, a name, the seeded event URL). */
/** The application's stored settings, or (none stored yet) its defaults. */
const applicationOr = (deps: WebhookDeps, stored: Application | undefined): Application => {
  if (stored) return stored;
  const { applicationId, seedEventUrl } = deps.settings;
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

const currentApplication = async (deps: WebhookDeps): Promise<Application> =>
  applicationOr(deps, await deps.store.getApplication(deps.settings.applicationId));

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

/** Where events go: the application (when it has an event URL) and Twilio (when a post-event URL is set). */
interface Targets {
  app: Application;
  vonage: boolean;
  twilio?: TwilioWebhookConfig & { post_webhook_url: string };
}

const currentTargets = async (deps: WebhookDeps): Promise<Targets> => {
  const settings = await deps.store.getSettings(deps.settings.applicationId);
  const app = applicationOr(deps, settings.application);
  const twilio = settings.twilio;
  const url = twilio?.post_webhook_url;
  return {
    app,
    vonage: eventUrlOf(app) !== undefined,
    ...(twilio && url ? { twilio: { ...twilio, post_webhook_url: url } } : {}),
  };
};

const hasTarget = (t: Targets): boolean => t.vonage || t.twilio !== undefined;

/**
 * The Twilio delivery of a stored event: when the event has a Twilio post-event, the configuration's
 * filters name it, and what it describes is still there to present. Its payload is the post-event's form
 * fields, encoded once here: the text that is sent (and signed) on every attempt.
 */
const twilioDeliveryOf = async (
  deps: WebhookDeps,
  config: TwilioWebhookConfig,
  item: StreamedEvent,
  ids: { id: string; replayOf?: string },
  now: string,
): Promise<Delivery | undefined> => {
  const { conversationId, event } = item;
  const mapping = twilioMappingOf(event, item.edit);
  if (!mapping || !sendsTwilioEvent(config, mapping.eventType)) return undefined;
  const json = await deps.twilio.subjectOf(conversationId, event, mapping.subject);
  if (!json) return undefined;
  const fields = twilioPostEventFields(mapping.eventType, json, {
    source: sourceOf(event),
    at: (item.edit && event.edited) || event.timestamp,
  });
  return newDelivery({
    ...ids,
    conversationId,
    eventId: event.id,
    eventType: mapping.eventType,
    target: 'twilio',
    payload: new URLSearchParams(fields).toString(),
    now,
  });
};

/**
 * The deliveries of stored events, in event order: for each event, the application's (when it has an
 * event URL), then Twilio's (when configured and its filters want that event). An edit goes to Twilio
 * only (`onMessageUpdated`): the Vonage event stream has no event for it. `ids` names each one.
 */
const deliveriesOfEvents = async (
  deps: WebhookDeps,
  targets: Targets,
  events: readonly StreamedEvent[],
  ids: (target: 'vonage' | 'twilio', item: StreamedEvent) => { id: string; replayOf?: string },
): Promise<Delivery[]> => {
  const now = deps.now();
  const perEvent = await Promise.all(
    events.map(async (item) => {
      const { conversationId, event } = item;
      const out: Delivery[] = [];
      if (targets.vonage && !item.edit)
        out.push(
          newDelivery({
            ...ids('vonage', item),
            conversationId,
            eventId: event.id,
            eventType: event.type,
            payload: deps.present(conversationId, event),
            now,
          }),
        );
      if (targets.twilio) {
        const twilio = await twilioDeliveryOf(deps, targets.twilio, item, ids('twilio', item), now);
        if (twilio) out.push(twilio);
      }
      return out;
    }),
  );
  return perEvent.flat();
};

/**
 * New events of conversations and edits of their messages (a stream batch, in stream order): one delivery
 * record per event and target, then one queue message each, in the same order, so each conversation's
 * deliveries are sent in stream order. Nothing when neither the application's event URL nor a Twilio
 * post-event URL is set. Handled twice, the same deliveries come out (their ids derive from the event,
 * the edit's time and the target), and those already made are not queued again.
 */
export const queueEventDeliveries = async (
  deps: WebhookDeps,
  events: readonly StreamedEvent[],
): Promise<number> => {
  if (events.length === 0) return 0;
  const targets = await currentTargets(deps);
  if (!hasTarget(targets)) return 0;
  const appId = targets.app.id;
  const deliveries = await deliveriesOfEvents(
    deps,
    targets,
    events,
    (target, { conversationId, event, edit }) => ({
      id:
        target === 'vonage'
          ? deliveryIdOfEvent(appId, conversationId, event.id)
          : edit
            ? twilioDeliveryIdOfEdit(appId, conversationId, event.id, event.edited ?? '')
            : twilioDeliveryIdOfEvent(appId, conversationId, event.id),
    }),
  );
  if (deliveries.length === 0) return 0;
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

/** How an attempt goes out, or why it cannot: dead-lettered (no target left) or failed (no key to sign with). */
type Prepared =
  | { kind: 'send'; request: Omit<ReceiverRequest, 'connectTimeoutMs' | 'readTimeoutMs'> }
  | { kind: 'dead'; error: string }
  | { kind: 'fail'; error: string };

/** A delivery to the application's event URL: the JSON body, signed as Vonage signs (a JWT). */
const prepareVonage = async (
  deps: WebhookDeps,
  delivery: Delivery,
  attempt: number,
  nowMs: number,
): Promise<Prepared> => {
  const app = await currentApplication(deps);
  const url = eventUrlOf(app);
  if (!url) return { kind: 'dead', error: 'the application has no event_url' };
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'Parley-Webhooks/1',
    'x-parley-delivery-id': delivery.id,
    'x-parley-attempt': String(attempt),
  };
  const secret = deps.settings.signatureSecret;
  if (isSigned(app)) {
    if (!secret) return { kind: 'fail', error: 'WEBHOOK_SIGNATURE_SECRET is not set' };
    const claims = signatureClaims(delivery.payload, {
      applicationId: app.id,
      apiKey: deps.settings.apiKey,
      nowMs,
    });
    headers.authorization = `Bearer ${await deps.signer.sign(claims, secret)}`;
  }
  return { kind: 'send', request: { url: url.address, body: delivery.payload, headers } };
};

/**
 * A Twilio post-event: its form fields to the post-event URL configured now (POST as the body, GET in
 * the query string), with `X-Twilio-Signature` under the auth token, Twilio's own deduplication header
 * `I-Twilio-Idempotency-Token` and Parley's delivery headers, all stable across attempts.
 */
const prepareTwilio = async (deps: WebhookDeps, delivery: Delivery, attempt: number): Promise<Prepared> => {
  const config = await deps.store.getTwilioWebhooks(deps.settings.applicationId);
  const url = config?.post_webhook_url;
  if (!config || !url) return { kind: 'dead', error: 'no Twilio post-event URL is configured' };
  const token = deps.settings.twilioAuthToken;
  if (!token) return { kind: 'fail', error: 'TWILIO_AUTH_TOKEN is not set' };
  const request = twilioRequestOf({ ...config, post_webhook_url: url }, delivery.payload);
  const headers: Record<string, string> = {
    ...(request.method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    'user-agent': 'Parley-Webhooks/1',
    'x-twilio-signature': deps.twilio.sign(token, request.url, request.signedParams),
    'i-twilio-idempotency-token': delivery.id,
    'x-parley-delivery-id': delivery.id,
    'x-parley-attempt': String(attempt),
  };
  return { kind: 'send', request: { url: request.url, method: request.method, body: request.body, headers } };
};

/**
 * One attempt of one delivery, as the sender receives it from the queue. A delivery already made (or
 * dead-lettered) is skipped: the queue delivers at least once. Otherwise it is sent, signed for its
 * target, with its stable id and attempt number; the answer decides (domain/webhooks.ts
 * `decideAfterAttempt`): delivered, tried again after the schedule's wait (the message stays on the
 * queue, hidden for that long, and holds back its conversation's later deliveries), or dead-lettered
 * (recorded as failed, copied to the dead-letter queue, and the conversation's next delivery goes on).
 */
export const attemptDelivery = async (
  deps: WebhookDeps,
  message: QueuedDelivery & { receipt: string },
): Promise<AttemptOutcome> => {
  const delivery = await deps.store.getDelivery(message.deliveryId);
  if (delivery?.status !== 'pending') return { kind: 'done', status: 'skipped' };
  const { policy } = deps.settings;
  const attempt = nextAttemptNumber(delivery);
  const prepared =
    delivery.target === 'twilio'
      ? await prepareTwilio(deps, delivery, attempt)
      : await prepareVonage(deps, delivery, attempt, Date.now());
  let record: DeliveryAttempt;
  let decision: ReturnType<typeof decideAfterAttempt>;
  if (prepared.kind === 'dead') {
    decision = { outcome: 'dead-lettered', error: prepared.error };
    record = { attempt, at: deps.now(), latency_ms: 0, error: decision.error, outcome: decision.outcome };
  } else {
    const at = deps.now();
    const result: AttemptResult =
      prepared.kind === 'fail'
        ? { kind: 'unreachable', error: prepared.error, latencyMs: 0 }
        : await deps.receiver.post({
            ...prepared.request,
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
 * `MAX_REPLAY_EVENTS`), each as a new delivery per target (a new id, so a receiver that deduplicates
 * takes it), queued in order behind what the conversation has queued.
 */
export const replayEvents = async (
  deps: WebhookDeps,
  input: { conversationId: string; fromEventId: number; toEventId?: number },
): Promise<ReplayResult> => {
  const targets = await currentTargets(deps);
  if (!hasTarget(targets)) throw webhookErrors.noEventUrl();
  const appId = targets.app.id;
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
  const deliveries = await deliveriesOfEvents(
    deps,
    targets,
    replayed.map((event) => ({ conversationId: input.conversationId, event })),
    (target, { conversationId, event }) => ({
      id: newDeliveryId(),
      replayOf:
        target === 'twilio'
          ? twilioDeliveryIdOfEvent(appId, conversationId, event.id)
          : deliveryIdOfEvent(appId, conversationId, event.id),
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
