/**
 * The REST paths the Vonage Client SDKs call (nexmo-client 9.x: `/beta`, `/beta2`, `/v0.3`, `/v0.2`;
 * @vonage/client-sdk 2.x: `/v0.3`, `/v0.2`), each an alias of one endpoint of `contracts.ts`: the same
 * handler, schemas, use-case and authorization, only the request is tidied (`REQUESTS`) and the reply
 * reshaped (`REPLIES` in alias.ts). Data only, so the OpenAPI document reads it without any handler.
 */
import type { RouteKey } from '../http/router.ts';
import type { ApiRouteKey } from './contracts.ts';

/**
 * How an alias answers, beyond the v1 body:
 * - `uuid`: the body plus `uuid` (= `id`), as the 2017 API named it;
 * - `beta2`: list items under `_embedded.data.<name>` (the events list's bare array as `data.events`);
 * - `beta2:conversations`: as `beta2`, each conversation also carrying its member's `member_id` and
 *   `state` (what nexmo-client builds its own member from);
 * - `v0.3:events`: the events under `_embedded.events`, `body.event_id` a number;
 * - `v0.3:conversations`: each conversation's member under `_embedded.member`;
 * - `empty`: 204 without a body.
 */
export type AliasReply =
  | 'uuid'
  | 'beta2'
  | 'beta2:conversations'
  | 'v0.3:events'
  | 'v0.3:conversations'
  | 'empty';

/**
 * What an alias sends its endpoint, beyond the body as it came (always without the SDKs' `cid`,
 * `originating_session` and `null` fields):
 * - `leave`: the body `{state: "left"}` (a member leaves by `DELETE`);
 * - `join`: `{state, from}` with `state` `joined` unless given (a member joins by `PUT`).
 */
export type AliasRequest = 'leave' | 'join';

export interface Alias {
  /** The endpoint it serves. */
  of: ApiRouteKey;
  reply?: AliasReply;
  request?: AliasRequest;
}

const C = '/conversations/{conversation_id}';

export const aliases: Record<RouteKey, Alias> = {
  // ---- nexmo-client 9.x
  'POST /beta/conversations': { of: 'POST /v1/conversations', reply: 'uuid' },
  'DELETE /beta/conversations/{conversation_id}': { of: 'DELETE /v1/conversations/{conversation_id}' },
  [`DELETE /beta${C}/members/{member_id}`]: {
    of: 'PATCH /v1/conversations/{conversation_id}/members/{member_id}',
    request: 'leave',
    reply: 'empty',
  },
  'GET /beta/users/{user_id}': { of: 'GET /v1/users/{user_id}' },
  'GET /beta2/users/{user_id}/conversations': {
    of: 'GET /v1/users/{user_id}/conversations',
    reply: 'beta2:conversations',
  },
  [`GET /beta2${C}/members`]: { of: 'GET /v1/conversations/{conversation_id}/members', reply: 'beta2' },
  [`GET /beta2${C}/events`]: { of: 'GET /v1/conversations/{conversation_id}/events', reply: 'beta2' },
  [`DELETE /beta2${C}/events/{event_id}`]: {
    of: 'DELETE /v1/conversations/{conversation_id}/events/{event_id}',
  },

  // ---- both SDKs
  'POST /v0.3/conversations': { of: 'POST /v1/conversations' },
  [`GET /v0.3${C}`]: { of: 'GET /v1/conversations/{conversation_id}' },
  [`PATCH /v0.3${C}`]: { of: 'PUT /v1/conversations/{conversation_id}' },
  [`DELETE /v0.3${C}`]: { of: 'DELETE /v1/conversations/{conversation_id}' },
  [`GET /v0.3${C}/members`]: { of: 'GET /v1/conversations/{conversation_id}/members' },
  [`POST /v0.3${C}/members`]: { of: 'POST /v1/conversations/{conversation_id}/members' },
  [`GET /v0.3${C}/members/me`]: { of: 'GET /v1/conversations/{conversation_id}/members/me' },
  [`GET /v0.3${C}/members/{member_id}`]: {
    of: 'GET /v1/conversations/{conversation_id}/members/{member_id}',
  },
  [`PUT /v0.3${C}/members/{member_id}`]: {
    of: 'PATCH /v1/conversations/{conversation_id}/members/{member_id}',
    request: 'join',
  },
  [`DELETE /v0.2${C}/members/{member_id}`]: {
    of: 'PATCH /v1/conversations/{conversation_id}/members/{member_id}',
    request: 'leave',
    reply: 'empty',
  },
  [`GET /v0.3${C}/events`]: { of: 'GET /v1/conversations/{conversation_id}/events', reply: 'v0.3:events' },
  [`POST /v0.3${C}/events`]: { of: 'POST /v1/conversations/{conversation_id}/events' },
  [`DELETE /v0.3${C}/events/{event_id}`]: {
    of: 'DELETE /v1/conversations/{conversation_id}/events/{event_id}',
  },
  [`GET /v0.3${C}/legs`]: { of: 'GET /v1/conversations/{conversation_id}/legs' },
  'GET /v0.3/legs/{leg_id}': { of: 'GET /v1/legs/{leg_id}' },
  'GET /v0.3/users/{user_id}': { of: 'GET /v1/users/{user_id}' },
  'GET /v0.3/users/{user_id}/conversations': {
    of: 'GET /v1/users/{user_id}/conversations',
    reply: 'v0.3:conversations',
  },
};
