/**
 * What the webhook use-cases need from the world: the table (application settings, delivery records,
 * the events of a conversation), the delivery queue, the receiver's HTTP endpoint and a signer. The
 * store implements the first three over DynamoDB and SQS (or the local queue); functions/outbound the
 * last two. Unit tests implement them in memory.
 */
import type { ConversationEvent } from './events.ts';
import type { Page, PageQuery } from './page.ts';
import type { TwilioSubject, TwilioSubjectJson, TwilioWebhookConfig } from './twilio-webhooks.ts';
import type {
  Application,
  AttemptResult,
  Delivery,
  DeliveryAttempt,
  DeliveryPolicy,
  QueuedDelivery,
} from './webhooks.ts';

export type { QueuedDelivery } from './webhooks.ts';

export interface DeliveryQuery extends PageQuery {
  conversationId: string;
  status?: 'delivered' | 'failed' | 'pending';
}

export interface WebhookStore {
  getApplication(id: string): Promise<Application | undefined>;
  putApplication(app: Application, now: string): Promise<void>;
  /** The Twilio post-event webhook configuration, an item beside the application's settings. */
  getTwilioWebhooks(applicationId: string): Promise<TwilioWebhookConfig | undefined>;
  putTwilioWebhooks(applicationId: string, config: TwilioWebhookConfig, now: string): Promise<void>;
  /** The application's settings and its Twilio webhook configuration, in one read. */
  getSettings(applicationId: string): Promise<{ application?: Application; twilio?: TwilioWebhookConfig }>;
  /**
   * Writes new delivery records, each unless one with its id exists, and returns the deliveries that are
   * still to be made, in the order given: the new ones and those found pending (a stream batch handled
   * again). A delivery already made or dead-lettered is not returned.
   */
  createDeliveries(deliveries: readonly Delivery[], ttlSeconds: number): Promise<Delivery[]>;
  getDelivery(id: string): Promise<Delivery | undefined>;
  /** Appends an attempt and sets the status (and the next attempt's time while one is scheduled). */
  recordAttempt(
    delivery: Delivery,
    attempt: DeliveryAttempt,
    next: { status: Delivery['status']; nextAttemptAt?: string; now: string; keep: number },
  ): Promise<void>;
  /** Starts a new round of attempts: pending again, counted from 1. Undefined when there is none. */
  restartDelivery(id: string, now: string): Promise<Delivery | undefined>;
  listDeliveries(query: DeliveryQuery): Promise<Page<Delivery>>;
}

export interface DeliveryQueue {
  /** Queues deliveries in the order given; per conversation they are handed to the sender in that order. */
  enqueue(items: readonly QueuedDelivery[]): Promise<void>;
  /** Hides a received delivery for `delayMs`, holding back its conversation's later ones meanwhile. */
  postpone(receipt: string, delayMs: number): Promise<void>;
  /** Copies a dead-lettered delivery to the dead-letter queue (alarms watch its depth and age). */
  deadLetter(item: QueuedDelivery, reason: string): Promise<void>;
}

export interface ReceiverRequest {
  url: string;
  /** POST (the default) sends the body; GET sends none. */
  method?: 'GET' | 'POST';
  body: string;
  headers: Record<string, string>;
  connectTimeoutMs: number;
  readTimeoutMs: number;
}

export interface Receiver {
  /** Sends the request; never throws for what the receiver or the network did (that is the result). */
  post(request: ReceiverRequest): Promise<AttemptResult>;
}

export interface Signer {
  /** An HS256 JWT of the claims under the secret. */
  sign(claims: Record<string, string | number>, secret: string): Promise<string>;
}

export interface TwilioSigner {
  /** `X-Twilio-Signature`: base64 HMAC-SHA1 under the auth token of the URL and the sorted fields. */
  sign(authToken: string, url: string, params: Record<string, string>): string;
}

/** The Twilio surface's view of what a post-event is about. */
export interface TwilioPresenter {
  /**
   * The message, participant or conversation an event's post-event describes, as the Twilio REST
   * surface presents it (read from the table where the event does not hold it); undefined when there is
   * none to describe (a deleted event that was not a message, a member or conversation gone).
   */
  subjectOf(
    conversationId: string,
    event: ConversationEvent,
    subject: TwilioSubject,
  ): Promise<TwilioSubjectJson | undefined>;
}

export interface ConversationEvents {
  /** Whether the conversation exists (and has not expired). */
  exists(conversationId: string): Promise<boolean>;
  /** Events from `startId` on, in id order, a page at a time. */
  list(
    conversationId: string,
    query: PageQuery & { startId: number; endId?: number },
  ): Promise<Page<ConversationEvent>>;
}

export interface WebhookSettings {
  applicationId: string;
  signatureSecret?: string;
  apiKey?: string;
  /** The event URL the environment seeds while no application settings are stored. */
  seedEventUrl?: string;
  /** The Twilio account's auth token: the key of `X-Twilio-Signature`. */
  twilioAuthToken?: string;
  policy: DeliveryPolicy;
}

/** Everything a webhook use-case runs with. */
export interface WebhookDeps {
  store: WebhookStore;
  queue: DeliveryQueue;
  receiver: Receiver;
  signer: Signer;
  events: ConversationEvents;
  /** The JSON body of an event's delivery: the event as the REST API presents it, and whose it is. */
  present(conversationId: string, event: Omit<ConversationEvent, 'id'> & { id?: number }): string;
  twilio: TwilioPresenter & TwilioSigner;
  settings: WebhookSettings;
  now(): string;
}
