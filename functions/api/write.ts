/** How a write route answers: at once, or under its Idempotency-Key (functions/domain/idempotency.ts). */

import { validationError } from '../domain/errors.ts';
import type { Receipt } from '../domain/idempotency.ts';
import { rawBody } from '../http/body.ts';
import type { ApiEvent, ApiResult } from '../http/types.ts';
import { parley } from '../parley.ts';
import { actorOf } from './actor.ts';

/** A key is a string of 1–255 visible ASCII characters; a Structured Field string's quotes are taken off. */
const KEY = /^"?([\x21-\x7e]{1,255}?)"?$/;

const keyOf = (event: ApiEvent): string | undefined => {
  const header = event.headers?.['idempotency-key'];
  if (header === undefined) return undefined;
  const key = KEY.exec(header)?.[1];
  if (!key)
    throw validationError([
      { name: 'Idempotency-Key', reason: '"Idempotency-Key" must be 1 to 255 visible ASCII characters' },
    ]);
  return key;
};

/**
 * Runs a write and answers its result. With an Idempotency-Key the answer is stored with the write, and a
 * retry gets it back as it was with `Idempotent-Replayed: true`.
 */
export const write = async <R>(
  event: ApiEvent,
  // `any`: R is inferred from what `run` returns, which its receipt's own type would hide from inference.
  // biome-ignore lint/suspicious/noExplicitAny: the receipt is the one `answer` below records
  run: (receipt?: Receipt<any>) => Promise<R>,
  answer: (result: R) => ApiResult,
): Promise<ApiResult> => {
  const key = keyOf(event);
  if (key === undefined) return answer(await run());
  const { method, path } = event.requestContext.http;
  const out = await parley.idempotently(
    actorOf(event),
    { key, method, path, body: rawBody(event) },
    answer,
    run,
  );
  return out.replayed
    ? { ...out.answer, headers: { ...out.answer.headers, 'idempotent-replayed': 'true' } }
    : out.answer;
};
