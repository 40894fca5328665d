import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { ApiError, internalError } from '../domain/errors.ts';
import { log } from './log.ts';
import { json } from './respond.ts';
import type { ApiEvent, ApiResult } from './types.ts';

const ERROR_DOCS = 'https://developer.nexmo.com/api/conversation#';

/** The Vonage error body: `{type, title, code, detail, instance[, invalid_parameters]}`. */
export const errorBody = (error: ApiError, instance: string) => ({
  type: `${ERROR_DOCS}${error.code}`,
  title: error.title,
  code: error.code,
  detail: error.detail,
  instance,
  ...(error.invalidParameters ? { invalid_parameters: error.invalidParameters } : {}),
});

/** Errors thrown by middy's own middlewares carry a status code; map the ones a client can cause. */
const fromMiddy = (error: { statusCode?: number; message?: string }): ApiError | undefined => {
  switch (error.statusCode) {
    case 404:
      return new ApiError(404, 'http:error:not-found', 'Endpoint does not exist, or you do not have access.');
    case 405:
      return new ApiError(405, 'http:error:method-not-allowed', 'Request method not supported.');
    case 413:
      return new ApiError(413, 'http:error:request-too-large', 'The request body is too large.');
    case 415:
      return new ApiError(415, 'http:error:unsupported-media-type', 'Invalid media type provided.');
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
    let error = thrown instanceof ApiError ? thrown : fromMiddy((thrown ?? {}) as { statusCode?: number });
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
    request.response = json(error.status, errorBody(error, instance), error.headers);
  },
});
