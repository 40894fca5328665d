/**
 * Twilio Programmable Voice: the voice webhook (form-encoded) gets TwiML that dials the forward target;
 * the status callbacks of the parent call and of the dialled child come to one URL. Requests are signed
 * with `X-Twilio-Signature`: HMAC-SHA1 of the URL Twilio requested followed by the sorted form fields.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { config } from '../../config.ts';
import type { AnswerRenderer, Bridge, Instructions } from '../../domain/calls.ts';
import type { LegStatus } from '../../domain/legs.ts';
import { normalizeNumber } from '../../domain/numbers.ts';
import { invalidSignature, type Provider, type Webhook } from '../provider.ts';
import {
  callIdField,
  formOf,
  headerOf,
  providerTime,
  queryOf,
  requestedUrl,
  requireFields,
  text,
} from '../webhook.ts';

const NAME = 'twilio';

/** Twilio `CallStatus` → leg status; `queued` and `initiated` both mean the leg started. */
const STATUS = new Map<string, LegStatus>([
  ['queued', 'started'],
  ['initiated', 'started'],
  ['ringing', 'ringing'],
  ['in-progress', 'answered'],
  ['answered', 'answered'],
  ['completed', 'completed'],
  ['busy', 'busy'],
  ['no-answer', 'unanswered'],
  ['failed', 'failed'],
  ['canceled', 'cancelled'],
]);

/** The signature Twilio computes for a form POST (or a GET: no fields) to `url`. */
export const twilioSignature = (authToken: string, url: string, fields: Record<string, string>): string => {
  const data = Object.keys(fields)
    .sort()
    .reduce((acc, key) => acc + key + fields[key], url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
};

export const verifyTwilioSignature = (
  header: string | undefined,
  authToken: string,
  url: string,
  fields: Record<string, string>,
): boolean => {
  if (!header) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, fields));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
};

const fieldsOf = (hook: Webhook): Record<string, string> =>
  hook.event.requestContext.http.method.toUpperCase() === 'GET' ? queryOf(hook.event) : formOf(hook.raw);

const xml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const e164 = (digits: string): string => `+${digits}`;

const twiml = (inner: string): Instructions => ({
  content_type: 'text/xml',
  body: `<?xml version="1.0" encoding="UTF-8"?><Response>${inner}</Response>`,
});

const presentedCallerId = (b: Pick<Bridge, 'callerId' | 'callerNumber'>): string | undefined =>
  // A forwarded call may show the caller's own number; a withheld caller shows nothing.
  b.callerId ?? normalizeNumber(b.callerNumber);

const renderer = (base: string): AnswerRenderer => ({
  bridge(b: Bridge): Instructions {
    const callback = new URL(`${base}/voice/twilio/status`);
    callback.searchParams.set('conversation_id', b.conversationId);
    callback.searchParams.set('member_id', b.calleeMemberId);
    const callerId = presentedCallerId(b);
    const dial = [
      ...(callerId ? [`callerId="${xml(e164(callerId))}"`] : []),
      `timeout="${b.ringTimeoutSeconds}"`,
      `timeLimit="${b.maxCallSeconds}"`,
    ].join(' ');
    const number = [
      `statusCallback="${xml(callback.toString())}"`,
      'statusCallbackEvent="initiated ringing answered completed"',
      'statusCallbackMethod="POST"',
    ].join(' ');
    return twiml(`<Dial ${dial}><Number ${number}>${xml(e164(b.forwardTo))}</Number></Dial>`);
  },
  reject: () => twiml('<Reject/>'),
  presentedCallerId,
});

export const twilio: Provider = {
  name: NAME,

  async verify(hook) {
    const token = config().twilioAuthToken;
    if (!token) return;
    const fields = hook.event.requestContext.http.method.toUpperCase() === 'GET' ? {} : formOf(hook.raw);
    const url = requestedUrl(hook.event, hook.base);
    if (!verifyTwilioSignature(headerOf(hook.event, 'x-twilio-signature'), token, url, fields))
      throw invalidSignature();
  },

  parseAnswer(hook) {
    const f = fieldsOf(hook);
    const callId = callIdField(f, 'CallSid');
    const from = text(f, 'From');
    const to = text(f, 'To');
    requireFields({ CallSid: callId, From: from, To: to });
    return { provider: NAME, callId: callId as string, from: from as string, to: to as string };
  },

  parseStatus(hook) {
    const f = fieldsOf(hook);
    const query = queryOf(hook.event);
    const callId = callIdField(f, 'CallSid');
    const status = text(f, 'CallStatus');
    const from = text(f, 'From');
    const to = text(f, 'To');
    requireFields({ CallSid: callId, CallStatus: status, From: from, To: to });
    const mapped = STATUS.get(status as string);
    if (!mapped) return { kind: 'ignored', callId, status: status as string };
    const duration = text(f, 'CallDuration');
    return {
      kind: 'status',
      report: {
        provider: NAME,
        callId: callId as string,
        status: mapped,
        providerStatus: status,
        at: providerTime(text(f, 'Timestamp')),
        detail: text(f, 'SipResponseCode') ? `sip ${text(f, 'SipResponseCode')}` : undefined,
        ...(duration !== undefined && /^\d+$/.test(duration) ? { duration: Number(duration) } : {}),
        from,
        to,
        providerParentId: callIdField(f, 'ParentCallSid'),
        conversationId: callIdField(query, 'conversation_id'),
        memberId: callIdField(query, 'member_id'),
      },
    };
  },

  renderer,
};
