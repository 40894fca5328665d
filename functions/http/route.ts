import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { type DomainError, notFound } from '../domain/errors.ts';
import { jsonBody } from './body.ts';
import type { ApiEvent, ApiResult } from './types.ts';
import { check, type Schema } from './validate.ts';

export interface RouteInput<B, Q> {
  event: ApiEvent;
  context: Context;
  body: B;
  query: Q;
  params: Record<string, string>;
}

export interface RouteOptions<B, Q> {
  body?: Schema<B>;
  query?: Schema<Q>;
}

/** What a route accepts, as schemas: read by the route table's OpenAPI document. */
export interface RouteContract {
  body?: Schema;
  query?: Schema;
}

/** A route's handler: its middy stack, carrying the contract it checks. */
export type RouteHandler = ((event: ApiEvent, context: Context) => Promise<ApiResult>) & {
  contract?: RouteContract;
};

/**
 * Longest path parameter, in UTF-16 units: above every id Parley hands out and every name it accepts (200),
 * and short enough that any key built from it stays within DynamoDB's key sizes (a sort key: 1,024 bytes).
 */
export const MAX_PATH_PARAM_LENGTH = 256;

/** What a path parameter names, for the 404 of one that cannot name anything. */
const NOT_FOUND = new Map<string, () => DomainError>([
  ['conversation_id', notFound.conversation],
  ['user_id', notFound.user],
  ['member_id', notFound.member],
  ['event_id', notFound.event],
  ['leg_id', notFound.leg],
  ['number', notFound.number],
]);

/**
 * HTTP API hands Lambda the path already URL-decoded, so path parameters are used as they come; one longer
 * than any id names nothing (404).
 */
const paramsOf = (event: ApiEvent): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.pathParameters ?? {})) {
    if (v === undefined) continue;
    if (v.length > MAX_PATH_PARAM_LENGTH) throw (NOT_FOUND.get(k) ?? notFound.route)();
    out[k] = v;
  }
  return out;
};

/**
 * One route: its own middy stack that parses the JSON body (only where the route takes one), checks the
 * body and query against their schemas, and hands typed input to a thin handler. The schemas stay on the
 * returned handler as its `contract`.
 */
export const route = <B = undefined, Q = Record<string, never>>(
  options: RouteOptions<B, Q>,
  handler: (input: RouteInput<B, Q>) => Promise<ApiResult>,
) => {
  const stack = middy<ApiEvent, ApiResult>();
  if (options.body) stack.use(jsonBody());
  const { body, query } = options;
  const run = stack.handler((event: ApiEvent, context: Context) =>
    handler({
      event,
      context,
      body: (body ? check(body, event.parsedBody) : undefined) as B,
      query: (query ? check(query, event.queryStringParameters ?? {}) : {}) as Q,
      params: paramsOf(event),
    }),
  );
  const contract: RouteContract = { body, query };
  return Object.assign(run, { contract });
};
