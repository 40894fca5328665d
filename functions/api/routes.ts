import type { RouteHandler } from '../http/route.ts';
import { type RouteDef, type RouteKey, routeOfKey } from '../http/router.ts';
import type { ApiRouteKey } from './contracts.ts';
import * as conversations from './conversations.ts';
import * as events from './events.ts';
import * as members from './members.ts';
import * as users from './users.ts';

const C = '/v1/conversations/{conversation_id}';
const U = '/v1/users/{user_id}';

/** The `/v1` endpoints of `contracts.ts`. The older paths are the client Lambda's. */
export type V1RouteKey = Extract<ApiRouteKey, `${string} /v1/${string}`>;

/** The `/v1` endpoints of number routes and legs: the calls Lambda's (functions/api/calls-routes.ts). */
export type CallsRouteKey = Extract<
  V1RouteKey,
  `${string} /v1/numbers${string}` | `${string} /v1/legs/${string}` | `${string}/legs`
>;

/** The `/v1` endpoints the API Lambda serves: all but the calls Lambda's. */
export type ApiV1RouteKey = Exclude<V1RouteKey, CallsRouteKey>;

/** The handler of every `/v1` endpoint the API Lambda serves, in the order the router tries them. */
export const v1Handlers: Record<ApiV1RouteKey, RouteHandler> = {
  'GET /v1/conversations': conversations.list,
  'POST /v1/conversations': conversations.create,
  [`GET ${C}`]: conversations.get,
  [`PUT ${C}`]: conversations.update,
  [`DELETE ${C}`]: conversations.remove,

  [`GET ${C}/members`]: members.list,
  [`POST ${C}/members`]: members.create,
  // Before `{member_id}`: dynamic routes match in order.
  [`GET ${C}/members/me`]: members.me,
  [`GET ${C}/members/{member_id}`]: members.get,
  [`PATCH ${C}/members/{member_id}`]: members.update,

  [`GET ${C}/events`]: events.list,
  [`POST ${C}/events`]: events.create,
  [`GET ${C}/events/{event_id}`]: events.get,
  [`DELETE ${C}/events/{event_id}`]: events.remove,

  'GET /v1/users': users.list,
  'POST /v1/users': users.create,
  [`GET ${U}`]: users.get,
  [`PATCH ${U}`]: users.update,
  [`DELETE ${U}`]: users.remove,
  [`GET ${U}/conversations`]: users.conversations,
};

/** Route definitions of a handler table keyed by `METHOD path`. */
export const routesOf = (handlers: { [key: string]: RouteHandler }): RouteDef[] =>
  Object.entries(handlers).map(([key, handler]) => ({ ...routeOfKey(key as RouteKey), handler }));

/** The `/v1` endpoints of the REST API but number routes and legs: what the API Lambda serves. */
export const routes: RouteDef[] = routesOf(v1Handlers);
