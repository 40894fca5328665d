/**
 * How the REST and webhook surfaces answer each domain error: its HTTP status. The table is typed by
 * every `ErrorCode`, so a new code does not compile until it has a status here; the title follows from
 * the status alone.
 */
import type { ErrorCode } from '../domain/errors.ts';

export const STATUS_OF_CODE: Readonly<Record<ErrorCode, number>> = {
  'http:error:validation-fail': 400,
  'http:error:not-found': 404,
  'http:error:method-not-allowed': 405,
  'http:error:request-too-large': 413,
  'http:error:unsupported-media-type': 415,
  'http:error:too-many-request': 429,
  'http:error:not-implemented': 400,
  'http:error:idempotency-key-reused': 422,
  'paginator-builder:error:invalid-cursor': 400,
  'system:error:missing-token': 401,
  'system:error:invalid-token': 401,
  'system:error:expired-token': 401,
  'system:error:permission': 403,
  'system:error:invalid-signature': 401,
  'system:error:internal-error': 500,
  'system:error:unavailable': 503,
  'user:error:invalid-user-token': 400,
  'user:error:invalid-user-name': 400,
  'user:error:not-found': 404,
  'user:error:duplicate-name': 409,
  'conversation:error:not-found': 404,
  'conversation:error:duplicate-name': 409,
  'conversation:error:not-allowed': 400,
  'conversation:error:member-not-found': 404,
  'conversation:error:member-already-joined': 400,
  'conversation:error:member-already-invited': 400,
  'conversation:error:invalid-member-state': 400,
  'conversation:error:maximum-number-of-members': 400,
  'conversation:error:binding-in-use': 409,
  'event:error:not-found': 404,
  'event:error:not-joined': 400,
  'event:error:permission-denied': 403,
  'event:error:delete-not-allowed': 400,
  'leg:error:not-found': 404,
  'number:error:not-found': 404,
  'application:error:not-found': 404,
  'webhook:error:delivery-not-found': 404,
};

const TITLES = new Map<number, string>([
  [400, 'Bad request.'],
  [401, 'Unauthorized.'],
  [403, 'Forbidden.'],
  [404, 'Not found.'],
  [405, 'Method not allowed.'],
  [409, 'Conflict.'],
  [413, 'Payload too large.'],
  [415, 'Unsupported media type.'],
  [422, 'Unprocessable content.'],
  [429, 'Too Many Requests.'],
  [500, 'Internal Error.'],
  [503, 'Service Unavailable.'],
]);

export const statusOf = (code: ErrorCode): number => STATUS_OF_CODE[code];

export const titleOf = (status: number): string => TITLES.get(status) ?? 'Error.';
