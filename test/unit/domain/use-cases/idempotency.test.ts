import { describe, expect, it } from 'vitest';
import {
  fingerprintOf,
  IdempotencyRaceError,
  type IdempotencyRecord,
} from '../../../../functions/domain/idempotency.ts';
import { idempotently, scopeOf } from '../../../../functions/domain/use-cases/idempotency.ts';
import { codeOf, memoryPorts, NOW } from '../../../support/memory-ports.ts';

const request = { key: 'k-1', method: 'POST', path: '/v1/users', body: '{"name":"a"}' };
const admin = { kind: 'admin' } as const;

/** A write port that stores its receipt's record, as the DynamoDB ports do in the write's transaction. */
const writer = (m: ReturnType<typeof memoryPorts>, result: string) => {
  let runs = 0;
  const run = async (receipt: (r: string) => IdempotencyRecord) => {
    runs++;
    m.putRecord(receipt(result));
    return result;
  };
  return { run, runs: () => runs };
};

describe('Use-case: idempotently', () => {
  it('runs once, then answers the stored answer as replayed', async () => {
    // Prepare
    const m = memoryPorts();
    const w = writer(m, 'created');
    const answer = (r: string) => ({ status: 201, body: r });
    // Act
    const first = await idempotently(m.deps(), admin, request, answer, w.run);
    const again = await idempotently(m.deps(), admin, request, answer, w.run);
    // Assess
    expect(first).toEqual({ answer: { status: 201, body: 'created' }, replayed: false });
    expect(again).toEqual({ answer: { status: 201, body: 'created' }, replayed: true });
    expect(w.runs()).toBe(1);
  });

  it('refuses the same key with another body, path or method (422), without running', async () => {
    const m = memoryPorts();
    const w = writer(m, 'x');
    await idempotently(m.deps(), admin, request, String, w.run);
    for (const other of [
      { ...request, body: '{"name":"b"}' },
      { ...request, path: '/v1/conversations' },
      { ...request, method: 'PUT' },
    ])
      expect(await codeOf(idempotently(m.deps(), admin, other, String, w.run))).toBe(
        'http:error:idempotency-key-reused',
      );
    expect(w.runs()).toBe(1);
  });

  it('keeps keys apart per caller, and runs again once the record expired', async () => {
    const m = memoryPorts();
    const w = writer(m, 'x');
    await idempotently(m.deps(), admin, request, String, w.run);
    const bob = await idempotently(m.deps(), { kind: 'user', name: 'bob' }, request, String, w.run);
    expect(bob.replayed).toBe(false);
    expect(scopeOf({ kind: 'user', name: 'bob' })).not.toBe(scopeOf(admin));
    const dayLater = new Date(Date.parse(NOW) + 86_400_000).toISOString();
    const later = await idempotently(m.deps({ now: dayLater }), admin, request, String, w.run);
    expect(later.replayed).toBe(false);
    expect(w.runs()).toBe(3);
  });

  it('answers with the record of a concurrent request that committed first', async () => {
    const m = memoryPorts();
    const other = writer(m, 'theirs');
    // This request's write loses: the other one stored its record in between.
    const losing = async (receipt: (r: string) => IdempotencyRecord) => {
      await idempotently(m.deps(), admin, request, String, other.run);
      receipt('mine');
      throw new IdempotencyRaceError();
    };
    expect(await idempotently(m.deps(), admin, request, String, losing)).toEqual({
      answer: 'theirs',
      replayed: true,
    });
  });

  it('passes on a refusal when no record was written, so a retry runs again', async () => {
    const m = memoryPorts();
    const refusing = async (): Promise<string> => {
      throw new Error('refused');
    };
    await expect(idempotently(m.deps(), admin, request, String, refusing)).rejects.toThrow('refused');
    const w = writer(m, 'ok');
    expect((await idempotently(m.deps(), admin, request, String, w.run)).replayed).toBe(false);
  });

  it('fingerprints the method, the path (a trailing / aside) and the body as sent', () => {
    expect(fingerprintOf({ ...request, path: '/v1/users/' })).toBe(fingerprintOf(request));
    expect(fingerprintOf({ ...request, body: '{"name": "a"}' })).not.toBe(fingerprintOf(request));
  });
});
