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

const C = '/v1/conversations/{conversation_id}';
const M = `${C}/members/{member_id}` as const;
const E = `${C}/events` as const;

/**
 * `[method and version, endpoint, reply, request]`: the alias's path is the endpoint's with `/v1` replaced
 * by the version.
 */
const TABLE: [string, ApiRouteKey, AliasReply?, AliasRequest?][] = [
  // ---- nexmo-client 9.x
  ['POST /beta', 'POST /v1/conversations', 'uuid'],
  ['DELETE /beta', `DELETE ${C}`],
  ['DELETE /beta', `PATCH ${M}`, 'empty', 'leave'],
  ['GET /beta', 'GET /v1/users/{user_id}'],
  ['GET /beta2', 'GET /v1/users/{user_id}/conversations', 'beta2:conversations'],
  ['GET /beta2', `GET ${C}/members`, 'beta2'],
  ['GET /beta2', `GET ${E}`, 'beta2'],
  ['DELETE /beta2', `DELETE ${E}/{event_id}`],
  // ---- both SDKs
  ['POST /v0.3', 'POST /v1/conversations'],
  ['GET /v0.3', `GET ${C}`],
  ['PATCH /v0.3', `PUT ${C}`],
  ['DELETE /v0.3', `DELETE ${C}`],
  ['GET /v0.3', `GET ${C}/members`],
  ['POST /v0.3', `POST ${C}/members`],
  ['GET /v0.3', `GET ${C}/members/me`],
  ['GET /v0.3', `GET ${M}`],
  ['PUT /v0.3', `PATCH ${M}`, undefined, 'join'],
  ['DELETE /v0.2', `PATCH ${M}`, 'empty', 'leave'],
  ['GET /v0.3', `GET ${E}`, 'v0.3:events'],
  ['POST /v0.3', `POST ${E}`],
  ['DELETE /v0.3', `DELETE ${E}/{event_id}`],
  ['GET /v0.3', `GET ${C}/legs`],
  ['GET /v0.3', 'GET /v1/legs/{leg_id}'],
  ['GET /v0.3', 'GET /v1/users/{user_id}'],
  ['GET /v0.3', 'GET /v1/users/{user_id}/conversations', 'v0.3:conversations'],
];

/** Every alias by its own `METHOD path`. */
export const aliases: Record<RouteKey, Alias> = Object.fromEntries(
  TABLE.map(([at, of, reply, request]) => [
    `${at}${of.slice(of.indexOf(' /v1') + 4)}`,
    { of, reply, request },
  ]),
);
