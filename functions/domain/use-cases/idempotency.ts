/** A write under an Idempotency-Key: the rules of functions/domain/idempotency.ts applied to one request. */
import {
  fingerprintOf,
  IDEMPOTENCY_TTL_S,
  type IdempotentRequest,
  keyReused,
  type Receipt,
} from '../idempotency.ts';
import type { Deps } from '../ports.ts';
import type { Actor } from '../timeline-context.ts';

/** Whose keys these are: the admin's, or one user's (by its token's name). */
export const scopeOf = (actor: Actor): string => (actor.kind === 'admin' ? 'admin' : `user:${actor.name}`);

/**
 * Runs `run` once per key: a live record of this key and fingerprint is answered again (`replayed`),
 * another fingerprint is 422; else `run` writes, with the receipt, the answer `answer` gives its result.
 */
export const idempotently = async <R, A>(
  deps: Deps,
  actor: Actor,
  request: IdempotentRequest,
  answer: (result: R) => A,
  run: (receipt: Receipt<R>) => Promise<R>,
): Promise<{ answer: A; replayed: boolean }> => {
  const scope = scopeOf(actor);
  const fingerprint = fingerprintOf(request);
  const stored = async () => {
    const found = await deps.ports.idempotency.get(scope, request.key);
    if (!found || found.expires_at <= deps.now()) return undefined;
    if (found.fingerprint !== fingerprint) throw keyReused();
    return { answer: found.answer as A, replayed: true };
  };
  const earlier = await stored();
  if (earlier) return earlier;
  const now = deps.now();
  const expires = new Date(Date.parse(now) + IDEMPOTENCY_TTL_S * 1000).toISOString();
  // The answer as stored: the receipt is taken again each time the write is planned again, the last one commits.
  let recorded: { answer: A } | undefined;
  try {
    const result = await run((r) => {
      recorded = { answer: answer(r) };
      return {
        scope,
        key: request.key,
        fingerprint,
        answer: recorded.answer,
        created_at: now,
        expires_at: expires,
      };
    });
    return { answer: recorded ? recorded.answer : answer(result), replayed: false };
  } catch (error) {
    // A request with this key may have committed meanwhile, and this one failed against what it wrote.
    const later = await stored();
    if (later) return later;
    throw error;
  }
};
