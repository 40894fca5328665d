/**
 * What the OpenAPI document says of each REST endpoint beyond its contract: a summary, the success response
 * and the error statuses it answers on purpose. Documentation only: the API Lambda never imports this.
 */
import type { RouteDoc, RouteDocs, RouteResponse } from '../http/openapi.ts';
import type { RouteKey } from '../http/router.ts';
import type { Schema } from '../http/validate.ts';
import { type AliasReply, aliases } from './aliases.ts';
import type { ApiRouteKey } from './contracts.ts';
import {
  conversationResponse,
  eventListResponse,
  eventResponse,
  legacyConversationListResponse,
  legacyConversationResponse,
  legResponse,
  listOf,
  memberResponse,
  numberRouteResponse,
  sessionResponse,
  userResponse,
} from './responses.ts';

const ok = (description: string, schema: Schema): RouteResponse => ({ status: 200, description, schema });
const created = (description: string, schema: Schema): RouteResponse => ({
  status: 201,
  description,
  schema,
});
const deleted: RouteResponse = { status: 204, description: 'Deleted; no body.' };

/** Writes that append to a conversation's timeline answer 429 when the conversation is too busy. */
const TIMELINE_WRITE = [429] as const;

export const apiRouteDocs: RouteDocs<ApiRouteKey> = {
  'GET /v1/conversations': {
    summary: 'List conversations (admin: all of them; a user: those it is a member of)',
    response: ok('A page of conversations.', listOf('conversations', conversationResponse)),
  },
  'POST /v1/conversations': {
    summary: 'Create a conversation',
    response: created('The new conversation.', conversationResponse),
    errors: [409],
  },
  'GET /v1/conversations/{conversation_id}': {
    summary: 'Get a conversation',
    response: ok('The conversation.', conversationResponse),
  },
  'PUT /v1/conversations/{conversation_id}': {
    summary: 'Update a conversation (the fields sent replace the stored ones)',
    response: ok('The updated conversation.', conversationResponse),
    errors: [409, ...TIMELINE_WRITE],
  },
  'DELETE /v1/conversations/{conversation_id}': {
    summary: 'Delete a conversation with its members and events',
    response: deleted,
  },
  'GET /v1/conversations/{conversation_id}/members': {
    summary: 'List the members of a conversation',
    response: ok('A page of members.', listOf('members', memberResponse)),
  },
  'POST /v1/conversations/{conversation_id}/members': {
    summary: 'Add a member (invite or join a user)',
    response: created('The new member.', memberResponse),
    errors: TIMELINE_WRITE,
  },
  'GET /v1/conversations/{conversation_id}/members/me': {
    summary: "Get the caller's own member of a conversation (user token)",
    response: ok('The member.', memberResponse),
  },
  'GET /v1/conversations/{conversation_id}/members/{member_id}': {
    summary: 'Get a member',
    response: ok('The member.', memberResponse),
  },
  'PATCH /v1/conversations/{conversation_id}/members/{member_id}': {
    summary: "Change a member's state (join, leave)",
    response: ok('The member in its new state.', memberResponse),
    errors: TIMELINE_WRITE,
  },
  'GET /v1/conversations/{conversation_id}/events': {
    summary: 'List the events of a conversation, in order',
    response: ok('A page of events (`_embedded` is a bare array).', eventListResponse),
  },
  'POST /v1/conversations/{conversation_id}/events': {
    summary: 'Post an event (message, receipt, custom, audio, …)',
    response: created('The event as stored (ephemeral events have no id).', eventResponse),
    errors: TIMELINE_WRITE,
  },
  'GET /v1/conversations/{conversation_id}/events/{event_id}': {
    summary: 'Get an event',
    response: ok('The event.', eventResponse),
  },
  'DELETE /v1/conversations/{conversation_id}/events/{event_id}': {
    summary: 'Delete an event (its body is cleared, its id stays)',
    response: deleted,
    errors: TIMELINE_WRITE,
  },
  'GET /v1/users': {
    summary: 'List users',
    response: ok('A page of users.', listOf('users', userResponse)),
  },
  'POST /v1/users': {
    summary: 'Create a user (admin)',
    response: created('The new user.', userResponse),
    errors: [409],
  },
  'GET /v1/users/{user_id}': {
    summary: 'Get a user by id or name',
    response: ok('The user.', userResponse),
  },
  'PATCH /v1/users/{user_id}': {
    summary: 'Update a user',
    response: ok('The updated user.', userResponse),
    errors: [409],
  },
  'DELETE /v1/users/{user_id}': {
    summary: 'Delete a user (admin)',
    response: deleted,
  },
  'GET /v1/users/{user_id}/conversations': {
    summary: "List a user's conversations, each with the user's member and unread count",
    response: ok('A page of conversations.', listOf('conversations', conversationResponse)),
  },
  'GET /v1/numbers': {
    summary: 'List number routes',
    response: ok('A page of number routes.', listOf('numbers', numberRouteResponse)),
  },
  'GET /v1/numbers/{number}': {
    summary: 'Get the route of a number',
    response: ok('The number route.', numberRouteResponse),
  },
  'PUT /v1/numbers/{number}': {
    summary: 'Route a number: calls to it are forwarded to `forward_to`',
    response: ok('The number route.', numberRouteResponse),
  },
  'DELETE /v1/numbers/{number}': {
    summary: 'Remove the route of a number',
    response: deleted,
  },
  'GET /v1/legs/{leg_id}': {
    summary: 'Get a call leg with its status history',
    response: ok('The leg.', legResponse),
  },
  'GET /v1/conversations/{conversation_id}/legs': {
    summary: 'List the call legs of a conversation',
    response: ok('A page of legs.', listOf('legs', legResponse)),
  },
  'GET /beta/conversations': {
    summary: 'List conversations in the 2017 shape, paged by record_index',
    response: ok('A page of conversations.', legacyConversationListResponse),
  },
  'GET /v0.1/conversations': {
    summary: 'List conversations in the 2017 shape, paged by record_index',
    response: ok('A page of conversations.', legacyConversationListResponse),
  },
  'GET /beta/conversations/{conversation_id}': {
    summary: 'Get a conversation in the 2017 shape, members inline',
    response: ok('The conversation.', legacyConversationResponse),
  },
  'GET /v0.1/conversations/{conversation_id}': {
    summary: 'Get a conversation in the 2017 shape, members inline',
    response: ok('The conversation.', legacyConversationResponse),
  },
  'POST /beta/conversations/{conversation_id}/events': {
    summary:
      'Post an event as nexmo-client 9.x does: the v1 events and the legacy `text`, `text:delivered`, `text:seen` (`cid`, `originating_session` ignored)',
    response: created('The event as stored (`id`, `timestamp`; typing events have no id).', eventResponse),
    errors: TIMELINE_WRITE,
    surface: 'client-sdk',
  },
  'PUT /v0.2/sessions/{session_id}': {
    summary:
      "Refresh a session's token (the new token is the bearer): the session then ends when that token does. 403 for a token of another user, 404 for a session that has ended",
    response: ok('The session.', sessionResponse),
    errors: [403, 404],
    surface: 'client-sdk',
  },
  'GET /v0.3/users/{user_id}/sessions': {
    summary: "List a user's sessions (always an empty page: sessions are the socket's)",
    response: ok('A page of sessions.', listOf('sessions', sessionResponse)),
    surface: 'client-sdk',
  },
  'POST /beta/conversations/{conversation_id}/rtc': {
    summary: 'In-app voice (nexmo-client 9.x): not available, answered 400 `http:error:not-implemented`',
    response: created('Never: in-app voice needs a media server.', eventResponse),
    errors: [400],
    surface: 'client-sdk',
  },
  'POST /v0.3/legs': {
    summary:
      'In-app voice (@vonage/client-sdk 2.x): not available, answered 400 `http:error:not-implemented`',
    response: created('Never: in-app voice needs a media server.', legResponse),
    errors: [400],
    surface: 'client-sdk',
  },
};

/** What each reply shape of an alias changes in the body of the endpoint it serves. */
const REPLY_NOTES = new Map<AliasReply | undefined, string>([
  [undefined, ''],
  ['uuid', ' The body also carries `uuid` (= `id`).'],
  ['beta2', ' The items are under `_embedded.data.<name>`.'],
  [
    'beta2:conversations',
    ' The items are under `_embedded.data.conversations`, each with `member_id` and `state` of its member.',
  ],
  ['v0.3:events', ' The events are under `_embedded.events`, `body.event_id` a number.'],
  ['v0.3:conversations', " Each conversation's member is under `_embedded.member`."],
  ['empty', ''],
]);

/** The docs of each alias: its endpoint's, saying whose alias it is and how its reply differs. */
export const aliasRouteDocs = (): RouteDocs =>
  Object.fromEntries(
    Object.entries(aliases).map(([key, a]): [string, RouteDoc] => {
      const doc = apiRouteDocs[a.of];
      return [
        key as RouteKey,
        {
          ...doc,
          summary: `Alias of ${a.of} for the Vonage Client SDKs`,
          response:
            a.reply === 'empty'
              ? deleted
              : { ...doc.response, description: `${doc.response.description}${REPLY_NOTES.get(a.reply)}` },
          surface: 'client-sdk',
        },
      ];
    }),
  );
