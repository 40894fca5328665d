/**
 * An alias route (aliases.ts): the endpoint's own handler run on a tidied request, its reply reshaped. Pure
 * mappings of JSON, nothing else: the use-case, its rules and its errors are the endpoint's.
 */
import type { RouteHandler } from '../http/route.ts';
import type { ApiEvent } from '../http/types.ts';
import type { AliasReply, AliasRequest } from './aliases.ts';

// biome-ignore lint/suspicious/noExplicitAny: reshaping JSON the presenters wrote.
type Json = any;

/** A receipt's or deletion's `event_id` as @vonage/client-sdk decodes it: a number (custom bodies stay). */
const numericEventId = (e: Json): Json =>
  /^(event:delete|(message|text):[a-z]+)$/.test(e.type) &&
  typeof e.body?.event_id === 'string' &&
  /^\d+$/.test(e.body.event_id)
    ? { ...e, body: { ...e.body, event_id: Number(e.body.event_id) } }
    : e;

/** `_embedded.<name>` → `_embedded.data.<name>`; the events list's bare array becomes `data.events`. */
const beta2 = (b: Json): Json => ({
  ...b,
  _embedded: { data: Array.isArray(b._embedded) ? { events: b._embedded } : b._embedded },
});

export const REPLIES: Record<Exclude<AliasReply, 'empty'>, (body: Json) => Json> = {
  uuid: (b) => ({ ...b, uuid: b.id }),
  beta2,
  'beta2:conversations': (b) =>
    beta2({
      ...b,
      _embedded: {
        conversations: b._embedded.conversations.map((c: Json) => ({
          ...c,
          member_id: c._embedded.id,
          state: c._embedded.state,
        })),
      },
    }),
  'v0.3:events': (b) => ({ ...b, _embedded: { events: b._embedded.map(numericEventId) } }),
  'v0.3:conversations': (b) => ({
    ...b,
    _embedded: {
      conversations: b._embedded.conversations.map((c: Json) => ({
        ...c,
        _embedded: { member: c._embedded },
      })),
    },
  }),
};

/** Deeper than any body an endpoint accepts: what lies below is left as sent, for validation to refuse. */
const NULLS_DEPTH = 20;

/** A JSON value without its `null`s (the SDKs send `null` for what they leave unset). */
const withoutNulls = (value: Json, depth = 0): Json => {
  if (depth > NULLS_DEPTH || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => withoutNulls(v, depth + 1));
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = withoutNulls(v, depth + 1);
  return out;
};

/**
 * The body the endpoint is given: the sent one without the SDKs' bookkeeping (`cid`,
 * `originating_session`) and `null`s, rewritten by `request`. A body that is not a JSON object is passed
 * on as it came, for the endpoint to refuse.
 */
export const aliasBody = (sent: Json, request?: AliasRequest): Json => {
  if (request === 'leave') return { state: 'left' };
  if (typeof sent !== 'object' || sent === null || Array.isArray(sent)) return sent;
  const { cid: _cid, originating_session: _session, ...rest } = withoutNulls(sent);
  return request === 'join' ? { state: rest.state ?? 'joined', from: rest.from } : rest;
};

const rewrite = (event: ApiEvent, request?: AliasRequest): void => {
  let body: string;
  try {
    const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : event.body;
    body = JSON.stringify(aliasBody(raw?.trim() ? JSON.parse(raw) : {}, request));
  } catch {
    // Not JSON, or too deep to write out again: the endpoint gets it as it came, and refuses it.
    return;
  }
  event.body = body;
  event.isBase64Encoded = false;
  if (request) event.headers = { ...event.headers, 'content-type': 'application/json' };
};

/** The handler of an alias: `target` (an endpoint's handler, its contract kept) with `request` and `reply`. */
export const aliasOf = (target: RouteHandler, reply?: AliasReply, request?: AliasRequest): RouteHandler => {
  const run: RouteHandler = async (event, context) => {
    if (event.body || request) rewrite(event, request);
    const result = await target(event, context);
    if (reply === 'empty') return { statusCode: 204 };
    if (!reply || !result.body) return result;
    return { ...result, body: JSON.stringify(REPLIES[reply](JSON.parse(result.body))) };
  };
  return Object.assign(run, { contract: target.contract });
};
