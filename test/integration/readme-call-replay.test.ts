/**
 * The README's "Replay a forwarded call" as written: the same webhooks with the same bodies, in the same
 * order. Midway (the callee answered) the `/beta` view is the seed's call-forward snapshot; once both hang
 * up, every leg's times come from one clock and no leg ends before it began.
 */
import { describe, expect, it } from 'vitest';
import { call } from '../support/api.ts';
import { eventPathOf, eventsOf, legOf, routeNumber, vonageAnswerGet, vonagePost } from '../support/voice.ts';

const INBOUND = '0d89bd9c18cd29e17910fb16122c6ffc';
const OUTBOUND = '7d103af4-cfa9-4180-b28f-776b2032b34e';
const T = (hms: string) => `2026-11-24T${hms}.000Z`;

const calleeStatus = (eventPath: string, status: string, timestamp: string, extra = {}) =>
  vonagePost(eventPath, {
    uuid: OUTBOUND,
    status,
    direction: 'outbound',
    from: 'Unknown',
    to: '447700000003',
    timestamp,
    ...extra,
  });

describe("the README's call replay", () => {
  it('shows the seed snapshot once the callee answers, then ends both legs on one clock', async () => {
    await routeNumber('447700000002', '447700000003');
    const answered = await vonageAnswerGet({
      to: '447700000002',
      from: '447700000001',
      uuid: INBOUND,
      conversation_uuid: 'CON-aaaaaaaa-bbbb-cccc-dddd-0123456789ab',
    });
    expect(answered.status).toBe(200);
    const eventPath = eventPathOf(answered.body);
    for (const s of ['started', 'ringing', 'answered'])
      expect((await calleeStatus(eventPath, s, T('10:00:05'))).status).toBe(200);
    const conversationId = new URL(eventPath, 'http://x').searchParams.get('conversation_id') as string;

    // The step the README adds: the /beta view while the call is up is the seed's snapshot.
    const beta = await call('GET', `/beta/conversations/${conversationId}`);
    expect(beta.status).toBe(200);
    const [caller, callee] = beta.body.members;
    expect(beta.body).toMatchObject({
      uuid: conversationId,
      name: expect.stringMatching(/^NAM-/),
      numbers: {},
      properties: { ttl: 172800, video: false },
      _links: { self: { href: `http://parley.test/beta/conversations/${conversationId}` } },
    });
    expect(caller).toMatchObject({
      member_id: expect.stringMatching(/^MEM-/),
      name: caller.user_id,
      state: 'JOINED',
      channel: {
        type: 'phone',
        id: INBOUND,
        from: { type: 'phone', number: '447700000001' },
        leg_ids: [INBOUND],
      },
      initiator: { joined: { isSystem: true } },
    });
    expect(callee).toMatchObject({
      name: expect.stringMatching(/^vapi-user-[0-9a-f]{32}$/),
      state: 'JOINED',
      timestamp: { invited: expect.any(String), joined: expect.any(String) },
      // The seed: invited by a user (the one the system acted as), not by the caller's member.
      invited_by: callee.user_id,
      channel: {
        type: 'phone',
        id: OUTBOUND,
        from: { type: 'phone', number: 'Unknown' },
        to: { type: 'phone', number: '447700000003' },
        leg_ids: [OUTBOUND],
        cpa: false,
        preanswer: false,
        ring_timeout: 60000,
        cpa_time: 5000,
        max_length: 7200000,
      },
      initiator: { invited: { isSystem: true } },
    });
    expect(callee.invited_by).toMatch(/^USR-/);

    // Both hang up, as the README sends it.
    const inboundDone = await vonagePost('/voice/vonage/event', {
      uuid: INBOUND,
      status: 'completed',
      direction: 'inbound',
      from: '447700000001',
      to: '447700000002',
      timestamp: T('10:01:05'),
      duration: '60',
    });
    expect(inboundDone.status).toBe(200);
    expect((await calleeStatus(eventPath, 'completed', T('10:01:05'), { duration: '60' })).status).toBe(200);

    for (const id of [INBOUND, OUTBOUND]) {
      const leg = (await legOf(id)).body;
      expect(leg.status, id).toBe('completed');
      const times = [leg.start_time, leg.answer_time, leg.end_time].filter(Boolean).map(Date.parse);
      expect(times, id).toEqual([...times].sort((a, b) => a - b));
      const dates = leg.status_history
        .filter((h: { applied: boolean }) => h.applied)
        .map((h: { date: string }) => Date.parse(h.date));
      expect(dates, id).toEqual([...dates].sort((a, b) => a - b));
      // Every time of these legs is the provider's: the webhooks carried timestamps.
      expect(leg.end_time, id).toBe(T('10:01:05'));
      expect(Date.parse(leg.start_time) <= Date.parse(leg.end_time), id).toBe(true);
    }
    expect((await legOf(OUTBOUND)).body).toMatchObject({
      start_time: T('10:00:05'),
      answer_time: T('10:00:05'),
      end_time: T('10:01:05'),
      duration: 60,
    });
    // A completed leg's state is the v1 document's `leg_status_complete`: `reason` is one word.
    const events = await eventsOf(conversationId);
    const ends = events.filter(
      (e: { type: string; body: { status?: string } }) =>
        e.type === 'leg:status:update' && e.body.status === 'completed',
    );
    expect(
      ends.map((e: { body: { leg_id: string; state: unknown } }) => [e.body.leg_id, e.body.state]),
    ).toEqual([
      [INBOUND, { status: 'completed', successful: false, reason: 'ok' }],
      [OUTBOUND, { status: 'completed', successful: true, reason: 'ok' }],
    ]);
    const v01 = await call('GET', `/v0.1/conversations/${conversationId}`);
    expect(v01.body.members.map((m: { state: string }) => m.state)).toEqual(['LEFT', 'LEFT']);
  });
});
