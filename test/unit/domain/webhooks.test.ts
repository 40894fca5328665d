import { createHash } from 'node:crypto';
import { verifySignature } from '@vonage/jwt';
import { describe, expect, it } from 'vitest';
import {
  type AttemptResult,
  DEFAULT_DELIVERY_POLICY,
  type DeliveryPolicy,
  decideAfterAttempt,
  deliveryIdOfEvent,
  payloadHash,
  retryAfterSecondsOf,
  retryDelayMs,
  signatureClaims,
} from '../../../functions/domain/webhooks.ts';
import { hs256Signer } from '../../../functions/outbound/signer.ts';

const policy: DeliveryPolicy = { ...DEFAULT_DELIVERY_POLICY };
const answered = (statusCode: number, retryAfterSeconds?: number): AttemptResult => ({
  kind: 'answered',
  statusCode,
  retryAfterSeconds,
  latencyMs: 5,
});
const middle = () => 0.5;

describe('Function: retryDelayMs', () => {
  it('doubles from the base up to the cap, so the default schedule spans about a day', () => {
    // Act
    const waits = Array.from({ length: policy.maxAttempts - 1 }, (_, i) =>
      retryDelayMs(policy, i + 1, middle),
    );

    // Assess
    expect(waits.map((w) => w / 60_000)).toEqual([4, 8, 16, 32, 64, 128, 256, 480, 480]);
    const hours = waits.reduce((a, b) => a + b, 0) / 3_600_000;
    expect(hours).toBeGreaterThan(22);
    expect(hours).toBeLessThan(26);
  });

  it('spreads each wait by the jitter either way, and never past the cap', () => {
    // Act
    const low = retryDelayMs(policy, 1, () => 0);
    const high = retryDelayMs(policy, 1, () => 1);
    const capped = retryDelayMs(policy, 9, () => 1);

    // Assess
    expect(low).toBe(4 * 60_000 * 0.8);
    expect(high).toBe(4 * 60_000 * 1.2);
    expect(capped).toBe(policy.retryCapMs);
  });
});

describe('Function: decideAfterAttempt', () => {
  it('delivers on any 2xx', () => {
    for (const code of [200, 201, 202, 204, 299])
      expect(decideAfterAttempt(policy, 1, answered(code)).outcome).toBe('delivered');
  });

  it('retries timeouts, unreachable receivers, 429 and 5xx on the schedule', () => {
    const results: AttemptResult[] = [
      { kind: 'timeout', phase: 'connect', latencyMs: 3000 },
      { kind: 'timeout', phase: 'read', latencyMs: 10_000 },
      { kind: 'unreachable', error: 'ECONNREFUSED', latencyMs: 1 },
      answered(429),
      answered(500),
      answered(503),
    ];
    for (const result of results)
      expect(decideAfterAttempt(policy, 3, result, middle)).toMatchObject({
        outcome: 'retry',
        delayMs: 16 * 60_000,
      });
  });

  it('dead-letters every other answer at once: 4xx but 429, 1xx, 3xx', () => {
    for (const code of [100, 301, 400, 401, 403, 404, 408, 410, 422])
      expect(decideAfterAttempt(policy, 1, answered(code))).toEqual({
        outcome: 'dead-lettered',
        error: `HTTP ${code}`,
      });
  });

  it('dead-letters a retryable failure on the last attempt of the round', () => {
    // Act
    const decision = decideAfterAttempt(policy, policy.maxAttempts, answered(503));

    // Assess
    expect(decision).toEqual({ outcome: 'dead-lettered', error: 'HTTP 503 (attempt 10 of 10)' });
  });

  it("waits as long as a 429's Retry-After asks when that is longer, up to 12 hours", () => {
    expect(decideAfterAttempt(policy, 1, answered(429, 3600), middle)).toMatchObject({ delayMs: 3_600_000 });
    expect(decideAfterAttempt(policy, 1, answered(429, 1), middle)).toMatchObject({ delayMs: 240_000 });
    expect(decideAfterAttempt(policy, 1, answered(429, 86_400 * 7), middle)).toMatchObject({
      delayMs: 12 * 3_600_000,
    });
  });
});

describe('Function: retryAfterSecondsOf', () => {
  it('reads seconds and HTTP dates, and nothing else', () => {
    const now = Date.parse('2026-12-01T10:00:00Z');
    expect(retryAfterSecondsOf('120', now)).toBe(120);
    expect(retryAfterSecondsOf('Tue, 01 Dec 2026 10:01:00 GMT', now)).toBe(60);
    expect(retryAfterSecondsOf('soon', now)).toBeUndefined();
    expect(retryAfterSecondsOf(undefined, now)).toBeUndefined();
  });
});

describe('Function: signatureClaims', () => {
  it('signs a token @vonage/jwt verifies, whose payload_hash is the SHA-256 of the body', async () => {
    // Prepare
    const body = JSON.stringify({ type: 'message', body: { text: 'héllo' } });
    const claims = signatureClaims(body, { applicationId: 'app-1', apiKey: 'key-1', nowMs: Date.now() });

    // Act
    const token = await hs256Signer.sign(claims, 'the-signature-secret');

    // Assess
    expect(verifySignature(token, 'the-signature-secret')).toBe(true);
    expect(verifySignature(token, 'another-secret')).toBe(false);
    const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    expect(payload).toMatchObject({ application_id: 'app-1', api_key: 'key-1', iss: 'Vonage' });
    expect(payload.payload_hash).toBe(payloadHash(body));
    expect(payload.payload_hash).toBe(createHash('sha256').update(Buffer.from(body, 'utf8')).digest('hex'));
    expect(typeof payload.iat).toBe('number');
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('Function: deliveryIdOfEvent', () => {
  it('is the same for the same event and differs for any other', () => {
    const id = deliveryIdOfEvent('app', 'CON-1', 7);
    expect(id).toMatch(/^DLV-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deliveryIdOfEvent('app', 'CON-1', 7)).toBe(id);
    expect(deliveryIdOfEvent('app', 'CON-1', 8)).not.toBe(id);
    expect(deliveryIdOfEvent('app', 'CON-2', 7)).not.toBe(id);
    expect(deliveryIdOfEvent('other', 'CON-1', 7)).not.toBe(id);
  });
});
