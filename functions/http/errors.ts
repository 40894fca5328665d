import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { DomainError, internalError, notFound, requestError } from '../domain/errors.ts';
import { log } from './log.ts';
import { json } from './respond.ts';
import { statusOf, titleOf } from './status.ts';
import type { ApiEvent, ApiResult } from './types.ts';

const ERROR_DOCS = 'https://developer.nexmo.com/api/conversation#';

/** The Vonage error body: `{type, title, code, detail, instance[, invalid_parameters]}`. */
export const errorBody = (error: DomainError, instance: string) => ({
  type: `${ERROR_DOCS}${error.code}`,
  title: titleOf(statusOf(error.code)),
  code: error.code,
  detail: error.detail,
  instance,
  ...(error.invalidParameters ? { invalid_parameters: error.invalidParameters } : {}),
});

/** Errors thrown by middy's own middlewares carry a status code; map the ones a client can cause. */
const fromMiddy = (error: { statusCode?: number; message?: string }): DomainError | undefined => {
  switch (error.statusCode) {
    case 404:
      return notFound.route();
    case 405:
      return requestError.methodNotAllowed();
    case 413:
      return requestError.tooLarge();
    case 415:
      return requestError.unsupportedMediaType();
    default:
      return undefined;
  }
};

export const instanceOf = (event: ApiEvent, context: Context | undefined): string =>
  event.requestContext?.requestId ?? context?.awsRequestId ?? 'unknown';

/** Turns whatever was thrown into the Vonage error body. Register it last so it runs first on error. */
export const errorMapper = (): MiddlewareObj<ApiEvent, ApiResult> => ({
  name: 'error-mapper',
  onError: (request) => {
    const thrown = request.error as unknown;
    const instance = instanceOf(request.event, request.context);
    let error = thrown instanceof DomainError ? thrown : fromMiddy((thrown ?? {}) as { statusCode?: number });
    if (!error) {
      log('error', 'unhandled error', {
        requestId: instance,
        error:
          thrown instanceof Error
            ? { name: thrown.name, message: thrown.message, stack: thrown.stack }
            : thrown,
      });
      error = internalError();
    }
    const headers: Record<string, string> =
      error.retryAfterSeconds !== undefined ? { 'retry-after': String(error.retryAfterSeconds) } : {};
    request.response = json(statusOf(error.code), errorBody(error, instance), headers);
  },
});
