import type { RouteHandler } from '../http/route.ts';
import { type RouteDef, type RouteKey, routeOfKey } from '../http/router.ts';
import { aliasOf } from './alias.ts';
import { aliases } from './aliases.ts';
import type { ApiRouteKey } from './contracts.ts';
import * as conversations from './conversations.ts';
import * as events from './events.ts';
import * as legacy from './legacy.ts';
import * as legs from './legs.ts';
import * as members from './members.ts';
import * as numbers from './numbers.ts';
import * as sessions from './sessions.ts';
import * as users from './users.ts';

const C = '/v1/conversations/{conversation_id}';
const U = '/v1/users/{user_id}';
const N = '/v1/numbers';

/** The handler of every endpoint in `contracts.ts`, in the order the router tries them. */
const handlers: Record<ApiRouteKey, RouteHandler> = {
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
  'GET /beta/conversations': legacy.listBeta,
  'GET /v0.1/conversations': legacy.listV01,
  'GET /beta/conversations/{conversation_id}': legacy.getBeta,
  'GET /v0.1/conversations/{conversation_id}': legacy.getV01,

  // ---- Client SDKs: nexmo-client's legacy events (its `cid`, `originating_session` dropped), sessions
  'POST /beta/conversations/{conversation_id}/events': aliasOf(events.createLegacy),
  'PUT /v0.2/sessions/{session_id}': sessions.refresh,
  'GET /v0.3/users/{user_id}/sessions': sessions.ofUser,
  'POST /beta/conversations/{conversation_id}/rtc': sessions.noMedia,
  'POST /v0.3/legs': sessions.noMedia,
};

/** Every endpoint of the REST API and every alias of one (aliases.ts), served by the one API Lambda. */
export const routes: RouteDef[] = [
  ...Object.entries(handlers).map(([key, handler]) => ({ ...routeOfKey(key as ApiRouteKey), handler })),
  ...Object.entries(aliases).map(([key, a]) => ({
    ...routeOfKey(key as RouteKey),
    handler: aliasOf(handlers[a.of], a.reply, a.request),
  })),
];
