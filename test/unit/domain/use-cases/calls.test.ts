import { describe, expect, it } from 'vitest';
import {
  type AnswerRenderer,
  type Bridge,
  conversationIdOfCall,
  VOICE_CONVERSATION_TTL_S,
} from '../../../../functions/domain/calls.ts';
import type { LegStatus } from '../../../../functions/domain/legs.ts';
import {
  answerInboundCall,
  recordCallStatus,
  sweepOpenLegs,
} from '../../../../functions/domain/use-cases/calls.ts';
import { getLeg, listLegs } from '../../../../functions/domain/use-cases/legs.ts';
import { codeOf, memoryPorts } from '../../../support/memory-ports.ts';

const T0 = '2026-05-01T10:00:00.000Z';
const at = (s: number) => new Date(Date.parse(T0) + s * 1000).toISOString();
const INBOUND = 'in-0d89bd9c';
const OUTBOUND = 'out-7d103af4';
const CALLER = '447700000001';
const NUMBER = '447700000002';
const TARGET = '447700000003';

/** A provider that answers with the bridge it was asked for, as JSON. */
const renderer: AnswerRenderer = {
  bridge: (bridge) => ({ content_type: 'application/json', body: JSON.stringify({ bridge }) }),
  reject: () => ({ content_type: 'application/json', body: '{"reject":true}' }),
  presentedCallerId: (bridge) => bridge.callerId ?? bridge.callerNumber,
};

const routed = () => {
  const mem = memoryPorts();
  let now = T0;
  const deps = mem.deps({ now: () => now, maxCallSeconds: 600 });
  mem.seedRoute({ number: NUMBER, forward_to: TARGET, ring_timeout: 30, timestamp: { created: T0 } });
  return {
    mem,
    deps,
    setNow: (s: number) => {
      now = at(s);
    },
  };
};

const inbound = { provider: 'vonage', callId: INBOUND, from: CALLER, to: `+${NUMBER}` };

/** A routed number answered: the conversation, the caller's and the callee's member ids. */
const answered = async () => {
  const world = routed();
  const { instructions } = await answerInboundCall(world.deps, inbound, renderer);
  const { bridge } = JSON.parse(instructions.body) as { bridge: Bridge };
  const { conversationId, callerMemberId, calleeMemberId } = bridge;
  world.mem.writes.length = 0;
  /** A status report for the callee's (outbound) leg, with the hint its callback URL carries. */
  const callee = (status: LegStatus, s: number, extra: Record<string, unknown> = {}) =>
    recordCallStatus(world.deps, {
      provider: 'vonage',
      callId: OUTBOUND,
      status,
      at: at(s),
      to: TARGET,
      conversationId,
      memberId: calleeMemberId,
      ...extra,
    });
  /** A status report for the caller's (inbound) leg: only its call id. */
  const caller = (status: LegStatus, s: number) =>
    recordCallStatus(world.deps, { provider: 'vonage', callId: INBOUND, status, at: at(s) });
  return { ...world, conversationId, callerMemberId, calleeMemberId, callee, caller };
};

describe('Function: answerInboundCall', () => {
  it('creates one conversation with the caller JOINED, the target INVITED, the inbound leg and two events', async () => {
    // Prepare
    const { mem, deps } = routed();
    // Act
    const answer = await answerInboundCall(deps, inbound, renderer);
    // Assess
    expect(answer.outcome).toBe('created');
    const { bridge } = JSON.parse(answer.instructions.body) as { bridge: Bridge };
    expect(bridge).toMatchObject({ forwardTo: TARGET, ringTimeoutSeconds: 30, maxCallSeconds: 600 });
    const id = conversationIdOfCall('vonage', INBOUND);
    expect(bridge.conversationId).toBe(id);
    expect(mem.conversation(id)).toMatchObject({
      state: 'ACTIVE',
      sequence_number: 2,
      member_count: 2,
      properties: { ttl: VOICE_CONVERSATION_TTL_S },
    });
    expect(mem.member(id, bridge.callerMemberId)).toMatchObject({
      state: 'JOINED',
      channel: { type: 'phone', id: INBOUND, from: { number: CALLER }, to: { number: NUMBER } },
    });
    const callee = mem.member(id, bridge.calleeMemberId);
    // As in the seed's call-forward example: invited by the user the system acted as, the callee's own.
    expect(callee?.invited_by).toBe(callee?.user_id);
    expect(callee?.invited_by).toMatch(/^USR-/);
    expect(callee).toMatchObject({
      state: 'INVITED',
      channel: { to: { number: TARGET }, leg_ids: [] },
    });
    expect(mem.events(id).map((e) => e.type)).toEqual(['member:joined', 'member:invited']);
    expect(mem.leg(INBOUND)).toMatchObject({
      conversation_id: id,
      member_id: bridge.callerMemberId,
      direction: 'inbound',
      status: 'started',
      instructions: answer.instructions,
    });
    expect(mem.writes).toEqual([`calls.createCall ${INBOUND}`]);
  });

  it('answers a retried webhook with the same instructions and creates nothing', async () => {
    // Prepare
    const { mem, deps } = routed();
    const first = await answerInboundCall(deps, inbound, renderer);
    const before = mem.snapshot();
    // Act
    const again = await answerInboundCall(deps, inbound, renderer);
    // Assess
    expect(again).toEqual({ instructions: first.instructions, outcome: 'replayed' });
    expect(mem.snapshot()).toEqual(before);
    expect(mem.writes).toHaveLength(1);
  });

  it('rejects a call to a number without a route, and stores nothing', async () => {
    // Prepare
    const { mem, deps } = routed();
    const before = mem.snapshot();
    // Act
    const answer = await answerInboundCall(deps, { ...inbound, to: '447700000099' }, renderer);
    // Assess
    expect(answer).toEqual({ instructions: renderer.reject(), outcome: 'rejected' });
    expect(mem.snapshot()).toEqual(before);
    expect(mem.writes).toEqual([]);
  });
});

describe('Function: recordCallStatus', () => {
  it("attaches the callee's first leg report to its member and appends the leg's events", async () => {
    // Prepare
    const { mem, conversationId, calleeMemberId, callee } = await answered();
    // Act
    const result = await callee('ringing', 2);
    // Assess
    expect(result).toBe('moved');
    expect(mem.leg(OUTBOUND)).toMatchObject({
      conversation_id: conversationId,
      member_id: calleeMemberId,
      direction: 'outbound',
      status: 'ringing',
      to: TARGET,
    });
    expect(mem.member(conversationId, calleeMemberId)).toMatchObject({
      state: 'INVITED',
      channel: { id: OUTBOUND, leg_ids: [OUTBOUND] },
    });
    expect(
      mem
        .events(conversationId)
        .slice(2)
        .map((e) => e.type),
    ).toEqual(['leg:status:update', 'sip:ringing']);
    expect(
      mem
        .legsOf(conversationId)
        .map((l) => l.id)
        .sort(),
    ).toEqual([INBOUND, OUTBOUND].sort());
  });

  it('makes the callee JOINED when its leg answers', async () => {
    // Prepare
    const { mem, conversationId, calleeMemberId, callee } = await answered();
    await callee('ringing', 2);
    // Act
    const result = await callee('answered', 5);
    // Assess
    expect(result).toBe('moved');
    expect(mem.member(conversationId, calleeMemberId)?.state).toBe('JOINED');
    expect(
      mem
        .events(conversationId)
        .slice(4)
        .map((e) => e.type),
    ).toEqual(['leg:status:update', 'sip:answered', 'member:joined']);
    expect(mem.conversation(conversationId)?.member_count).toBe(2);
  });

  it('adds nothing for a duplicate, and only history for a late status', async () => {
    // Prepare
    const { mem, conversationId, callee } = await answered();
    await callee('ringing', 2);
    await callee('answered', 5);
    const events = mem.events(conversationId).length;
    mem.writes.length = 0;
    // Act
    const duplicate = await callee('answered', 5);
    const written = mem.writes.length;
    const late = await callee('started', 1);
    // Assess
    expect([duplicate, late]).toEqual(['duplicate', 'recorded']);
    expect(written).toBe(0);
    expect(mem.leg(OUTBOUND)).toMatchObject({ status: 'answered' });
    expect(mem.leg(OUTBOUND)?.status_history.at(-1)).toMatchObject({ status: 'started', applied: false });
    expect(mem.events(conversationId)).toHaveLength(events);
  });

  it('makes each member LEFT as its leg ends, and the conversation INACTIVE with an expiry once all have', async () => {
    // Prepare
    const { mem, setNow, conversationId, callerMemberId, calleeMemberId, callee, caller } = await answered();
    await callee('ringing', 2);
    await callee('answered', 5);
    // Act
    setNow(65);
    const callerEnds = await caller('completed', 65);
    const afterCaller = mem.conversation(conversationId);
    const calleeEnds = await callee('completed', 65);
    // Assess
    expect([callerEnds, calleeEnds]).toEqual(['moved', 'moved']);
    expect(afterCaller).toMatchObject({ state: 'ACTIVE', member_count: 1 });
    expect(mem.member(conversationId, callerMemberId)?.state).toBe('LEFT');
    expect(mem.member(conversationId, calleeMemberId)?.state).toBe('LEFT');
    expect(mem.conversation(conversationId)).toMatchObject({
      state: 'INACTIVE',
      member_count: 0,
      expires_at: new Date(Date.parse(at(65)) + VOICE_CONVERSATION_TTL_S * 1000).toISOString(),
    });
    expect(mem.leg(OUTBOUND)).toMatchObject({ status: 'completed', duration: 60 });
  });

  it('lets an invited callee without a leg leave with the caller, cancelled', async () => {
    // Prepare
    const { mem, conversationId, calleeMemberId, caller } = await answered();
    // Act
    const result = await caller('completed', 10);
    // Assess
    expect(result).toBe('moved');
    expect(mem.member(conversationId, calleeMemberId)).toMatchObject({
      state: 'LEFT',
      reason: { code: 'cancelled' },
    });
    expect(mem.conversation(conversationId)).toMatchObject({ state: 'INACTIVE', member_count: 0 });
  });

  it('ignores a report for an unknown call, or a second call id for a member that has a leg', async () => {
    // Prepare
    const { mem, deps, conversationId, calleeMemberId, callee } = await answered();
    await callee('ringing', 2);
    const before = mem.snapshot();
    mem.writes.length = 0;
    // Act
    const unknown = await recordCallStatus(deps, {
      provider: 'vonage',
      callId: 'nobody',
      status: 'ringing',
      at: at(3),
    });
    const secondLeg = await recordCallStatus(deps, {
      provider: 'vonage',
      callId: 'out-other',
      status: 'ringing',
      at: at(3),
      conversationId,
      memberId: calleeMemberId,
    });
    // Assess
    expect([unknown, secondLeg]).toEqual(['unknown', 'unknown']);
    expect(mem.writes).toEqual([]);
    expect(mem.snapshot()).toEqual(before);
  });

  it('still ends a leg whose conversation was deleted under the call', async () => {
    // Prepare
    const { mem, conversationId, caller } = await answered();
    await mem.ports.conversations.remove(conversationId, () => {});
    // Act
    const result = await caller('completed', 30);
    // Assess
    expect(result).toBe('moved');
    expect(mem.leg(INBOUND)).toMatchObject({ status: 'completed' });
    expect(mem.conversation(conversationId)).toBeUndefined();
  });
});

describe('Function: sweepOpenLegs', () => {
  it('closes, as timeout, the legs still open after the longest call, and no others', async () => {
    // Prepare: the inbound leg started at T0, the callee's 500 s later; calls last at most 600 s.
    const { mem, deps, setNow, conversationId, callee } = await answered();
    await callee('ringing', 500);
    setNow(601);
    // Act
    const report = await sweepOpenLegs(deps);
    // Assess
    expect(report).toMatchObject({ cutoff: at(1), seen: 1, closed: 1, failed: [] });
    expect(mem.leg(INBOUND)).toMatchObject({ status: 'timeout', end_time: at(601) });
    expect(mem.leg(INBOUND)?.status_history.at(-1)).toMatchObject({
      status: 'timeout',
      detail: 'max_length',
    });
    expect(mem.leg(OUTBOUND)?.status).toBe('ringing');
    expect(mem.events(conversationId).map((e) => e.type)).toContain('sip:hangup');
  });

  it('finds nothing to close before any leg outlives the longest call', async () => {
    // Prepare
    const { mem, deps, setNow } = await answered();
    setNow(600);
    // Act
    const report = await sweepOpenLegs(deps);
    // Assess
    expect(report).toMatchObject({ seen: 0, closed: 0 });
    expect(mem.writes).toEqual([]);
  });
});

describe('Function: getLeg / listLegs', () => {
  it("shows a call's legs to an admin, and tells a user who may not see its conversation that none exists", async () => {
    // Prepare
    const { mem, deps, conversationId } = await answered();
    mem.seedUser('alice');
    // Act
    const leg = await getLeg(deps, { kind: 'admin' }, INBOUND);
    const listed = await listLegs(deps, { kind: 'admin' }, conversationId, { order: 'asc', pageSize: 10 });
    const codes = [
      await codeOf(getLeg(deps, { kind: 'user', name: 'alice' }, INBOUND)),
      await codeOf(
        listLegs(deps, { kind: 'user', name: 'alice' }, conversationId, { order: 'asc', pageSize: 10 }),
      ),
      await codeOf(getLeg(deps, { kind: 'admin' }, 'nobody')),
    ];
    // Assess
    expect(leg.id).toBe(INBOUND);
    expect(listed.items.map((l) => l.id)).toEqual([INBOUND]);
    expect(codes).toEqual(['leg:error:not-found', 'conversation:error:not-found', 'leg:error:not-found']);
  });
});
