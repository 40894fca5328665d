/**
 * The route table type and the one router both HTTP Lambdas use: @middy/http-router over a table, with
 * the Vonage 404 (`http:error:not-found`) and 405 (`http:error:method-not-allowed`) for what it lacks.
 */
import type { Method } from '@middy/http-router';
import httpRouterHandler from '@middy/http-router';
import { notFound, requestError } from '../domain/errors.ts';
import type { RouteContract, RouteHandler } from './route.ts';
import type { ApiEvent, ApiResult } from './types.ts';
import type { Schema } from './validate.ts';

/** The answer a route documents for success. */
export interface RouteResponse {
  status: number;
  description: string;
  /** The response body (JSON unless `contentType` says otherwise); none for a 204. */
  schema?: Schema;
  contentType?: string;
}

/** A route as documented: everything but the code that serves it. */
export interface RouteDoc {
  method: Exclude<Method, 'ANY'>;
  /** `{name}` marks a path parameter. */
  path: string;
  summary: string;
  response: RouteResponse;
  /** Error statuses this route answers on purpose beyond the ones every route may (see the OpenAPI builder). */
  errors?: readonly number[];
  /** Served without a token. */
  public?: boolean;
  /** Whom the route is for: the Vonage API or a telephony provider's webhooks. */
  surface?: 'api' | 'voice';
  contract?: RouteContract;
}

export interface RouteDef extends RouteDoc {
  handler: RouteHandler;
}

/** `/v1/users/{user_id}` → a RegExp matching a concrete path, a trailing `/` allowed. */
export const pathPattern = (path: string): RegExp =>
  new RegExp(`^${path.replace(/[.+?^$()|[\]\\]/g, '\\$&').replace(/\{[^/]+\}/g, '[^/]+')}/?$`);

/** The router handler of a route table: what middy's `.handler()` takes. */
export const router = (routes: readonly RouteDef[]) => {
  const patterns = routes.map((r) => ({ method: r.method, re: pathPattern(r.path) }));
  /** A path that exists under another method is a 405; anything else a 404. */
  const notFoundResponse = ({ method, path }: { method: string; path: string }): never => {
    const allowed = [...new Set(patterns.filter((p) => p.re.test(path)).map((p) => p.method))];
    if (allowed.length > 0)
      throw requestError.methodNotAllowed(
        `Request method not supported: ${method} ${path} accepts ${allowed.join(', ')}.`,
      );
    throw notFound.route();
  };
  return httpRouterHandler<ApiEvent, ApiResult>({
    routes: routes.map(({ method, path, handler }) => ({ method, path, handler })),
    notFoundResponse,
  });
};
