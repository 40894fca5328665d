/**
 * Every endpoint of the REST API by `METHOD path`, with what it accepts: the body and query schemas its
 * handler checks. No handler code here (nor the store behind it), so the OpenAPI document can be built
 * from this table alone; test/unit/api-routes.test.ts holds each served handler to its entry.
 */
import type { RouteContract } from '../http/route.ts';
import type { RouteKey } from '../http/router.ts';
import {
  conversationBody,
  eventBody,
  legacyEventBody,
  legacyListConversationsQuery,
  listConversationsQuery,
  listEventsQuery,
  listLegsQuery,
  listMembersQuery,
  listNumbersQuery,
  listUsersQuery,
  memberBody,
  memberPatchBody,
  numberRouteBody,
  pageQuery,
  userBody,
  userConversationsQuery,
  userUpdateBody,
} from './schemas.ts';

export const contracts = {
  'GET /v1/conversations': { query: listConversationsQuery },
  'POST /v1/conversations': { body: conversationBody },
  'GET /v1/conversations/{conversation_id}': {},
  'PUT /v1/conversations/{conversation_id}': { body: conversationBody },
  'DELETE /v1/conversations/{conversation_id}': {},

  'GET /v1/conversations/{conversation_id}/members': { query: listMembersQuery },
  'POST /v1/conversations/{conversation_id}/members': { body: memberBody },
  'GET /v1/conversations/{conversation_id}/members/me': {},
  'GET /v1/conversations/{conversation_id}/members/{member_id}': {},
  'PATCH /v1/conversations/{conversation_id}/members/{member_id}': { body: memberPatchBody },

  'GET /v1/conversations/{conversation_id}/events': { query: listEventsQuery },
  'POST /v1/conversations/{conversation_id}/events': { body: eventBody },
  'GET /v1/conversations/{conversation_id}/events/{event_id}': {},
  'DELETE /v1/conversations/{conversation_id}/events/{event_id}': {},

  'GET /v1/users': { query: listUsersQuery },
  'POST /v1/users': { body: userBody },
  'GET /v1/users/{user_id}': {},
  'PATCH /v1/users/{user_id}': { body: userUpdateBody },
  'DELETE /v1/users/{user_id}': {},
  'GET /v1/users/{user_id}/conversations': { query: userConversationsQuery },

  'GET /v1/numbers': { query: listNumbersQuery },
  'GET /v1/numbers/{number}': {},
  'PUT /v1/numbers/{number}': { body: numberRouteBody },
  'DELETE /v1/numbers/{number}': {},
  'GET /v1/legs/{leg_id}': {},
  'GET /v1/conversations/{conversation_id}/legs': { query: listLegsQuery },
  'GET /beta/conversations': { query: legacyListConversationsQuery },
  'GET /v0.1/conversations': { query: legacyListConversationsQuery },
  'GET /beta/conversations/{conversation_id}': {},
  'GET /v0.1/conversations/{conversation_id}': {},

  // ---- What the Client SDKs call besides the aliases of aliases.ts
  'POST /beta/conversations/{conversation_id}/events': { body: legacyEventBody },
  'PUT /v0.2/sessions/{session_id}': {},
  'GET /v0.3/users/{user_id}/sessions': { query: pageQuery },
  'POST /beta/conversations/{conversation_id}/rtc': {},
  'POST /v0.3/legs': {},
} as const satisfies Record<RouteKey, RouteContract>;

/** One endpoint of the REST API, as `METHOD path`. */
export type ApiRouteKey = keyof typeof contracts;
