import type { RouteDef, RouteResponse } from '../http/router.ts';
import type { Schema } from '../http/validate.ts';
import { voiceRouteDocs } from '../voice/routes.ts';
import * as conversations from './conversations.ts';
import * as events from './events.ts';
import * as legacy from './legacy.ts';
import * as legs from './legs.ts';
import * as members from './members.ts';
import * as numbers from './numbers.ts';
import { serveOpenApi } from './openapi.ts';
import {
  conversationResponse,
  documentResponse,
  eventListResponse,
  eventResponse,
  legacyConversationListResponse,
  legacyConversationResponse,
  legResponse,
  listOf,
  memberResponse,
  numberRouteResponse,
  userResponse,
} from './responses.ts';
import * as users from './users.ts';

const ok = (description: string, schema: Schema): RouteResponse => ({ status: 200, description, schema });
const created = (description: string, schema: Schema): RouteResponse => ({
  status: 201,
  description,
  schema,
});
const deleted: RouteResponse = { status: 204, description: 'Deleted; no body.' };

/** Writes that append to a conversation's timeline answer 429 when the conversation is too busy. */
const TIMELINE_WRITE = [429] as const;

/** Every endpoint of the REST API, served by the one API Lambda. */
export const routes: RouteDef[] = [
  {
    method: 'GET',
    path: '/v1/conversations',
    summary: 'List conversations (admin: all of them; a user: those it is a member of)',
    response: ok('A page of conversations.', listOf('conversations', conversationResponse)),
    handler: conversations.list,
  },
  {
    method: 'POST',
    path: '/v1/conversations',
    summary: 'Create a conversation',
    response: created('The new conversation.', conversationResponse),
    errors: [409],
    handler: conversations.create,
  },
  {
    method: 'GET',
    path: '/v1/conversations/{conversation_id}',
    summary: 'Get a conversation',
    response: ok('The conversation.', conversationResponse),
    handler: conversations.get,
  },
  {
    method: 'PUT',
    path: '/v1/conversations/{conversation_id}',
    summary: 'Update a conversation (the fields sent replace the stored ones)',
    response: ok('The updated conversation.', conversationResponse),
    errors: [409, ...TIMELINE_WRITE],
    handler: conversations.update,
  },
  {
    method: 'DELETE',
    path: '/v1/conversations/{conversation_id}',
    summary: 'Delete a conversation with its members and events',
    response: deleted,
    handler: conversations.remove,
  },

  {
    method: 'GET',
    path: '/v1/conversations/{conversation_id}/members',
    summary: 'List the members of a conversation',
    response: ok('A page of members.', listOf('members', memberResponse)),
    handler: members.list,
  },
  {
    method: 'POST',
    path: '/v1/conversations/{conversation_id}/members',
    summary: 'Add a member (invite or join a user)',
    response: created('The new member.', memberResponse),
    errors: TIMELINE_WRITE,
    handler: members.create,
  },
  // Before `{member_id}`: dynamic routes match in order.
  {
    method: 'GET',
    path: '/v1/conversations/{conversation_id}/members/me',
    summary: "Get the caller's own member of a conversation (user token)",
    response: ok('The member.', memberResponse),
    handler: members.me,
  },
  {
    method: 'GET',
    path: '/v1/conversations/{conversation_id}/members/{member_id}',
    summary: 'Get a member',
    response: ok('The member.', memberResponse),
    handler: members.get,
  },
  {
    method: 'PATCH',
    path: '/v1/conversations/{conversation_id}/members/{member_id}',
    summary: "Change a member's state (join, leave)",
    response: ok('The member in its new state.', memberResponse),
    errors: TIMELINE_WRITE,
    handler: members.update,
  },

  {
    method: 'GET',
    path: '/v1/conversations/{conversation_id}/events',
    summary: 'List the events of a conversation, in order',
    response: ok('A page of events (`_embedded` is a bare array).', eventListResponse),
    handler: events.list,
  },
  {
    method: 'POST',
    path: '/v1/conversations/{conversation_id}/events',
    summary: 'Post an event (message, receipt, custom, audio, …)',
    response: created('The event as stored (ephemeral events have no id).', eventResponse),
    errors: TIMELINE_WRITE,
    handler: events.create,
  },
  {
    method: 'GET',
    path: '/v1/conversations/{conversation_id}/events/{event_id}',
    summary: 'Get an event',
    response: ok('The event.', eventResponse),
    handler: events.get,
  },
  {
    method: 'DELETE',
    path: '/v1/conversations/{conversation_id}/events/{event_id}',
    summary: 'Delete an event (its body is cleared, its id stays)',
    response: deleted,
    errors: TIMELINE_WRITE,
    handler: events.remove,
  },

  {
    method: 'GET',
    path: '/v1/users',
    summary: 'List users',
    response: ok('A page of users.', listOf('users', userResponse)),
    handler: users.list,
  },
  {
    method: 'POST',
    path: '/v1/users',
    summary: 'Create a user (admin)',
    response: created('The new user.', userResponse),
    errors: [409],
    handler: users.create,
  },
  {
    method: 'GET',
    path: '/v1/users/{user_id}',
    summary: 'Get a user by id or name',
    response: ok('The user.', userResponse),
    handler: users.get,
  },
  {
    method: 'PATCH',
    path: '/v1/users/{user_id}',
    summary: 'Update a user',
    response: ok('The updated user.', userResponse),
    errors: [409],
    handler: users.update,
  },
  {
    method: 'DELETE',
    path: '/v1/users/{user_id}',
    summary: 'Delete a user (admin)',
    response: deleted,
    handler: users.remove,
  },
  {
    method: 'GET',
    path: '/v1/users/{user_id}/conversations',
    summary: "List a user's conversations, each with the user's member and unread count",
    response: ok('A page of conversations.', listOf('conversations', conversationResponse)),
    handler: users.conversations,
  },

  // ---- Voice: number routes, legs, and the legacy conversation view ----
  {
    method: 'GET',
    path: '/v1/numbers',
    summary: 'List number routes',
    response: ok('A page of number routes.', listOf('numbers', numberRouteResponse)),
    handler: numbers.list,
  },
  {
    method: 'GET',
    path: '/v1/numbers/{number}',
    summary: 'Get the route of a number',
    response: ok('The number route.', numberRouteResponse),
    handler: numbers.get,
  },
  {
    method: 'PUT',
    path: '/v1/numbers/{number}',
    summary: 'Route a number: calls to it are forwarded to `forward_to`',
    response: ok('The number route.', numberRouteResponse),
    handler: numbers.put,
  },
  {
    method: 'DELETE',
    path: '/v1/numbers/{number}',
    summary: 'Remove the route of a number',
    response: deleted,
    handler: numbers.remove,
  },
  {
    method: 'GET',
    path: '/v1/legs/{leg_id}',
    summary: 'Get a call leg with its status history',
    response: ok('The leg.', legResponse),
    handler: legs.get,
  },
  {
    method: 'GET',
    path: '/v1/conversations/{conversation_id}/legs',
    summary: 'List the call legs of a conversation',
    response: ok('A page of legs.', listOf('legs', legResponse)),
    handler: legs.listOfConversation,
  },
  {
    method: 'GET',
    path: '/beta/conversations',
    summary: 'List conversations in the 2017 shape, paged by record_index',
    response: ok('A page of conversations.', legacyConversationListResponse),
    handler: legacy.listBeta,
  },
  {
    method: 'GET',
    path: '/v0.1/conversations',
    summary: 'List conversations in the 2017 shape, paged by record_index',
    response: ok('A page of conversations.', legacyConversationListResponse),
    handler: legacy.listV01,
  },
  {
    method: 'GET',
    path: '/beta/conversations/{conversation_id}',
    summary: 'Get a conversation in the 2017 shape, members inline',
    response: ok('The conversation.', legacyConversationResponse),
    handler: legacy.getBeta,
  },
  {
    method: 'GET',
    path: '/v0.1/conversations/{conversation_id}',
    summary: 'Get a conversation in the 2017 shape, members inline',
    response: ok('The conversation.', legacyConversationResponse),
    handler: legacy.getV01,
  },

  {
    method: 'GET',
    path: '/v1/openapi.json',
    summary: 'This API as an OpenAPI 3.1 document (no token needed)',
    response: ok('The OpenAPI document.', documentResponse),
    public: true,
    handler: serveOpenApi(() => [...routes, ...voiceRouteDocs]),
  },
];
