import type { MiddlewareObj } from '@middy/core';
import { DomainError, validationError } from '../domain/errors.ts';
import type { ApiEvent, ApiResult } from './types.ts';

/** Largest JSON body accepted, in bytes. */
export const MAX_BODY_BYTES = 256 * 1024;

/** The body as sent, decoded when API Gateway base64-encoded it. */
export const rawBody = (event: ApiEvent): string => {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
};

const contentType = (event: ApiEvent): string =>
  (event.headers?.['content-type'] ?? event.headers?.['Content-Type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();

const isJsonType = (type: string): boolean =>
  type === 'application/json' || /^application\/[\w.+-]+\+json$/.test(type);

/**
 * Parses a JSON body onto `event.parsedBody`. An empty body counts as `{}` (every field optional); a body
 * with another content type is a 415, malformed JSON or a non-object a 400, an oversized body a 413.
 * Put it on the routes that take a body, never on the router: GETs carry no content type.
 */
export const jsonBody = (): MiddlewareObj<ApiEvent, ApiResult> => ({
  name: 'json-body',
  before: (request) => {
    const { event } = request;
    const text = rawBody(event);
    if (Buffer.byteLength(text) > MAX_BODY_BYTES)
      throw new DomainError(
        'http:error:request-too-large',
        `The request body is larger than ${MAX_BODY_BYTES} bytes.`,
      );
    if (text.trim() === '') {
      event.parsedBody = {};
      return;
    }
    const type = contentType(event);
    if (!isJsonType(type))
      throw new DomainError(
        'http:error:unsupported-media-type',
        `Invalid media type provided${type ? ` (${type})` : ''}. Send the body as Content-Type: application/json.`,
      );
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw validationError([{ name: 'body', reason: '"body" must be valid JSON' }]);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw validationError([{ name: 'body', reason: '"body" must be of type object' }]);
    event.parsedBody = parsed;
  },
});
