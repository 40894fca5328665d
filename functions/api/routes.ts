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

/** The handler of every endpoint in `contracts.ts`, in the order the router tries them. */
const handlers: Record<ApiRouteKey, RouteHandler> = {
  'GET /v1/conversations': conversations.list,
  'POST /v1/conversations': conversations.create,
  'GET /v1/conversations/{conversation_id}': conversations.get,
  'PUT /v1/conversations/{conversation_id}': conversations.update,
  'DELETE /v1/conversations/{conversation_id}': conversations.remove,

  'GET /v1/conversations/{conversation_id}/members': members.list,
  'POST /v1/conversations/{conversation_id}/members': members.create,
  // Before `{member_id}`: dynamic routes match in order.
  'GET /v1/conversations/{conversation_id}/members/me': members.me,
  'GET /v1/conversations/{conversation_id}/members/{member_id}': members.get,
  'PATCH /v1/conversations/{conversation_id}/members/{member_id}': members.update,

  'GET /v1/conversations/{conversation_id}/events': events.list,
  'POST /v1/conversations/{conversation_id}/events': events.create,
  'GET /v1/conversations/{conversation_id}/events/{event_id}': events.get,
  'DELETE /v1/conversations/{conversation_id}/events/{event_id}': events.remove,

  'GET /v1/users': users.list,
  'POST /v1/users': users.create,
  'GET /v1/users/{user_id}': users.get,
  'PATCH /v1/users/{user_id}': users.update,
  'DELETE /v1/users/{user_id}': users.remove,
  'GET /v1/users/{user_id}/conversations': users.conversations,

  // ---- Voice: number routes, legs, and the legacy conversation view ----
  'GET /v1/numbers': numbers.list,
  'GET /v1/numbers/{number}': numbers.get,
  'PUT /v1/numbers/{number}': numbers.put,
  'DELETE /v1/numbers/{number}': numbers.remove,
  'GET /v1/legs/{leg_id}': legs.get,
  'GET /v1/conversations/{conversation_id}/legs': legs.listOfConversation,
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
