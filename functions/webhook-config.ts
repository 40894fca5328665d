/**
 * The settings of application webhooks, read from the environment. Beside functions/config.ts rather
 * than in it, so that the API Lambda, which reads config.ts but never delivers a webhook, does not carry
 * them (its bundle is within a few hundred bytes of its budget); only the webhook Lambdas and the
 * fan-out read this module.
 */
import { DEFAULT_DELIVERY_POLICY, type DeliveryPolicy } from './domain/webhooks.ts';

export interface WebhookConfig {
  /** HS256 key of signed deliveries (`Authorization: Bearer <JWT>`): the account's signature secret. */
  signatureSecret: string | undefined;
  /** HTTP basic credentials of the Application API (`VONAGE_API_KEY`/`VONAGE_API_SECRET`), as the SDK sends. */
  apiKey: string | undefined;
  apiSecret: string | undefined;
  /** Seeds `capabilities.rtc.webhooks.event_url` while the table holds no application settings. */
  seedEventUrl: string | undefined;
  /** The SQS FIFO queue of deliveries and its dead-letter queue (AWS; locally a queue in the process). */
  queueUrl: string | undefined;
  deadLetterQueueUrl: string | undefined;
  policy: DeliveryPolicy;
}

const intFrom = (raw: string | undefined, fallback: number, name: string): number => {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
};

const fractionFrom = (raw: string | undefined, fallback: number, name: string): number => {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new Error(`${name} must be between 0 and 1, got "${raw}"`);
  return n;
};

const blankToUndefined = (v: string | undefined): string | undefined =>
  v === undefined || v === '' ? undefined : v;

export const readWebhookConfig = (env: NodeJS.ProcessEnv = process.env): WebhookConfig => {
  const d = DEFAULT_DELIVERY_POLICY;
  return {
    signatureSecret: blankToUndefined(env.WEBHOOK_SIGNATURE_SECRET),
    apiKey: blankToUndefined(env.VONAGE_API_KEY),
    apiSecret: blankToUndefined(env.VONAGE_API_SECRET),
    seedEventUrl: blankToUndefined(env.WEBHOOK_EVENT_URL),
    queueUrl: blankToUndefined(env.WEBHOOK_QUEUE_URL),
    deadLetterQueueUrl: blankToUndefined(env.WEBHOOK_DEAD_LETTER_QUEUE_URL),
    policy: {
      connectTimeoutMs: intFrom(
        env.WEBHOOK_CONNECT_TIMEOUT_MS,
        d.connectTimeoutMs,
        'WEBHOOK_CONNECT_TIMEOUT_MS',
      ),
      readTimeoutMs: intFrom(env.WEBHOOK_READ_TIMEOUT_MS, d.readTimeoutMs, 'WEBHOOK_READ_TIMEOUT_MS'),
      maxAttempts: intFrom(env.WEBHOOK_MAX_ATTEMPTS, d.maxAttempts, 'WEBHOOK_MAX_ATTEMPTS'),
      retryBaseMs: intFrom(env.WEBHOOK_RETRY_BASE_MS, d.retryBaseMs, 'WEBHOOK_RETRY_BASE_MS'),
      retryCapMs: intFrom(env.WEBHOOK_RETRY_CAP_MS, d.retryCapMs, 'WEBHOOK_RETRY_CAP_MS'),
      jitter: fractionFrom(env.WEBHOOK_RETRY_JITTER, d.jitter, 'WEBHOOK_RETRY_JITTER'),
      recordTtlSeconds: intFrom(
        env.WEBHOOK_RECORD_TTL_SECONDS,
        d.recordTtlSeconds,
        'WEBHOOK_RECORD_TTL_SECONDS',
      ),
    },
  };
};

let cached: WebhookConfig | undefined;

/** The webhook settings of this process, read from the environment on first use. */
export const webhookConfig = (): WebhookConfig => {
  cached ??= readWebhookConfig();
  return cached;
};

/** Forget the settings read so far, so the next `webhookConfig()` reads the environment again (tests). */
export const resetWebhookConfig = (): void => {
  cached = undefined;
};
