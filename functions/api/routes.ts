import type { RouteHandler } from '../http/route.ts';
import { type RouteDef, type RouteKey, routeOfKey } from '../http/router.ts';
import type { ApiRouteKey } from './contracts.ts';
import * as conversations from './conversations.ts';
import * as events from './events.ts';
import * as legs from './legs.ts';
import * as members from './members.ts';
import * as numbers from './numbers.ts';
import * as users from './users.ts';

const C = '/v1/conversations/{conversation_id}';
const U = '/v1/users/{user_id}';
const N = '/v1/numbers';

/** The `/v1` endpoints of `contracts.ts`: the API Lambda's. The older paths are the client Lambda's. */
export type V1RouteKey = Extract<ApiRouteKey, `${string} /v1/${string}`>;

/** The handler of every `/v1` endpoint in `contracts.ts`, in the order the router tries them. */
export const v1Handlers: Record<V1RouteKey, RouteHandler> = {
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

  // ---- Voice: number routes, legs, and the legacy conversation view ----
  [`GET ${N}`]: numbers.list,
  [`GET ${N}/{number}`]: numbers.get,
  [`PUT ${N}/{number}`]: numbers.put,
  [`DELETE ${N}/{number}`]: numbers.remove,
  'GET /v1/legs/{leg_id}': legs.get,
  [`GET ${C}/legs`]: legs.listOfConversation,
};

/** Route definitions of a handler table keyed by `METHOD path`. */
export const routesOf = (handlers: { [key: string]: RouteHandler }): RouteDef[] =>
  Object.entries(handlers).map(([key, handler]) => ({ ...routeOfKey(key as RouteKey), handler }));

/** Every `/v1` endpoint of the REST API: what the API Lambda serves. */
export const routes: RouteDef[] = routesOf(v1Handlers);
