import middy from '@middy/core';
import type { Context } from 'aws-lambda';
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

/** HTTP API hands Lambda the path already URL-decoded, so path parameters are used as they come. */
const paramsOf = (event: ApiEvent): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.pathParameters ?? {})) if (v !== undefined) out[k] = v;
  return out;
};

/**
 * One route: its own middy stack that parses the JSON body (only where the route takes one), checks the
 * body and query against their schemas, and hands typed input to a thin handler.
 */
export const route = <B = undefined, Q = Record<string, never>>(
  options: RouteOptions<B, Q>,
  handler: (input: RouteInput<B, Q>) => Promise<ApiResult>,
) => {
  const stack = middy<ApiEvent, ApiResult>();
  if (options.body) stack.use(jsonBody());
  return stack.handler((event: ApiEvent, context: Context) =>
    handler({
      event,
      context,
      body: (options.body ? check(options.body, event.parsedBody) : undefined) as B,
      query: (options.query ? check(options.query, event.queryStringParameters ?? {}) : {}) as Q,
      params: paramsOf(event),
    }),
  );
};
