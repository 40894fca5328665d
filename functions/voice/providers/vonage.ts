/**
 * Vonage Voice: the answer webhook (GET query string or POST JSON) gets an NCCO; the event webhook gets
 * call statuses. Signed webhooks carry an HS256 JWT whose `payload_hash` is the SHA-256 of the raw body.
 *
 * What the JWT does not cover is bound otherwise: its `iat` must be within `MAX_TOKEN_AGE_SECONDS` of now
 * (either way), so a captured webhook cannot be replayed later; a request whose fields are in its query
 * string (a GET answer) is trusted only if `payload_hash` is the hash of that query string, which Vonage
 * does not send, so with signing on the answer webhook must be POST; and the ids Parley puts into its own
 * `eventUrl` (`conversation_id`, `member_id`) carry an HMAC of their own (`sig`, under the same secret).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { errors as joseErrors, jwtVerify } from 'jose';
import { config } from '../../config.ts';
import type { AnswerRenderer, Bridge, Instructions } from '../../domain/calls.ts';
import { isLegStatus } from '../../domain/legs.ts';
import { invalidSignature, type Provider, type Webhook } from '../provider.ts';
import {
  bodyFieldsOf,
  callIdField,
  headerOf,
  providerTime,
  queryOf,
  requireFields,
  text,
} from '../webhook.ts';

const NAME = 'vonage';

/** Vonage's own statuses that are no leg status of a phone call (transfer, input, record, …) are ignored. */
const AMD_STATUSES = new Set(['machine', 'human']);

/** How far a signed webhook's `iat` may be from now, in the past or in the future. */
export const MAX_TOKEN_AGE_SECONDS = 300;

const sha256Hex = (raw: string): string => createHash('sha256').update(raw, 'utf8').digest('hex');

const sameText = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Verifies a Vonage signed-webhook JWT against the signature secret and what the request carries: its raw
 * body, or for a request without one its raw query string.
 */
export const verifyVonageSignature = async (
  authorization: string | undefined,
  raw: string,
  secret: string,
  query = '',
): Promise<boolean> => {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  if (!token) return false;
  let claims: Record<string, unknown>;
  try {
    ({ payload: claims } = await jwtVerify(token, new TextEncoder().encode(secret), {
      algorithms: ['HS256'],
      maxTokenAge: MAX_TOKEN_AGE_SECONDS,
      clockTolerance: MAX_TOKEN_AGE_SECONDS,
    }));
  } catch (error) {
    if (error instanceof joseErrors.JOSEError) return false;
    throw error;
  }
  const hash = claims.payload_hash;
  const payload = raw === '' ? query : raw;
  // What the request carries is trusted only with its hash; only an empty request may come without one.
  if (hash === undefined) return payload === '';
  return typeof hash === 'string' && sameText(hash.toLowerCase(), sha256Hex(payload));
};

/** The HMAC that binds the conversation and member ids of an `eventUrl` Parley built. */
const idsSignature = (secret: string, conversationId: string, memberId: string): string =>
  createHmac('sha256', secret)
    .update(`parley-event-url\n${conversationId}\n${memberId}`)
    .digest()
    .subarray(0, 16)
    .toString('base64url');

/** Fields of a webhook: the query string for GET, the JSON (or form) body for POST. */
const fieldsOf = (hook: Webhook): Record<string, unknown> =>
  hook.event.requestContext.http.method.toUpperCase() === 'GET'
    ? queryOf(hook.event)
    : bodyFieldsOf(hook.event, hook.raw);

const renderer = (base: string): AnswerRenderer => ({
  bridge(b: Bridge): Instructions {
    const eventUrl = new URL(`${base}/voice/vonage/event`);
    eventUrl.searchParams.set('conversation_id', b.conversationId);
    eventUrl.searchParams.set('member_id', b.calleeMemberId);
    const secret = config().vonageSignatureSecret;
    if (secret) eventUrl.searchParams.set('sig', idsSignature(secret, b.conversationId, b.calleeMemberId));
    const ncco = [
      {
        action: 'connect',
        ...(b.callerId ? { from: b.callerId } : {}),
        timeout: b.ringTimeoutSeconds,
        limit: Math.min(b.maxCallSeconds, 7200),
        eventUrl: [eventUrl.toString()],
        eventMethod: 'POST',
        endpoint: [{ type: 'phone', number: b.forwardTo }],
      },
    ];
    return { content_type: 'application/json', body: JSON.stringify(ncco) };
  },
  reject: () => ({
    content_type: 'application/json',
    body: JSON.stringify([{ action: 'talk', text: 'The number you have called is not in service.' }]),
  }),
  // Vonage shows only numbers of the account; without one set on the route the target sees "Unknown".
  presentedCallerId: (b) => b.callerId,
});

export const vonage: Provider = {
  name: NAME,

  async verify(hook) {
    const secret = config().vonageSignatureSecret;
    if (!secret) return;
    const authorization = headerOf(hook.event, 'authorization');
    if (!(await verifyVonageSignature(authorization, hook.raw, secret, hook.event.rawQueryString ?? '')))
      throw invalidSignature();
    // The ids of an eventUrl are Parley's, not Vonage's: they must carry Parley's own signature.
    const query = queryOf(hook.event);
    const { conversation_id: conversationId, member_id: memberId, sig = '' } = query;
    if (conversationId === undefined && memberId === undefined) return;
    if (!sameText(sig, idsSignature(secret, conversationId ?? '', memberId ?? ''))) throw invalidSignature();
  },

  parseAnswer(hook) {
    const f = fieldsOf(hook);
    const callId = callIdField(f, 'uuid');
    const from = text(f, 'from') ?? text(f, 'from_user');
    const to = text(f, 'to');
    requireFields({ uuid: callId, from, to });
    return {
      provider: NAME,
      callId: callId as string,
      from: from as string,
      to: to as string,
      providerParentId: callIdField(f, 'conversation_uuid'),
    };
  },

  parseStatus(hook) {
    const f = fieldsOf(hook);
    const query = queryOf(hook.event);
    const status = text(f, 'status');
    // Answering-machine results name the call `call_uuid`.
    const callId = callIdField(f, 'uuid') ?? callIdField(f, 'call_uuid');
    const amd = status !== undefined && AMD_STATUSES.has(status);
    const from = text(f, 'from');
    const to = text(f, 'to');
    requireFields(amd ? { uuid: callId, status } : { uuid: callId, status, from, to });
    if (!isLegStatus(status as string)) return { kind: 'ignored', callId, status: status as string };
    const at = providerTime(
      (status === 'completed' ? text(f, 'end_time') : undefined) ?? text(f, 'timestamp'),
    );
    const duration = text(f, 'duration');
    return {
      kind: 'status',
      report: {
        provider: NAME,
        callId: callId as string,
        status: status as never,
        providerStatus: status,
        at,
        detail: text(f, 'detail') ?? text(f, 'reason'),
        ...(duration !== undefined && /^\d+$/.test(duration) ? { duration: Number(duration) } : {}),
        from,
        to,
        providerParentId: callIdField(f, 'conversation_uuid'),
        conversationId: callIdField(query, 'conversation_id'),
        memberId: callIdField(query, 'member_id'),
      },
    };
  },

  renderer,
};
