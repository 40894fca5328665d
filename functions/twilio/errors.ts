/**
 * Errors in Twilio's shape, `{code, message, more_info, status}`, which the `twilio` library raises as
 * its `RestException`. Every domain code has its Twilio code and status here (the table is typed over
 * every `ErrorCode`); a binding conflict names the conversation that holds it, by its SID.
 */
import type { MiddlewareObj } from '@middy/core';
import { BindingInUseError } from '../domain/bindings.ts';
import { DomainError, type ErrorCode, internalError } from '../domain/errors.ts';
import { log } from '../http/log.ts';
import { json } from '../http/respond.ts';
import type { ApiEvent, ApiResult } from '../http/types.ts';
import { conversationSid } from './sids.ts';

/** A Twilio error code and the HTTP status it comes with. */
type TwilioCode = readonly [code: number, status: number];

const INVALID: TwilioCode = [20001, 400];
const NOT_FOUND: TwilioCode = [20404, 404];
const AUTH: TwilioCode = [20003, 401];

export const TWILIO_CODE_OF: Readonly<Record<ErrorCode, TwilioCode>> = {
  'http:error:validation-fail': INVALID,
  'http:error:not-found': NOT_FOUND,
  'http:error:method-not-allowed': [20004, 405],
  'http:error:request-too-large': [21617, 413],
  'http:error:unsupported-media-type': [20415, 415],
  'http:error:too-many-request': [20429, 429],
  'paginator-builder:error:invalid-cursor': [21481, 400],
  'system:error:missing-token': AUTH,
  'system:error:invalid-token': AUTH,
  'system:error:expired-token': AUTH,
  'system:error:permission': [20403, 403],
  'system:error:invalid-signature': AUTH,
  'system:error:internal-error': [20500, 500],
  'user:error:invalid-user-token': INVALID,
  'user:error:invalid-user-name': INVALID,
  'user:error:not-found': NOT_FOUND,
  'user:error:duplicate-name': [50201, 409],
  'conversation:error:not-found': NOT_FOUND,
  'conversation:error:duplicate-name': [50353, 409],
  'conversation:error:not-allowed': [50350, 400],
  'conversation:error:member-not-found': [50432, 404],
  'conversation:error:member-already-joined': [50433, 409],
  'conversation:error:member-already-invited': [50433, 409],
  'conversation:error:invalid-member-state': [50433, 409],
  'conversation:error:maximum-number-of-members': [50438, 400],
  'conversation:error:binding-in-use': [50416, 409],
  'event:error:not-found': NOT_FOUND,
  'event:error:not-joined': [50432, 400],
  'event:error:permission-denied': [20403, 403],
  'event:error:delete-not-allowed': INVALID,
  'leg:error:not-found': NOT_FOUND,
  'number:error:not-found': NOT_FOUND,
  'application:error:not-found': NOT_FOUND,
  'webhook:error:delivery-not-found': NOT_FOUND,
  'http:error:not-implemented': [20001, 400],
  'system:error:unavailable': [20503, 503],
  'http:error:idempotency-key-reused': [20422, 422],
};

/** An error only this surface raises, with its own Twilio code (50390, …). */
export class TwilioError extends Error {
  constructor(
    readonly code: number,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Messages that read as Twilio's own where a client may look for them. */
const messageOf = (error: DomainError): string => {
  if (error instanceof BindingInUseError)
    return `A binding for this participant and proxy address already exists in Conversation ${conversationSid.encode(error.conversationId)}`;
  const fields = error.invalidParameters?.map((p) => p.reason).join('; ');
  return fields ? `${error.detail} ${fields}` : error.detail;
};

export const twilioErrorBody = (code: number, status: number, message: string) => ({
  code,
  message,
  more_info: `https://www.twilio.com/docs/errors/${code}`,
  status,
});

/** Whatever was thrown, as Twilio's error body; anything unknown is a 500 that leaks nothing. */
export const twilioErrorMapper = (): MiddlewareObj<ApiEvent, ApiResult> => ({
  name: 'twilio-error-mapper',
  onError: (request) => {
    const thrown = request.error as unknown;
    if (thrown instanceof TwilioError) {
      request.response = json(thrown.status, twilioErrorBody(thrown.code, thrown.status, thrown.message));
      return;
    }
    let error = thrown instanceof DomainError ? thrown : undefined;
    if (!error) {
      log('error', 'unhandled error', {
        requestId: request.event.requestContext?.requestId ?? request.context?.awsRequestId,
        error:
          thrown instanceof Error
            ? { name: thrown.name, message: thrown.message, stack: thrown.stack }
            : thrown,
      });
      error = internalError();
    }
    const [code, status] = TWILIO_CODE_OF[error.code];
    const headers: Record<string, string> =
      error.retryAfterSeconds !== undefined ? { 'retry-after': String(error.retryAfterSeconds) } : {};
    request.response = json(status, twilioErrorBody(code, status, messageOf(error)), headers);
  },
});
