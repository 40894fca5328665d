import { randomBytes } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resetConfig } from '../../functions/config.ts';
import { call } from '../support/api.ts';
import {
  BASE,
  conversationCount,
  eventsOf,
  legOf,
  routeNumber,
  statusCallbackOf,
  twilioPost,
  userCount,
} from '../support/voice.ts';

const CALLER = '+447700000101';
const TWILIO_NUMBER = '+447700000102';
const TARGET = '447700000103';
const T0 = Date.parse('2026-03-01T10:00:00.000Z');
/** Twilio's own timestamp format (RFC 2822). */
const at = (s: number) => new Date(T0 + s * 1000).toUTCString();
const iso = (s: number) => new Date(T0 + s * 1000).toISOString();
const sid = () => `CA${randomBytes(16).toString('hex')}`;

const answer = async (callSid = sid(), options: { token?: string } = {}) => {
  const res = await twilioPost(
    '/voice/twilio/answer',
    {
      AccountSid: 'AC0123456789abcdef0123456789abcdef',
      CallSid: callSid,
      CallStatus: 'ringing',
      Direction: 'inbound',
      From: CALLER,
      To: TWILIO_NUMBER,
      ApiVersion: '2010-04-01',
    },
    options,
  );
  expect(res.status).toBe(200);
  const callback = statusCallbackOf(res.text);
  const query = new URL(callback, BASE).searchParams;
  return {
    res,
    parent: callSid,
    child: sid(),
    callback,
    conversationId: query.get('conversation_id') as string,
    calleeMemberId: query.get('member_id') as string,
    seq: 0,
  };
};

type Call = Awaited<ReturnType<typeof answer>>;

const childStatus = (c: Call, status: string, s: number, extra: Record<string, string> = {}) =>
  twilioPost(c.callback, {
    CallSid: c.child,
    ParentCallSid: c.parent,
    CallStatus: status,
    From: CALLER,
    To: `+${TARGET}`,
    Direction: 'outbound-dial',
    Timestamp: at(s),
    SequenceNumber: String(c.seq++),
    ...extra,
  });

const parentStatus = (c: Call, status: string, s: number, extra: Record<string, string> = {}) =>
  twilioPost('/voice/twilio/status', {
    CallSid: c.parent,
    CallStatus: status,
    From: CALLER,
    To: TWILIO_NUMBER,
    Direction: 'inbound',
    Timestamp: at(s),
    ...extra,
  });

const legacy = (id: string) => call('GET', `/v0.1/conversations/${id}`);
const states = async (id: string) =>
  (await legacy(id)).body.members.map((m: { state: string }) => m.state) as string[];
const conversationState = async (id: string) => (await call('GET', `/v1/conversations/${id}`)).body.state;

beforeAll(async () => {
  await routeNumber(TWILIO_NUMBER, TARGET);
});

afterEach(() => {
  delete process.env.TWILIO_AUTH_TOKEN;
  resetConfig();
});

describe('Twilio voice: a forwarded call', () => {
  it('answers TwiML that dials the target with a status callback back to Parley', async () => {
    const c = await answer();
    expect(c.res.headers['content-type']).toBe('text/xml');
    expect(c.res.text).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response>' +
        `<Dial callerId="${CALLER}" timeout="60" timeLimit="7200">` +
        `<Number statusCallback="${BASE}/voice/twilio/status?conversation_id=${c.conversationId}&amp;member_id=${c.calleeMemberId}"` +
        ' statusCallbackEvent="initiated ringing answered completed" statusCallbackMethod="POST">' +
        `+${TARGET}</Number></Dial></Response>`,
    );
  });

  it('leaves two JOINED phone members, their legs and the events, then ends', async () => {
    const c = await answer();
    for (const [status, s] of [
      ['initiated', 1],
      ['ringing', 2],
      ['in-progress', 10],
    ] as const)
      expect((await childStatus(c, status, s)).status).toBe(200);

    const during = await legacy(c.conversationId);
    expect(during.body.members).toEqual([
      expect.objectContaining({
        state: 'JOINED',
        channel: {
          type: 'phone',
          id: c.parent,
          from: { type: 'phone', number: CALLER.slice(1) },
          to: { type: 'phone', number: TWILIO_NUMBER.slice(1) },
          leg_ids: [c.parent],
        },
        initiator: { joined: { isSystem: true } },
      }),
      expect.objectContaining({
        member_id: c.calleeMemberId,
        state: 'JOINED',
        channel: expect.objectContaining({
          id: c.child,
          leg_ids: [c.child],
          from: { type: 'phone', number: CALLER.slice(1) },
          to: { type: 'phone', number: TARGET },
        }),
      }),
    ]);

    await childStatus(c, 'completed', 70, { CallDuration: '60' });
    await parentStatus(c, 'completed', 70, { CallDuration: '70' });

    expect(await states(c.conversationId)).toEqual(['LEFT', 'LEFT']);
    expect(await conversationState(c.conversationId)).toBe('INACTIVE');
    const child = (await legOf(c.child)).body;
    expect(child).toMatchObject({
      provider: 'twilio',
      direction: 'outbound',
      status: 'completed',
      start_time: iso(1),
      answer_time: iso(10),
      end_time: iso(70),
      duration: 60,
    });
    expect(child.status_history).toEqual([
      { status: 'started', date: iso(1), applied: true, provider_status: 'initiated' },
      { status: 'ringing', date: iso(2), applied: true },
      { status: 'answered', date: iso(10), applied: true, provider_status: 'in-progress' },
      { status: 'completed', date: iso(70), applied: true },
    ]);
    expect((await legOf(c.parent)).body).toMatchObject({
      direction: 'inbound',
      status: 'completed',
      duration: 70,
    });
    const types = (await eventsOf(c.conversationId)).map((e) => e.type);
    expect(types).toEqual([
      'member:joined',
      'member:invited',
      'leg:status:update',
      'leg:status:update',
      'sip:ringing',
      'leg:status:update',
      'sip:answered',
      'member:joined',
      'leg:status:update',
      'sip:hangup',
      'member:left',
      'leg:status:update',
      'sip:hangup',
      'member:left',
    ]);
  });
});

describe('Twilio voice: a call that does not connect', () => {
  it('callee busy', async () => {
    const c = await answer();
    await childStatus(c, 'initiated', 1);
    await childStatus(c, 'busy', 2);
    expect(await states(c.conversationId)).toEqual(['JOINED', 'LEFT']);
    expect((await legOf(c.child)).body).toMatchObject({ status: 'busy', reason: { code: 'busy' } });
    await parentStatus(c, 'completed', 3);
    expect(await conversationState(c.conversationId)).toBe('INACTIVE');
  });

  it('callee no answer', async () => {
    const c = await answer();
    await childStatus(c, 'initiated', 1);
    await childStatus(c, 'ringing', 2);
    await childStatus(c, 'no-answer', 62);
    expect(await states(c.conversationId)).toEqual(['JOINED', 'LEFT']);
    expect((await legOf(c.child)).body.status_history.at(-1)).toEqual({
      status: 'unanswered',
      date: iso(62),
      applied: true,
      provider_status: 'no-answer',
    });
  });

  it('caller hangs up while the callee rings', async () => {
    const c = await answer();
    await childStatus(c, 'initiated', 1);
    await childStatus(c, 'ringing', 2);
    await parentStatus(c, 'completed', 4);
    expect(await states(c.conversationId)).toEqual(['LEFT', 'INVITED']);
    expect(await conversationState(c.conversationId)).toBe('ACTIVE');
    await childStatus(c, 'canceled', 4);
    expect(await states(c.conversationId)).toEqual(['LEFT', 'LEFT']);
    expect(await conversationState(c.conversationId)).toBe('INACTIVE');
    expect((await legOf(c.child)).body.status).toBe('cancelled');
  });
});

describe('Twilio voice: repeated and out-of-order input', () => {
  it('callbacks delivered out of order and twice move each leg forward only', async () => {
    const c = await answer();
    await childStatus(c, 'in-progress', 10);
    await childStatus(c, 'initiated', 1);
    await childStatus(c, 'ringing', 2);
    await childStatus(c, 'in-progress', 10);
    const leg = (await legOf(c.child)).body;
    expect(leg.status).toBe('answered');
    expect(
      leg.status_history.map((h: { status: string; applied: boolean }) => [h.status, h.applied]),
    ).toEqual([
      ['answered', true],
      ['started', false],
      ['ringing', false],
    ]);
    const types = (await eventsOf(c.conversationId)).map((e) => e.type);
    expect(types.filter((t) => t === 'member:joined')).toHaveLength(2);
    expect(types).not.toContain('sip:ringing');
  });

  it('a retried voice webhook, even concurrent, gets the same TwiML and creates nothing twice', async () => {
    const callSid = sid();
    const [conversations, users] = [await conversationCount(), await userCount()];
    const answers = await Promise.all(Array.from({ length: 6 }, () => answer(callSid)));
    for (const a of answers) expect(a.res.text).toBe(answers[0].res.text);
    expect(await conversationCount()).toBe(conversations + 1);
    expect(await userCount()).toBe(users + 2);
  });
});

describe('Twilio voice: bad input', () => {
  it('a call to a number with no route is rejected and nothing is stored', async () => {
    const before = await conversationCount();
    const CallSid = sid();
    const res = await twilioPost('/voice/twilio/answer', { CallSid, From: CALLER, To: '+447700999998' });
    expect(res.status).toBe(200);
    expect(res.text).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Reject/></Response>');
    expect(await conversationCount()).toBe(before);
    expect((await legOf(CallSid)).status).toBe(404);
  });

  it('a webhook missing CallSid or CallStatus is a 400 in the Vonage error shape', async () => {
    const res = await twilioPost('/voice/twilio/status', { From: CALLER, To: TWILIO_NUMBER });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('http:error:validation-fail');
    expect(res.body.invalid_parameters.map((p: { name: string }) => p.name)).toEqual([
      'CallSid',
      'CallStatus',
    ]);
  });

  it('a CallStatus named like an Object.prototype member is ignored and leaves the legs as they were', async () => {
    const c = await answer();
    await childStatus(c, 'initiated', 1);
    await childStatus(c, 'ringing', 2);
    const before = [(await legOf(c.child)).body, (await legOf(c.parent)).body];
    const events = await eventsOf(c.conversationId);
    for (const status of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      for (const res of [await childStatus(c, status, 3), await parentStatus(c, status, 3)]) {
        expect([200, 204, 400], res.text).toContain(res.status);
        if (res.status === 400)
          expect(Object.keys(res.body)).toEqual(expect.arrayContaining(['type', 'title', 'code', 'detail']));
      }
    }
    expect([(await legOf(c.child)).body, (await legOf(c.parent)).body]).toEqual(before);
    expect(await eventsOf(c.conversationId)).toEqual(events);
    expect(await states(c.conversationId)).toEqual(['JOINED', 'INVITED']);
  });

  it('a status for an unknown CallSid is accepted and writes nothing', async () => {
    const CallSid = sid();
    const res = await twilioPost('/voice/twilio/status', {
      CallSid,
      CallStatus: 'completed',
      From: CALLER,
      To: TWILIO_NUMBER,
    });
    expect(res.status).toBe(200);
    expect((await legOf(CallSid)).status).toBe(404);
  });
});

describe('Twilio voice: X-Twilio-Signature', () => {
  const TOKEN = 'twilio-auth-token-0123456789abcdef';
  const useToken = () => {
    process.env.TWILIO_AUTH_TOKEN = TOKEN;
    resetConfig();
  };

  it('refuses a missing or wrong signature with 401 and stores nothing', async () => {
    useToken();
    const before = await conversationCount();
    const fields = { CallSid: sid(), From: CALLER, To: TWILIO_NUMBER };
    expect((await twilioPost('/voice/twilio/answer', fields)).status).toBe(401);
    const wrong = await twilioPost('/voice/twilio/answer', fields, { token: 'not-the-token' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('system:error:invalid-signature');
    expect(await conversationCount()).toBe(before);
    expect((await twilioPost('/voice/twilio/answer', fields, { token: TOKEN })).status).toBe(200);
    expect(await conversationCount()).toBe(before + 1);
  });

  it('verifies status callbacks against the full URL, query string included', async () => {
    const c = await answer();
    useToken();
    const fields = {
      CallSid: c.child,
      ParentCallSid: c.parent,
      CallStatus: 'initiated',
      From: CALLER,
      To: TARGET,
    };
    // Signed for the URL without its query string: not what Twilio requested
    const { twilioSignature } = await import('../../functions/voice/providers/twilio.ts');
    const bad = twilioSignature(TOKEN, `${BASE}/voice/twilio/status`, fields);
    expect((await twilioPost(c.callback, fields, { signature: bad })).status).toBe(401);
    expect((await legOf(c.child)).status).toBe(404);
    expect((await twilioPost(c.callback, fields, { token: TOKEN })).status).toBe(200);
    expect((await legOf(c.child)).body.status).toBe('started');
  });
});
