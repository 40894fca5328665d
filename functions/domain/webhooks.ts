/**
 * Application webhooks: the application's settings (the Vonage Application API v2 shape), the delivery
 * records of its `event_url`, and the rules of delivery: which answers are retried, when, and what a
 * signed delivery claims. Nothing here does I/O: the sender use-case (use-cases/webhooks.ts) asks the
 * ports to post, to store and to queue.
 */
import { createHash, randomUUID } from 'node:crypto';
import { DomainError, validationError } from './errors.ts';

/** Where the application's server takes events: `capabilities.rtc.webhooks.event_url`. */
export interface EventUrl {
  address: string;
  http_method: 'POST';
}

/**
 * The application as the Application API v2 presents it. Parley acts on `capabilities.rtc` (the event
 * URL and whether deliveries are signed); the other capabilities are kept as they were sent.
 */
export interface Application {
  id: string;
  name: string;
  capabilities: {
    rtc?: {
      webhooks?: { event_url?: EventUrl };
      signed_callbacks?: boolean;
      leg_persistence_time?: number;
    };
    [other: string]: unknown;
  };
  keys?: { public_key?: string };
  privacy?: Record<string, unknown>;
}

/** The event URL deliveries go to, or none (then nothing is delivered). */
export const eventUrlOf = (app: Application | undefined): EventUrl | undefined =>
  app?.capabilities.rtc?.webhooks?.event_url;

/** Deliveries are signed unless the application says `signed_callbacks: false` (Vonage's default: on). */
export const isSigned = (app: Application | undefined): boolean =>
  app?.capabilities.rtc?.signed_callbacks !== false;

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One try of one delivery, as the inspection API shows it. */
export interface DeliveryAttempt {
  /** Counted from 1 within the current round (a redelivery starts a new round). */
  attempt: number;
  at: string;
  /** The receiver's status code, when it answered. */
  status_code?: number;
  latency_ms: number;
  /** Why it failed when it did: a timeout, a refused connection, a status code. */
  error?: string;
  outcome: 'delivered' | 'retry' | 'dead-lettered';
}

/** One event on its way to the application's server: what is sent, and every attempt so far. */
export interface Delivery {
  id: string;
  conversation_id: string;
  /** The event's id; absent for an ephemeral event, which has none. */
  event_id?: number;
  /** The event's type; for a Twilio delivery, its Twilio `EventType` (`onMessageAdded`, …). */
  event_type: string;
  /**
   * Where it goes: absent, the application's `event_url` (a JSON body, a Vonage signature); `twilio`, the
   * Twilio post-event URL (form fields, `X-Twilio-Signature`).
   */
  target?: 'twilio';
  /** The body exactly as it is sent and signed: JSON text, or a Twilio delivery's form-encoded fields. */
  payload: string;
  status: DeliveryStatus;
  attempts: DeliveryAttempt[];
  /** Where the current round starts in `attempts` (0, or where the last redelivery began). */
  round_start: number;
  created: string;
  updated: string;
  /** When the next attempt is due, while one is scheduled. */
  next_attempt_at?: string;
  /** A replay's delivery names the delivery of the same event it re-sends, when there was one. */
  replay_of?: string;
}

/** How deliveries are made: timeouts, the retry schedule, how long records are kept. */
export interface DeliveryPolicy {
  /** Longest wait for the TCP (and TLS) connection, ms. */
  connectTimeoutMs: number;
  /** Longest wait for the whole answer once connected, ms. */
  readTimeoutMs: number;
  /** Attempts per round, the first included; after the last one the delivery is dead-lettered. */
  maxAttempts: number;
  /** Wait before the second attempt, ms; it doubles with each attempt up to `retryCapMs`. */
  retryBaseMs: number;
  retryCapMs: number;
  /** Each wait is spread by up to this fraction either way, so receivers are not hit in lock-step. */
  jitter: number;
  /** How long a delivery record is kept after it was created, seconds. */
  recordTtlSeconds: number;
}

/**
 * Ten attempts over about a day: waits of 4, 8, 16, 32, 64, 128 and 256 minutes, then 8 hours twice
 * (24.5 hours in all), each ±20 %.
 */
export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  connectTimeoutMs: 3_000,
  readTimeoutMs: 10_000,
  maxAttempts: 10,
  retryBaseMs: 4 * 60_000,
  retryCapMs: 8 * 3_600_000,
  jitter: 0.2,
  recordTtlSeconds: 7 * 86_400,
};

/** The wait after attempt `attempt` (1-based) failed: capped exponential back-off with jitter. */
export const retryDelayMs = (policy: DeliveryPolicy, attempt: number, random = Math.random): number => {
  const exact = Math.min(policy.retryCapMs, policy.retryBaseMs * 2 ** Math.min(attempt - 1, 30));
  const spread = exact * policy.jitter * (2 * random() - 1);
  return Math.max(0, Math.round(Math.min(policy.retryCapMs, exact + spread)));
};

/** Longest wait a receiver's `Retry-After` may ask for: the longest a queue message can stay hidden. */
export const MAX_RETRY_AFTER_MS = 12 * 3_600_000;

/** What one attempt came to, as the sender saw it. */
export type AttemptResult =
  | { kind: 'answered'; statusCode: number; retryAfterSeconds?: number; latencyMs: number }
  | { kind: 'timeout'; phase: 'connect' | 'read'; latencyMs: number }
  | { kind: 'unreachable'; error: string; latencyMs: number };

export type AttemptDecision =
  | { outcome: 'delivered' }
  | { outcome: 'retry'; delayMs: number; error: string }
  | { outcome: 'dead-lettered'; error: string };

/**
 * What follows an attempt: a 2xx is delivered; a timeout, an unreachable receiver, a 429 or a 5xx is
 * tried again after the schedule's wait (a 429's `Retry-After` when it asks for longer, up to 12 hours)
 * until the round's last attempt; any other answer (a 4xx but 429, a 1xx or 3xx) is dead-lettered at
 * once, since sending the same body again cannot change it.
 */
export const decideAfterAttempt = (
  policy: DeliveryPolicy,
  attempt: number,
  result: AttemptResult,
  random = Math.random,
): AttemptDecision => {
  let error: string;
  if (result.kind === 'answered') {
    const code = result.statusCode;
    if (code >= 200 && code < 300) return { outcome: 'delivered' };
    error = `HTTP ${code}`;
    if (code !== 429 && code < 500) return { outcome: 'dead-lettered', error };
  } else if (result.kind === 'timeout') {
    error = `${result.phase} timeout`;
  } else {
    error = result.error;
  }
  if (attempt >= policy.maxAttempts)
    return { outcome: 'dead-lettered', error: `${error} (attempt ${attempt} of ${policy.maxAttempts})` };
  let delayMs = retryDelayMs(policy, attempt, random);
  if (result.kind === 'answered' && result.retryAfterSeconds !== undefined)
    delayMs = Math.min(MAX_RETRY_AFTER_MS, Math.max(delayMs, result.retryAfterSeconds * 1000));
  return { outcome: 'retry', delayMs, error };
};

/** `Retry-After` as seconds: a number of seconds or an HTTP date; undefined when it is neither. */
export const retryAfterSecondsOf = (header: string | undefined, nowMs: number): number | undefined => {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - nowMs) / 1000));
};

/** SHA-256 of the body, hex: the signature's `payload_hash`. */
export const payloadHash = (body: string): string => createHash('sha256').update(body, 'utf8').digest('hex');

/**
 * The claims of a signed delivery, as Vonage signs its webhooks (an HS256 JWT keyed by the signature
 * secret): a fresh `iat` and `jti` for each attempt, `iss` as Vonage sends it so receivers written for
 * Vonage accept it, the application, and the body's hash.
 */
export const signatureClaims = (
  body: string,
  input: { applicationId: string; apiKey?: string; nowMs: number; jti?: string },
): Record<string, string | number> => ({
  iat: Math.floor(input.nowMs / 1000),
  jti: input.jti ?? randomUUID(),
  iss: 'Vonage',
  application_id: input.applicationId,
  payload_hash: payloadHash(body),
  ...(input.apiKey ? { api_key: input.apiKey } : {}),
});

const uuidOfHash = (text: string): string => {
  const h = createHash('sha256').update(text).digest();
  h[6] = (h[6] & 0x0f) | 0x40;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
};

export const DELIVERY_ID = /^DLV-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The id of the first delivery of a stored event: derived from the application, the conversation and the
 * event id, so a stream batch handled twice makes the same delivery, not a second one.
 */
export const deliveryIdOfEvent = (applicationId: string, conversationId: string, eventId: number): string =>
  `DLV-${uuidOfHash(`parley-delivery\u0000${applicationId}\u0000${conversationId}\u0000${eventId}`)}`;

/**
 * The id of the Twilio post-event delivery of a stored event: derived like the application's, apart from
 * it, so that one event yields one delivery per target, each made once.
 */
export const twilioDeliveryIdOfEvent = (
  applicationId: string,
  conversationId: string,
  eventId: number,
): string =>
  `DLV-${uuidOfHash(`parley-twilio-delivery\u0000${applicationId}\u0000${conversationId}\u0000${eventId}`)}`;

/**
 * The id of the Twilio delivery of an edit of a stored message: derived from the message and the edit's
 * time, so the same edit seen twice is one delivery and each later edit another.
 */
export const twilioDeliveryIdOfEdit = (
  applicationId: string,
  conversationId: string,
  eventId: number,
  editedAt: string,
): string =>
  `DLV-${uuidOfHash(`parley-twilio-edit\u0000${applicationId}\u0000${conversationId}\u0000${eventId}\u0000${editedAt}`)}`;

/**
 * The id of an ephemeral event's delivery. Such an event has no id of its own, so the delivery's id derives
 * from its body, which names the application and the conversation and carries the sender, the body and the
 * timestamp to the millisecond: an invocation handled twice (retried, or handed over twice) makes the
 * same delivery. Two posts alike in all of that would be one delivery; a receiver could not tell them
 * apart anyway.
 */
export const deliveryIdOfEphemeral = (payload: string): string =>
  `DLV-${uuidOfHash(`parley-ephemeral\u0000${payload}`)}`;

/** A delivery with an id of its own: a replay the receiver must not drop. */
export const newDeliveryId = (): string => `DLV-${randomUUID()}`;

/** A new delivery record, pending its first attempt. */
export const newDelivery = (input: {
  id: string;
  conversationId: string;
  eventId?: number;
  eventType: string;
  target?: 'twilio';
  payload: string;
  now: string;
  replayOf?: string;
}): Delivery => ({
  id: input.id,
  conversation_id: input.conversationId,
  ...(input.eventId !== undefined ? { event_id: input.eventId } : {}),
  event_type: input.eventType,
  ...(input.target ? { target: input.target } : {}),
  payload: input.payload,
  status: 'pending',
  attempts: [],
  round_start: 0,
  created: input.now,
  updated: input.now,
  ...(input.replayOf ? { replay_of: input.replayOf } : {}),
});

/** Attempts kept on a record: the latest ones (a record must stay far below DynamoDB's 400 KB). */
export const MAX_KEPT_ATTEMPTS = 50;

/** The attempt number of the next try: counted within the current round. */
export const nextAttemptNumber = (d: Delivery): number => d.attempts.length - d.round_start + 1;

/** Longest replay one request may ask for, in events; a longer range is replayed in several requests. */
export const MAX_REPLAY_EVENTS = 1000;

export const webhookErrors = {
  applicationNotFound: () =>
    new DomainError('application:error:not-found', 'Application does not exist, or you do not have access.'),
  deliveryNotFound: () =>
    new DomainError('webhook:error:delivery-not-found', 'Delivery does not exist, or it has expired.'),
  noEventUrl: () =>
    validationError([
      {
        name: 'capabilities.rtc.webhooks.event_url',
        reason:
          'the application has no event_url and no Twilio post-event URL: set one with PUT /v2/applications/{id} or POST /twilio/v1/Configuration/Webhooks first',
      },
    ]),
};

/** One delivery on the queue: which record, in which conversation's order, deduplicated by `dedupId`. */
export interface QueuedDelivery {
  deliveryId: string;
  conversationId: string;
  /** Unique per round: the delivery id, and the round's start for a redelivery. */
  dedupId: string;
}

/** The body of a delivery's queue message: only what finds its record (the record holds the payload). */
export const messageBody = (item: QueuedDelivery): string =>
  JSON.stringify({
    delivery_id: item.deliveryId,
    conversation_id: item.conversationId,
    dedup_id: item.dedupId,
  });

/** The delivery a queue message names; throws on a body that is not one. */
export const queuedOfBody = (body: string): QueuedDelivery => {
  const parsed = JSON.parse(body) as { delivery_id?: unknown; conversation_id?: unknown; dedup_id?: unknown };
  if (typeof parsed.delivery_id !== 'string' || typeof parsed.conversation_id !== 'string')
    throw new Error('not a delivery message');
  return {
    deliveryId: parsed.delivery_id,
    conversationId: parsed.conversation_id,
    dedupId: typeof parsed.dedup_id === 'string' ? parsed.dedup_id : parsed.delivery_id,
  };
};
