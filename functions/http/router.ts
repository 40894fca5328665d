/**
 * The route table type and the one router both HTTP Lambdas use. It routes as @middy/http-router does
 * (static paths before `{param}` ones, then table order; an optional trailing `/`; the path from
 * `requestContext.http.path`), and answers what no route serves with the Vonage 404
 * (`http:error:not-found`) or, for a path served under another method, 405
 * (`http:error:method-not-allowed`). It is ours because it needs every route's pattern for the 405
 * anyway, and the package's option validation cost the API bundle 2 KB it does not have.
 */
import type { Context } from 'aws-lambda';
import { notFound, requestError } from '../domain/errors.ts';
import type { RouteHandler } from './route.ts';
import type { ApiEvent, ApiResult } from './types.ts';

/** Every route of a table names its own method (there is no `ANY`). */
export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS' | 'HEAD';

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
  new RegExp(`^${path.replace(/[.+?^$()|[\]\\]/g, '\\$&').replace(/\{([^/}]+)\}/g, '(?<$1>[^/]+)')}/?$`);

/** The handler of a route table: what middy's `.handler()` takes. */
export const router = (routes: readonly RouteDef[]) => {
  const compiled = routes.map((r) => ({ ...r, re: pathPattern(r.path), dynamic: r.path.includes('{') }));
  // A static path wins over a `{param}` one (`…/members/me` before `…/members/{member_id}`).
  const ordered = [...compiled.filter((r) => !r.dynamic), ...compiled.filter((r) => r.dynamic)];
  return (event: ApiEvent, context: Context): Promise<ApiResult> => {
    const { method, path } = event.requestContext.http;
    const allowed = new Set<string>();
    for (const route of ordered) {
      const match = route.re.exec(path);
      if (!match) continue;
      if (route.method !== method) {
        allowed.add(route.method);
        continue;
      }
      // Parameters API Gateway already set (`proxy`) stay as they are.
      event.pathParameters = { ...match.groups, ...event.pathParameters };
      return route.handler(event, context);
    }
    if (allowed.size > 0)
      throw requestError.methodNotAllowed(
        `Request method not supported: ${method} ${path} accepts ${[...allowed].join(', ')}.`,
      );
    throw notFound.route();
  };
};
