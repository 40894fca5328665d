/**
 * The route table type and the one router both HTTP Lambdas use: @middy/http-router over a table, with
 * the Vonage 404 (`http:error:not-found`) and 405 (`http:error:method-not-allowed`) for what it lacks.
 */
import type { Method } from '@middy/http-router';
import httpRouterHandler from '@middy/http-router';
import { notFound, requestError } from '../domain/errors.ts';
import type { RouteHandler } from './route.ts';
import type { ApiEvent, ApiResult } from './types.ts';

/** A method other than `ANY`: every route of a table names its own. */
export type RouteMethod = Exclude<Method, 'ANY'>;

/** `GET /v1/users/{user_id}`: a route's method and path as one key (`{name}` marks a path parameter). */
export type RouteKey = `${RouteMethod} /${string}`;

/** A route as served: the method, the path and the handler (whose `contract` carries its schemas). */
export interface RouteDef {
  method: RouteMethod;
  /** `{name}` marks a path parameter. */
  path: string;
  handler: RouteHandler;
}

/** The method and the path of a route key. */
export const routeOfKey = (key: RouteKey): { method: RouteMethod; path: string } => {
  const space = key.indexOf(' ');
  return { method: key.slice(0, space) as RouteMethod, path: key.slice(space + 1) };
};

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
