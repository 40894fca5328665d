/**
 * Application webhooks in tests: a short retry schedule (milliseconds instead of hours, through the same
 * settings a deployment has), the signature secret, and the local delivery queue feeding the sender
 * handler, as `npm start` runs them.
 */

import { setDeliveryQueue } from '../../functions/store/delivery-queue.ts';
import { resetWebhookConfig } from '../../functions/webhook-config.ts';
import { handler as sender } from '../../functions/webhooks/sender.ts';
import {
  type LocalDeliveryQueue,
  type LocalDeliveryQueueOptions,
  startLocalDeliveryQueue,
} from '../../infra/local/delivery-queue.ts';

export const SIGNATURE_SECRET = 'test-signature-secret-0123456789abcdef';
export const API_KEY = 'testkey1';
export const API_SECRET = 'test-api-secret-1';

/** A schedule of seconds: 5 attempts, 150 ms doubling to at most 600 ms, 150 ms connect and 400 ms read timeouts. */
export const FAST_SCHEDULE: Record<string, string> = {
  WEBHOOK_SIGNATURE_SECRET: SIGNATURE_SECRET,
  VONAGE_API_KEY: API_KEY,
  VONAGE_API_SECRET: API_SECRET,
  WEBHOOK_MAX_ATTEMPTS: '5',
  WEBHOOK_RETRY_BASE_MS: '150',
  WEBHOOK_RETRY_CAP_MS: '600',
  WEBHOOK_RETRY_JITTER: '0',
  WEBHOOK_CONNECT_TIMEOUT_MS: '150',
  WEBHOOK_READ_TIMEOUT_MS: '400',
};

export const useWebhookSettings = (overrides: Record<string, string> = {}): void => {
  Object.assign(process.env, FAST_SCHEDULE, overrides);
  resetWebhookConfig();
};

/** Starts the local delivery queue over the sender handler and makes it the queue of this process. */
export const startLocalWebhooks = (options: LocalDeliveryQueueOptions = {}): LocalDeliveryQueue => {
  const queue = startLocalDeliveryQueue(sender, { intervalMs: 10, ...options });
  setDeliveryQueue(queue);
  return queue;
};

export const stopLocalWebhooks = async (queue: LocalDeliveryQueue): Promise<void> => {
  await queue.stop();
  setDeliveryQueue(undefined);
};

/** Waits until `done()` holds, polling; fails with `what` after `timeoutMs`. */
export const waitFor = async (done: () => boolean, what: string, timeoutMs = 15_000): Promise<void> => {
  const until = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
