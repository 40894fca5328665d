/**
 * What every Twilio route shares: the form body (application/x-www-form-urlencoded, as the `twilio`
 * library sends it), the query string, both checked against the route's schemas, and the absolute base of
 * the URLs it answers with. Each route is its own small middy stack, as in the API Lambda.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { config } from '../config.ts';
import { DomainError, validationError } from '../domain/errors.ts';
import { MAX_BODY_BYTES } from '../http/body.ts';
import { baseUrl } from '../http/paging.ts';
import type { RouteContract, RouteHandler } from '../http/route.ts';
import type { ApiEvent, ApiResult } from '../http/types.ts';
import { check, object, type Schema } from '../http/validate.ts';
import { TWILIO_PREFIX } from './prefix.ts';

export { TWILIO_PREFIX } from './prefix.ts';

export interface TwilioInput<B, Q> {
  event: ApiEvent;
  body: B;
  query: Q;
  params: Record<string, string>;
  /** `https://host/twilio/v1`: the base of every `url` and `links` in the answer. */
  root: string;
  /** `https://host`: this deployment's base URL. */
  origin: string;
}

const headerOf = (event: ApiEvent, name: string): string | undefined => {
  for (const [k, v] of Object.entries(event.headers ?? {})) if (k.toLowerCase() === name) return v;
  return undefined;
};

/**
 * Name → value of a form or query string. A name in `lists` is Twilio's repeated parameter and collects
 * every value, in order; any other name given twice is refused.
 */
export const fieldsOf = (
  raw: string,
  where: string,
  lists: readonly string[] = [],
): Record<string, string | string[]> => {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(raw)) {
    const list = lists.includes(name);
    const seen = Object.hasOwn(out, name);
    if (list) {
      const values = seen ? (out[name] as string[]) : [];
      values.push(value);
      out[name] = values;
      continue;
    }
    if (seen) throw validationError([{ name, reason: `"${name}" may be given only once in the ${where}` }]);
    out[name] = value;
  }
  return out;
};

const formOf = (event: ApiEvent, lists: readonly string[]): Record<string, string | string[]> => {
  const text = event.body
    ? event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body
    : '';
  if (Buffer.byteLength(text) > MAX_BODY_BYTES)
    throw new DomainError(
      'http:error:request-too-large',
      `The request body is larger than ${MAX_BODY_BYTES} bytes.`,
    );
  if (text.trim() === '') return {};
  const type = (headerOf(event, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded')
    throw new DomainError(
      'http:error:unsupported-media-type',
      `Invalid media type provided${type ? ` (${type})` : ''}. Send the parameters as application/x-www-form-urlencoded.`,
    );
  return fieldsOf(text, 'body', lists);
};

/** A route without a query schema takes no query parameters. */
const NO_QUERY: Schema = object({});

/** A route: its form and query checked against its schemas, then a thin handler. */
export const twilioRoute = <B = undefined, Q = Record<string, never>>(
  options: { body?: Schema<B>; query?: Schema<Q>; lists?: readonly string[] },
  handler: (input: TwilioInput<B, Q>) => Promise<ApiResult>,
): RouteHandler => {
  const { body, query, lists = [] } = options;
  const run = middy<ApiEvent, ApiResult>().handler((event: ApiEvent, _context: Context) => {
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(event.pathParameters ?? {})) if (v !== undefined) params[k] = v;
    const origin = baseUrl(event, config().publicBaseUrl);
    const form = formOf(event, lists);
    if (!body && Object.keys(form).length > 0)
      throw validationError([{ name: 'body', reason: 'this request takes no parameters in its body' }]);
    return handler({
      event,
      body: (body ? check(body, form) : undefined) as B,
      query: check(query ?? NO_QUERY, fieldsOf(event.rawQueryString ?? '', 'query string')) as Q,
      params,
      root: `${origin}${TWILIO_PREFIX}/v1`,
      origin,
    });
  });
  const contract: RouteContract = { body, query };
  return Object.assign(run, { contract });
};
