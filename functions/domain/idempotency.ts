/**
 * Idempotency-Key (the IETF httpapi draft's header): the rules of a retried write.
 *
 * - Scope: a key belongs to its caller (the admin, or one user by its token's name); two callers never
 *   see each other's keys.
 * - Fingerprint: the method, the path and the body as sent; the same key with another fingerprint is 422.
 * - Replayable: the answer of a write that committed, and only that. It is stored with the write, in its
 *   transaction (the write's port puts the `receipt` among its items), so no write is ever without its
 *   record; a refused request stores nothing and its retry runs again.
 * - Concurrency: each record is written only if there is none, so of two requests with one key one commits
 *   and the other's whole transaction is cancelled; it then finds the record and replays it.
 * - A record lives 24 hours (the table's TTL removes it; the rules ignore it once expired).
 *
 * The use-case that applies them is `idempotently` in use-cases/idempotency.ts.
 */
import { createHash } from 'node:crypto';
import { DomainError } from './errors.ts';

/** How long a key is remembered. */
export const IDEMPOTENCY_TTL_S = 86_400;

/** A write request carrying an Idempotency-Key, as the surface received it. */
export interface IdempotentRequest {
  key: string;
  method: string;
  path: string;
  /** The body as sent (empty when none). */
  body: string;
}

/** The stored answer to a write: `answer` is the surface's own (its status and body), opaque here. */
export interface IdempotencyRecord {
  scope: string;
  key: string;
  fingerprint: string;
  answer: unknown;
  created_at: string;
  expires_at: string;
}

/** What a write port stores with its write: the record of the answer to `result`, its outcome. */
export type Receipt<R> = (result: R) => IdempotencyRecord;

/** The record of this key was written by another request since it was read: its write is cancelled. */
export class IdempotencyRaceError extends Error {
  override readonly name = 'IdempotencyRaceError';
}

export const keyReused = () =>
  new DomainError(
    'http:error:idempotency-key-reused',
    'This Idempotency-Key was used with another request (method, path or body) in the last 24 hours.',
  );

export const fingerprintOf = (r: IdempotentRequest): string =>
  createHash('sha256')
    .update(`${r.method} ${r.path.replace(/\/$/, '')}\n${r.body}`)
    .digest('base64url');
