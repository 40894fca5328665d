import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../functions/domain/errors.ts';
import { backoff, ConversationChangedError, retry } from '../../../functions/domain/retry.ts';

describe('Function: retry', () => {
  it('retries a lost race until it commits', async () => {
    // Prepare
    let calls = 0;
    // Act
    const out = await retry(async () => {
      calls++;
      if (calls < 4) throw new ConversationChangedError();
      return 'done';
    });
    // Assess
    expect(out).toBe('done');
    expect(calls).toBe(4);
  });

  it('answers a writer that keeps losing with a retryable 429 and Retry-After, not a 500', async () => {
    // Act
    const error = await retry(
      async () => {
        throw new ConversationChangedError();
      },
      { maxAttempts: 3 },
    ).catch((e) => e);
    // Assess
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'http:error:too-many-request', retryAfterSeconds: 1 });
  });

  it('passes any other error through at once', async () => {
    let calls = 0;
    const error = await retry(async () => {
      calls++;
      throw new Error('boom');
    }).catch((e) => e);
    expect(error.message).toBe('boom');
    expect(calls).toBe(1);
  });
});

describe('Function: backoff', () => {
  it('grows exponentially with full jitter, up to its cap', () => {
    for (let i = 0; i < 200; i++) {
      expect(backoff(1)).toBeLessThan(8);
      expect(backoff(3)).toBeLessThan(32);
      expect(backoff(40)).toBeLessThan(200);
      expect(backoff(40)).toBeGreaterThanOrEqual(0);
    }
  });
});
