/**
 * The one retry policy of Parley: a write that lost a race (the conversation, a member or a leg moved on
 * between read and write) is read, decided and tried again after a capped exponential back-off with full
 * jitter. A writer that still loses after its attempts gets a retryable "too busy", never an internal
 * error: contention is not a bug. Every loop that retries a write uses `retry` or `backoff` from here.
 */
import { tooBusy } from './errors.ts';

/** What was read has moved on since: read again and decide again. */
export class ConversationChangedError extends Error {
  override readonly name = 'ConversationChangedError';
}

export interface RetryPolicy {
  /** Attempts before giving up (the first one included). */
  maxAttempts: number;
  /** First back-off ceiling in ms; it doubles with each attempt up to `capMs`. */
  baseMs: number;
  capMs: number;
}

export const RETRY_POLICY: RetryPolicy = { maxAttempts: 80, baseMs: 4, capMs: 200 };

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Capped exponential back-off with full jitter: a random wait in [0, min(cap, base · 2^attempt)). */
export const backoff = (attempt: number, policy: RetryPolicy = RETRY_POLICY): number =>
  Math.random() * Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 16));

/**
 * Runs `attempt` (read, decide, commit) until it commits without losing a race. Each attempt must read
 * afresh, so it also sees why a write cannot happen (gone, full, ended) and throws that error instead.
 * `isRace` says which errors are lost races (by default `ConversationChangedError`); when attempts run
 * out, a lost race becomes a retryable `tooBusy`.
 */
export const retry = async <T>(
  attempt: (n: number) => Promise<T>,
  options: Partial<RetryPolicy> & { isRace?: (error: unknown) => boolean } = {},
): Promise<T> => {
  const policy = { ...RETRY_POLICY, ...options };
  const isRace = options.isRace ?? ((e: unknown) => e instanceof ConversationChangedError);
  for (let i = 1; ; i++) {
    try {
      return await attempt(i);
    } catch (error) {
      if (!isRace(error)) throw error;
      if (i >= policy.maxAttempts) throw tooBusy();
      await sleep(backoff(i, policy));
    }
  }
};
