import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resetConfig } from '../../functions/config.ts';
import { call } from '../support/api.ts';
import {
  BASE,
  conversationCount,
  eventPathOf,
  eventsOf,
  legOf,
  routeNumber,
  userCount,
  vonageAnswerGet,
  vonageJwt,
  vonagePost,
} from '../support/voice.ts';

const CALLER = '447700000001';
const VONAGE_NUMBER = '447700000002';
const TARGET = '447700000003';
const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

/** The answer webhook of a new call; returns what Parley told Vonage and the ids it carries. */
const answer = async (uuid = randomUUID().replace(/-/g, '')) => {
  const res = await vonageAnswerGet({
    to: VONAGE_NUMBER,
    from: CALLER,
    uuid,
    conversation_uuid: `CON-${randomUUID()}`,
  });
  expect(res.status).toBe(200);
  const eventPath = eventPathOf(res.body);
  const query = new URL(eventPath, BASE).searchParams;
  return {
    res,
    inbound: uuid,
    callee: randomUUID(),
    eventPath,
    conversationId: query.get('conversation_id') as string,
    calleeMemberId: query.get('member_id') as string,
  };
};

type Call = Awaited<ReturnType<typeof answer>>;

const inboundEvent = (c: Call, status: string, s: number, extra: Record<string, unknown> = {}) =>
  vonagePost('/voice/vonage/event', {
    from: CALLER,
    to: VONAGE_NUMBER,
    uuid: c.inbound,
    conversation_uuid: 'CON-aaaaaaaa-bbbb-cccc-dddd-0123456789ab',
    status,
    direction: 'inbound',
    timestamp: at(s),
    ...extra,
  });

const calleeEvent = (c: Call, status: string, s: number, extra: Record<string, unknown> = {}) =>
  vonagePost(c.eventPath, {
    from: VONAGE_NUMBER,
    to: TARGET,
    uuid: c.callee,
    conversation_uuid: 'CON-aaaaaaaa-bbbb-cccc-dddd-0123456789ab',
    status,
    direction: 'outbound',
    timestamp: at(s),
    ...extra,
  });

const legacy = (id: string) => call('GET', `/beta/conversations/${id}`);
const memberOf = (body: { members: { member_id: string }[] }, id: string) =>
  // biome-ignore lint/suspicious/noExplicitAny: a member of a JSON response body
  body.members.find((m) => m.member_id === id) as Record<string, any>;

beforeAll(async () => {
  await routeNumber(`+${VONAGE_NUMBER}`, TARGET);
});

afterEach(() => {
  delete process.env.VONAGE_SIGNATURE_SECRET;
  resetConfig();
});

describe('Vonage voice: a forwarded call', () => {
  it('answers with an NCCO connect to the forward target whose eventUrl carries the conversation and member', async () => {
    const c = await answer();
    expect(c.res.headers['content-type']).toBe('application/json');
    expect(c.res.body).toEqual([
      {
        action: 'connect',
        timeout: 60,
        limit: 7200,
        eventUrl: [
          `${BASE}/voice/vonage/event?conversation_id=${c.conversationId}&member_id=${c.calleeMemberId}`,
        ],
        eventMethod: 'POST',
        endpoint: [{ type: 'phone', number: TARGET }],
      },
    ]);
    expect(c.conversationId).toMatch(/^CON-[0-9a-f-]{36}$/);
    expect(c.calleeMemberId).toMatch(/^MEM-[0-9a-f-]{36}$/);
  });

  it('leaves one conversation with two JOINED phone members and their legs, shaped like the seed', async () => {
    // Prepare
    const c = await answer('0d89bd9c18cd29e17910fb16122c6ffc');
    // Act: the statuses Vonage sends for a forwarded call that is answered and then hung up
    for (const [send, status, s] of [
      [inboundEvent, 'started', 0],
      [inboundEvent, 'ringing', 0],
      [calleeEvent, 'started', 1],
      [calleeEvent, 'ringing', 2],
      [calleeEvent, 'answered', 11],
      [inboundEvent, 'answered', 11],
    ] as const) {
      expect((await send(c, status, s)).status).toBe(200);
    }
    const during = await legacy(c.conversationId);
    await calleeEvent(c, 'completed', 71, { duration: '60', start_time: at(11), end_time: at(71) });
    await inboundEvent(c, 'completed', 71, { duration: '71', start_time: at(0), end_time: at(71) });

    // Assess: the seed's shape (call-forward example), field by field
    expect(during.status).toBe(200);
    const seedKeys = [
      'uuid',
      'name',
      'timestamp',
      'sequence_number',
      'numbers',
      'properties',
      'members',
      '_links',
    ];
    for (const k of seedKeys) expect(during.body).toHaveProperty(k);
    expect(during.body.uuid).toBe(c.conversationId);
    expect(during.body.name).toMatch(/^NAM-[0-9a-f-]{36}$/);
    expect(during.body.numbers).toEqual({});
    expect(during.body.properties).toEqual({ ttl: 172800, video: false });
    expect(during.body.timestamp.created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(during.body._links.self.href).toBe(`${BASE}/beta/conversations/${c.conversationId}`);
    expect(during.body.members).toHaveLength(2);
    const [caller, callee] = during.body.members;
    expect(caller).toEqual({
      member_id: expect.stringMatching(/^MEM-/),
      user_id: expect.stringMatching(/^USR-/),
      name: caller.user_id,
      state: 'JOINED',
      timestamp: { joined: expect.any(String) },
      channel: {
        type: 'phone',
        id: '0d89bd9c18cd29e17910fb16122c6ffc',
        from: { type: 'phone', number: CALLER },
        to: { type: 'phone', number: VONAGE_NUMBER },
        leg_ids: ['0d89bd9c18cd29e17910fb16122c6ffc'],
      },
      initiator: { joined: { isSystem: true } },
    });
    expect(callee).toEqual({
      member_id: c.calleeMemberId,
      user_id: expect.stringMatching(/^USR-/),
      name: expect.stringMatching(/^vapi-user-[0-9a-f]{32}$/),
      state: 'JOINED',
      timestamp: { invited: expect.any(String), joined: expect.any(String) },
      invited_by: callee.user_id,
      channel: {
        type: 'phone',
        id: c.callee,
        from: { type: 'phone', number: 'Unknown' },
        to: { type: 'phone', number: TARGET },
        leg_ids: [c.callee],
        cpa: false,
        preanswer: false,
        ring_timeout: 60000,
        cpa_time: 5000,
        max_length: 7200000,
      },
      initiator: { invited: { isSystem: true }, joined: { isSystem: true } },
    });
    // Twelve events before the hang-ups (listed below)
    expect(during.body.sequence_number).toBe(12);

    // v0.1 is the same view under its own prefix; v1 shows the conversation ended
    const v01 = await call('GET', `/v0.1/conversations/${c.conversationId}`);
    expect(v01.status).toBe(200);
    expect(v01.body._links.self.href).toBe(`${BASE}/v0.1/conversations/${c.conversationId}`);
    expect(v01.body.members.map((m: { state: string }) => m.state)).toEqual(['LEFT', 'LEFT']);
    const v1 = await call('GET', `/v1/conversations/${c.conversationId}`);
    expect(v1.body.state).toBe('INACTIVE');

    // The events, in order
    const events = await eventsOf(c.conversationId);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events.map((e) => [e.type, e.body.leg_id ?? e.body.member_id, e.body.status])).toEqual([
      ['member:joined', caller.member_id, undefined],
      ['member:invited', callee.member_id, undefined],
      ['leg:status:update', c.inbound, 'ringing'],
      ['sip:ringing', undefined, undefined],
      ['leg:status:update', c.callee, 'started'],
      ['leg:status:update', c.callee, 'ringing'],
      ['sip:ringing', undefined, undefined],
      ['leg:status:update', c.callee, 'answered'],
      ['sip:answered', undefined, undefined],
      ['member:joined', callee.member_id, undefined],
      ['leg:status:update', c.inbound, 'answered'],
      ['sip:answered', undefined, undefined],
      ['leg:status:update', c.callee, 'completed'],
      ['sip:hangup', undefined, undefined],
      ['member:left', callee.member_id, undefined],
      ['leg:status:update', c.inbound, 'completed'],
      ['sip:hangup', undefined, undefined],
      ['member:left', caller.member_id, undefined],
    ]);
    const final = await call('GET', `/v1/conversations/${c.conversationId}`);
    expect(final.body.sequence_number).toBe(events.length);

    // The legs
    const inboundLeg = await legOf(c.inbound);
    expect(inboundLeg.status).toBe(200);
    expect(inboundLeg.body).toMatchObject({
      id: c.inbound,
      provider: 'vonage',
      conversation_id: c.conversationId,
      member_id: caller.member_id,
      direction: 'inbound',
      from: { type: 'phone', number: CALLER },
      to: { type: 'phone', number: VONAGE_NUMBER },
      status: 'completed',
      answer_time: at(11),
      end_time: at(71),
      duration: 71,
      _links: { self: { href: `${BASE}/v1/legs/${c.inbound}` } },
    });
    expect(inboundLeg.body.status_history.map((h: { status: string }) => h.status)).toEqual([
      'started',
      'ringing',
      'answered',
      'completed',
    ]);
    const calleeLeg = await legOf(c.callee);
    expect(calleeLeg.body).toMatchObject({
      id: c.callee,
      direction: 'outbound',
      member_id: callee.member_id,
      to: { type: 'phone', number: TARGET },
      status: 'completed',
      start_time: at(1),
      duration: 60,
    });
    const listed = await call('GET', `/v1/conversations/${c.conversationId}/legs`);
    expect(listed.status).toBe(200);
    expect(listed.body._embedded.legs.map((l: { id: string }) => l.id).sort()).toEqual(
      [c.inbound, c.callee].sort(),
    );
  });

  it('accepts the answer webhook as a POST with a JSON body', async () => {
    const uuid = randomUUID();
    const res = await vonagePost('/voice/vonage/answer', { to: VONAGE_NUMBER, from: CALLER, uuid });
    expect(res.status).toBe(200);
    expect(res.body[0].action).toBe('connect');
    expect((await legOf(uuid)).body.direction).toBe('inbound');
  });
});

describe('Vonage voice: a call that does not connect', () => {
  it('callee busy: the callee leaves with the reason, the call ends when the caller hangs up', async () => {
    const c = await answer();
    await calleeEvent(c, 'started', 1);
    await calleeEvent(c, 'busy', 2);
    let view = await legacy(c.conversationId);
    expect(memberOf(view.body, c.calleeMemberId).state).toBe('LEFT');
    expect(view.body.members[0].state).toBe('JOINED');
    expect((await call('GET', `/v1/conversations/${c.conversationId}`)).body.state).toBe('ACTIVE');
    expect((await legOf(c.callee)).body).toMatchObject({
      status: 'busy',
      duration: 0,
      reason: { code: 'busy' },
    });

    await inboundEvent(c, 'completed', 3);
    view = await legacy(c.conversationId);
    expect(view.body.members.map((m: { state: string }) => m.state)).toEqual(['LEFT', 'LEFT']);
    expect((await call('GET', `/v1/conversations/${c.conversationId}`)).body.state).toBe('INACTIVE');
    const types = (await eventsOf(c.conversationId)).map((e) => e.type);
    expect(types.slice(2)).toEqual([
      'leg:status:update',
      'leg:status:update',
      'sip:hangup',
      'member:left',
      'leg:status:update',
      'sip:hangup',
      'member:left',
    ]);
  });

  it('callee no answer: timeout ends the callee leg unanswered', async () => {
    const c = await answer();
    await calleeEvent(c, 'started', 1);
    await calleeEvent(c, 'ringing', 2);
    await calleeEvent(c, 'timeout', 62);
    const view = await legacy(c.conversationId);
    expect(memberOf(view.body, c.calleeMemberId)).toMatchObject({
      state: 'LEFT',
      timestamp: { left: expect.any(String) },
    });
    expect(memberOf(view.body, c.calleeMemberId).timestamp.joined).toBeUndefined();
    expect((await legOf(c.callee)).body).toMatchObject({ status: 'timeout', end_time: at(62), duration: 0 });
  });

  it('caller hangs up while the callee rings: the callee leg is cancelled and the conversation ends', async () => {
    const c = await answer();
    await calleeEvent(c, 'started', 1);
    await calleeEvent(c, 'ringing', 2);
    await inboundEvent(c, 'completed', 5);
    // The callee still rings: its member stays until its own leg ends
    let view = await legacy(c.conversationId);
    expect(memberOf(view.body, c.calleeMemberId).state).toBe('INVITED');
    expect((await call('GET', `/v1/conversations/${c.conversationId}`)).body.state).toBe('ACTIVE');
    await calleeEvent(c, 'cancelled', 5);
    view = await legacy(c.conversationId);
    expect(view.body.members.map((m: { state: string }) => m.state)).toEqual(['LEFT', 'LEFT']);
    expect((await call('GET', `/v1/conversations/${c.conversationId}`)).body.state).toBe('INACTIVE');
  });

  it('caller hangs up before the callee leg starts: the invited member leaves with the call', async () => {
    const c = await answer();
    await inboundEvent(c, 'completed', 1);
    const view = await legacy(c.conversationId);
    expect(memberOf(view.body, c.calleeMemberId)).toMatchObject({ state: 'LEFT' });
    expect((await call('GET', `/v1/conversations/${c.conversationId}`)).body.state).toBe('INACTIVE');
  });
});

describe('Vonage voice: repeated and out-of-order input', () => {
  it('a late ringing after answered is recorded in the history and changes nothing else', async () => {
    const c = await answer();
    await calleeEvent(c, 'started', 1);
    await calleeEvent(c, 'answered', 5);
    const before = await call('GET', `/v1/conversations/${c.conversationId}`);
    const res = await calleeEvent(c, 'ringing', 2);
    expect(res.status).toBe(200);
    const after = await call('GET', `/v1/conversations/${c.conversationId}`);
    expect(after.body.sequence_number).toBe(before.body.sequence_number);
    const leg = (await legOf(c.callee)).body;
    expect(leg.status).toBe('answered');
    expect(
      leg.status_history.map((h: { status: string; applied: boolean }) => [h.status, h.applied]),
    ).toEqual([
      ['started', true],
      ['answered', true],
      ['ringing', false],
    ]);
    expect(memberOf((await legacy(c.conversationId)).body, c.calleeMemberId).state).toBe('JOINED');
  });

  it('anything after a terminal status is only recorded; a duplicate webhook adds nothing', async () => {
    const c = await answer();
    await calleeEvent(c, 'started', 1);
    await calleeEvent(c, 'answered', 2);
    await calleeEvent(c, 'answered', 2);
    await calleeEvent(c, 'completed', 9);
    await calleeEvent(c, 'completed', 9);
    const seq = (await call('GET', `/v1/conversations/${c.conversationId}`)).body.sequence_number;
    await calleeEvent(c, 'busy', 10);
    await calleeEvent(c, 'busy', 10);
    expect((await call('GET', `/v1/conversations/${c.conversationId}`)).body.sequence_number).toBe(seq);
    const leg = (await legOf(c.callee)).body;
    expect(leg).toMatchObject({ status: 'completed', end_time: at(9), duration: 7 });
    expect(leg.status_history.map((h: { status: string }) => h.status)).toEqual([
      'started',
      'answered',
      'completed',
      'busy',
    ]);
    const types = (await eventsOf(c.conversationId)).map((e) => e.type);
    expect(types.filter((t) => t === 'member:left')).toHaveLength(1);
  });

  it('concurrent statuses of the same leg all land, ids stay gap-free', async () => {
    const c = await answer();
    await calleeEvent(c, 'started', 1);
    await Promise.all([
      calleeEvent(c, 'ringing', 2),
      inboundEvent(c, 'ringing', 2),
      inboundEvent(c, 'answered', 3),
    ]);
    const events = await eventsOf(c.conversationId);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect((await legOf(c.inbound)).body.status).toBe('answered');
    expect((await legOf(c.callee)).body.status).toBe('ringing');
  });

  it('a status racing posts to its conversation commits with them, ids stay gap-free', async () => {
    const c = await answer();
    await calleeEvent(c, 'started', 1);
    const [status, ...posts] = await Promise.all([
      calleeEvent(c, 'answered', 2),
      ...Array.from({ length: 10 }, (_, i) =>
        call('POST', `/v1/conversations/${c.conversationId}/events`, {
          body: { type: 'custom:note', body: { i } },
        }),
      ),
    ]);
    expect(status.status).toBe(200);
    expect(posts.map((r) => r.status)).toEqual(posts.map(() => 201));
    const events = await eventsOf(c.conversationId);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.type === 'custom:note')).toHaveLength(10);
    expect(events.filter((e) => e.type === 'member:joined')).toHaveLength(2);
    expect((await legOf(c.callee)).body.status).toBe('answered');
  });

  it('a retried answer webhook, even concurrent, gets the same NCCO and creates nothing twice', async () => {
    const uuid = randomUUID();
    const params = { to: VONAGE_NUMBER, from: CALLER, uuid };
    const [conversations, users] = [await conversationCount(), await userCount()];
    const answers = await Promise.all(Array.from({ length: 6 }, () => vonageAnswerGet(params)));
    const again = await vonageAnswerGet(params);
    for (const res of [...answers, again]) {
      expect(res.status).toBe(200);
      expect(res.text).toBe(answers[0].text);
    }
    expect(await conversationCount()).toBe(conversations + 1);
    expect(await userCount()).toBe(users + 2);
    const conversationId = new URL(answers[0].body[0].eventUrl[0]).searchParams.get(
      'conversation_id',
    ) as string;
    expect((await eventsOf(conversationId)).map((e) => e.type)).toEqual(['member:joined', 'member:invited']);
  });
});

describe('Vonage voice: bad input', () => {
  it('a call to a number with no route gets a talk NCCO and nothing is stored', async () => {
    const before = await conversationCount();
    const uuid = randomUUID();
    const res = await vonageAnswerGet({ to: '447700999999', from: CALLER, uuid });
    expect(res.status).toBe(200);
    expect(res.body).toEqual([{ action: 'talk', text: expect.any(String) }]);
    expect(await conversationCount()).toBe(before);
    expect((await legOf(uuid)).status).toBe(404);
  });

  it('an answer webhook missing its call id or numbers is a 400 in the Vonage error shape', async () => {
    const before = await conversationCount();
    const res = await vonageAnswerGet({ to: VONAGE_NUMBER });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      type: 'https://developer.nexmo.com/api/conversation#http:error:validation-fail',
      title: 'Bad request.',
      code: 'http:error:validation-fail',
      detail: 'Input validation failure.',
      instance: expect.any(String),
      invalid_parameters: [
        { name: 'uuid', reason: '"uuid" is required' },
        { name: 'from', reason: '"from" is required' },
      ],
    });
    expect(await conversationCount()).toBe(before);
  });

  it('a status webhook missing its status is a 400 and writes nothing', async () => {
    const c = await answer();
    const res = await vonagePost(c.eventPath, { uuid: c.callee, from: VONAGE_NUMBER, to: TARGET });
    expect(res.status).toBe(400);
    expect(res.body.invalid_parameters).toEqual([{ name: 'status', reason: '"status" is required' }]);
    expect((await legOf(c.callee)).status).toBe(404);
  });

  it('a status for an unknown call id is accepted and writes nothing', async () => {
    const uuid = randomUUID();
    const res = await vonagePost('/voice/vonage/event', {
      uuid,
      from: CALLER,
      to: VONAGE_NUMBER,
      status: 'answered',
    });
    expect(res.status).toBe(200);
    expect((await legOf(uuid)).status).toBe(404);
  });

  it("a status sent to another call's callback URL is applied to its own call only", async () => {
    // Prepare: two calls; call A's inbound leg reported under call B's conversation and callee
    const a = await answer();
    const b = await answer();
    const before = (await call('GET', `/v1/conversations/${b.conversationId}`)).body.sequence_number;
    // Act
    const res = await vonagePost(b.eventPath, {
      uuid: a.inbound,
      from: CALLER,
      to: VONAGE_NUMBER,
      status: 'completed',
      direction: 'inbound',
      timestamp: at(30),
    });
    // Assess: A's caller left and A ended; B and its callee are as they were
    expect(res.status).toBe(200);
    expect((await legOf(a.inbound)).body).toMatchObject({
      status: 'completed',
      conversation_id: a.conversationId,
    });
    expect((await call('GET', `/v1/conversations/${a.conversationId}`)).body.state).toBe('INACTIVE');
    const bNow = await call('GET', `/v1/conversations/${b.conversationId}`);
    expect(bNow.body).toMatchObject({ state: 'ACTIVE', sequence_number: before });
    const calleeOfB = memberOf((await legacy(b.conversationId)).body, b.calleeMemberId);
    expect(calleeOfB.state).toBe('INVITED');
    expect(calleeOfB.channel.leg_ids).toEqual([]);
  });

  it('an event that is no leg status (transfer) is accepted and ignored', async () => {
    const c = await answer();
    const seq = (await call('GET', `/v1/conversations/${c.conversationId}`)).body.sequence_number;
    const res = await inboundEvent(c, 'transfer', 1);
    expect(res.status).toBe(200);
    expect((await call('GET', `/v1/conversations/${c.conversationId}`)).body.sequence_number).toBe(seq);
  });
});

describe('Vonage voice: signed webhooks', () => {
  const SECRET = 'signature-secret-0123456789abcdef';
  const useSecret = () => {
    process.env.VONAGE_SIGNATURE_SECRET = SECRET;
    resetConfig();
  };
  /** A new call answered through a signed POST answer webhook (answer_method POST). */
  const signedAnswer = async () => {
    const uuid = randomUUID().replace(/-/g, '');
    const res = await vonagePost(
      '/voice/vonage/answer',
      { to: VONAGE_NUMBER, from: CALLER, uuid, conversation_uuid: `CON-${randomUUID()}` },
      { secret: SECRET },
    );
    expect(res.status).toBe(200);
    const eventPath = eventPathOf(res.body);
    const query = new URL(eventPath, BASE).searchParams;
    return {
      eventPath,
      callee: randomUUID(),
      conversationId: query.get('conversation_id') as string,
      memberId: query.get('member_id') as string,
    };
  };
  const started = (uuid: string) => ({
    from: VONAGE_NUMBER,
    to: TARGET,
    uuid,
    status: 'started',
    direction: 'outbound',
    timestamp: at(1),
  });

  it('refuses an unsigned or wrongly signed answer with 401 and stores nothing', async () => {
    useSecret();
    const before = await conversationCount();
    const body = { to: VONAGE_NUMBER, from: CALLER, uuid: randomUUID() };
    const unsigned = await vonagePost('/voice/vonage/answer', body);
    expect(unsigned.status).toBe(401);
    expect(unsigned.body.code).toBe('system:error:invalid-signature');
    const wrong = await vonagePost('/voice/vonage/answer', body, {
      secret: 'another-secret-0123456789abcdef',
    });
    expect(wrong.status).toBe(401);
    expect(await conversationCount()).toBe(before);
    expect((await legOf(body.uuid)).status).toBe(404);
    const signed = await vonagePost('/voice/vonage/answer', body, { secret: SECRET });
    expect(signed.status).toBe(200);
    expect(await conversationCount()).toBe(before + 1);
  });

  it('refuses a GET answer: its query string is not covered by the token, whatever it says', async () => {
    useSecret();
    const before = await conversationCount();
    const params = { to: VONAGE_NUMBER, from: CALLER, uuid: randomUUID() };
    // Without payload_hash, and with the hash of an empty body: neither binds the query string.
    const bare = await vonageAnswerGet(params, { secret: SECRET });
    const emptyHash = await vonageAnswerGet(params, {
      headers: { authorization: `Bearer ${await vonageJwt(SECRET, '')}` },
    });
    expect([bare.status, emptyHash.status]).toEqual([401, 401]);
    expect(await conversationCount()).toBe(before);
    expect((await legOf(params.uuid)).status).toBe(404);
  });

  it('refuses a token issued too long ago or in the future (a replay), and accepts a fresh one', async () => {
    useSecret();
    const body = { to: VONAGE_NUMBER, from: CALLER, uuid: randomUUID() };
    const raw = JSON.stringify(body);
    const now = Math.floor(Date.now() / 1000);
    for (const iat of [now - 365 * 86_400, now + 365 * 86_400, now - 3600]) {
      const token = await vonageJwt(SECRET, raw, { iat });
      const res = await vonagePost('/voice/vonage/answer', body, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(401);
    }
    expect((await legOf(body.uuid)).status).toBe(404);
    const fresh = await vonagePost('/voice/vonage/answer', body, {
      headers: { authorization: `Bearer ${await vonageJwt(SECRET, raw, { iat: now - 60 })}` },
    });
    expect(fresh.status).toBe(200);
  });

  it('refuses an event whose body does not match its payload_hash', async () => {
    useSecret();
    const c = await signedAnswer();
    const body = started(c.callee);
    const token = await vonageJwt(SECRET, JSON.stringify({ ...body, status: 'ringing' }));
    const tampered = await vonagePost(c.eventPath, body, { headers: { authorization: `Bearer ${token}` } });
    expect(tampered.status).toBe(401);
    expect((await legOf(c.callee)).status).toBe(404);
    const signed = await vonagePost(c.eventPath, body, { secret: SECRET });
    expect(signed.status).toBe(200);
    expect((await legOf(c.callee)).body.status).toBe('started');
  });

  it("refuses a signed status posted with another conversation's or member's ids: they are Parley's to sign", async () => {
    // Prepare: a call, and a chat conversation with an INVITED app member the attacker aims at.
    useSecret();
    const c = await signedAnswer();
    const chat = (await call('POST', '/v1/conversations', { body: {} })).body.id as string;
    const user = (await call('POST', '/v1/users', { body: { name: `chat-${randomUUID()}` } })).body.id;
    const member = await call('POST', `/v1/conversations/${chat}/members`, {
      body: { state: 'invited', user: { id: user }, channel: { type: 'app' } },
    });
    const other = (await signedAnswer()).memberId;
    // Act: the same validly signed body, to eventUrls with ids swapped or without Parley's signature.
    const sig = new URL(c.eventPath, BASE).searchParams.get('sig') as string;
    const forged = [
      `/voice/vonage/event?conversation_id=${chat}&member_id=${member.body.id}&sig=${sig}`,
      `/voice/vonage/event?conversation_id=${chat}&member_id=${member.body.id}`,
      `/voice/vonage/event?conversation_id=${c.conversationId}&member_id=${other}&sig=${sig}`,
      `/voice/vonage/event?conversation_id=${c.conversationId}&member_id=${c.memberId}`,
    ];
    const body = started(c.callee);
    const answers = [];
    for (const path of forged) answers.push((await vonagePost(path, body, { secret: SECRET })).status);
    // Assess
    expect(answers).toEqual([401, 401, 401, 401]);
    expect((await legOf(c.callee)).status).toBe(404);
    const target = await call('GET', `/v1/conversations/${chat}/members/${member.body.id}`);
    expect(target.body.state).toBe('INVITED');
    expect((await vonagePost(c.eventPath, body, { secret: SECRET })).status).toBe(200);
    expect((await legOf(c.callee)).body.status).toBe('started');
  });

  it('attaches a leg only to a dialled phone member: an app member named in the eventUrl is left alone', async () => {
    // Without a signature secret anyone may post statuses; still only a callee's member takes a leg.
    const chat = (await call('POST', '/v1/conversations', { body: {} })).body.id as string;
    const user = (await call('POST', '/v1/users', { body: { name: `app-${randomUUID()}` } })).body.id;
    const member = await call('POST', `/v1/conversations/${chat}/members`, {
      body: { state: 'invited', user: { id: user }, channel: { type: 'app' } },
    });
    const uuid = randomUUID();
    const res = await vonagePost(
      `/voice/vonage/event?conversation_id=${chat}&member_id=${member.body.id}`,
      started(uuid),
    );
    expect(res.status).toBe(200);
    expect((await legOf(uuid)).status).toBe(404);
    expect((await call('GET', `/v1/conversations/${chat}/members/${member.body.id}`)).body.state).toBe(
      'INVITED',
    );
  });
});
