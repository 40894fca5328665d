/**
 * Voice bridging: an inbound call to a routed number becomes one conversation with two phone members (the
 * caller JOINED, the forward target INVITED), and the provider's status reports move each leg and its
 * member until the call ends. Nothing here knows a provider or DynamoDB: providers render instructions,
 * the store commits what these rules decide.
 */
import { createHash, randomUUID } from 'node:crypto';
import { buildConversation, type Conversation } from './conversations.ts';
import { type ConversationEvent, memberEvent, type NewEvent } from './events.ts';
import {
  applyLegStatus,
  isTerminal,
  type Leg,
  type LegOutcome,
  type LegStatus,
  type LegStatusInput,
  startLeg,
} from './legs.ts';
import { buildMember, canMove, type Member } from './members.ts';
import { type NumberRoute, normalizeNumber } from './numbers.ts';
import type { PageCursor } from './page.ts';
import { retry } from './retry.ts';
import { buildUser, type User } from './users.ts';

/** Voice conversations live 48 hours after they end, as Vonage's (`properties.ttl`). */
export const VOICE_CONVERSATION_TTL_S = 172800;

/** A rendered provider answer: NCCO JSON, TwiML, … */
export interface Instructions {
  content_type: string;
  body: string;
}

/** What a provider needs to bridge the caller to the forward target. */
export interface Bridge {
  conversationId: string;
  callerMemberId: string;
  calleeMemberId: string;
  /** E.164 digits of the forward target. */
  forwardTo: string;
  /** E.164 digits shown to the target, when the route sets one. */
  callerId?: string;
  /** The caller's number as the provider sent it. */
  callerNumber: string;
  ringTimeoutSeconds: number;
  maxCallSeconds: number;
}

/** The provider side of answering a call. */
export interface AnswerRenderer {
  bridge(bridge: Bridge): Instructions;
  /** A valid answer that ends the call (a number Parley does not route). */
  reject(): Instructions;
  /** The number the target's phone shows, as the provider will present it (undefined: withheld). */
  presentedCallerId(
    bridge: Omit<Bridge, 'conversationId' | 'callerMemberId' | 'calleeMemberId'>,
  ): string | undefined;
}

export type CallMember = Member & { createdAt: string };

/** A call's conversation and its members, as read. */
export interface Call {
  conversation: Conversation;
  members: CallMember[];
}

/** Everything the answer webhook creates, in one transaction. */
export interface NewCall {
  conversation: Conversation;
  users: User[];
  members: Member[];
  events: ConversationEvent[];
  leg: Leg;
}

/** One status report's effect on a leg, its member(s) and the conversation's timeline. */
export interface LegChange {
  /** Undefined when the leg's conversation is gone (deleted): only the leg itself is written. */
  call?: Call;
  leg: Leg;
  /** The version of the leg as read; undefined for a leg written for the first time. */
  legVersionRead?: number;
  events: NewEvent[];
  members: { previous: CallMember; next: Member }[];
  memberCountDelta: number;
  /** Attributes of the conversation item to set (state, timestamps, expiry). */
  conversationSet?: Record<string, unknown>;
}

/** What the rules need from storage. */
export interface CallStore {
  /** The route of a number (when there is one to look up) and the leg of a call id, read together. */
  findRouteAndLeg(number: string | undefined, callId: string): Promise<{ route?: NumberRoute; leg?: Leg }>;
  getLeg(id: string): Promise<Leg | undefined>;
  /**
   * Writes a new call in one transaction; the inbound leg, keyed by the provider call id, is put only if
   * absent. Returns undefined when written, or the leg another request wrote first.
   */
  createCall(call: NewCall): Promise<Leg | undefined>;
  /**
   * A conversation with its members, and the leg `legId` if it belongs to that conversation, in one read
   * (the leg as its conversation's copy holds it, which is written with the leg in every transaction).
   */
  loadCall(conversationId: string, legId: string): Promise<{ call?: Call; leg?: Leg }>;
  /** Open legs that started before `cutoff` (ISO), oldest first, in pages of `limit`. */
  openLegsStartedBefore(
    cutoff: string,
    limit: number,
    start?: PageCursor,
  ): Promise<{ legs: Leg[]; next?: PageCursor }>;
  /** Commits a change conditioned on what was read; throws `ConversationChangedError` when something moved on. */
  commitLegChange(change: LegChange): Promise<void>;
}

export interface InboundCall {
  provider: string;
  callId: string;
  from: string;
  to: string;
  providerParentId?: string;
  maxCallSeconds: number;
  now: string;
}

const phone = (number: string) => ({ type: 'phone', number });

/** A number as members and legs show it: E.164 digits when it is one, the provider's text otherwise. */
const shownNumber = (raw: string): string => normalizeNumber(raw) ?? raw;

/**
 * The conversation id of an inbound call, derived from the provider's call id (a UUID v4 in form, from a
 * SHA-256 of the two). An inbound leg's status reports carry no id of Parley's, only the call id; knowing
 * the conversation from it lets one Query read the conversation, its members and the leg together. A
 * retried answer webhook derives the same id, so it can never make a second conversation either.
 */
export const conversationIdOfCall = (provider: string, callId: string): string => {
  const h = createHash('sha256').update(`parley-call\u0000${provider}\u0000${callId}`).digest();
  h[6] = (h[6] & 0x0f) | 0x40;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `CON-${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
};

/** The conversation, users, members, leg and first events of a call to a routed number. */
export const planInboundCall = (
  input: InboundCall,
  route: NumberRoute,
  renderer: AnswerRenderer,
): NewCall => {
  const { now } = input;
  const from = shownNumber(input.from);
  const to = route.number;
  const conversation = {
    ...buildConversation({ properties: { ttl: VOICE_CONVERSATION_TTL_S, video: false } }, now),
    id: conversationIdOfCall(input.provider, input.callId),
  };
  const callerUser = buildUser({}, now);
  // Vonage names the users it makes for dialled phones `vapi-user-<hex>`.
  const calleeUser = buildUser({ name: `vapi-user-${randomUUID().replace(/-/g, '')}` }, now);
  const bridgeBase = {
    forwardTo: route.forward_to,
    callerId: route.caller_id,
    callerNumber: input.from,
    ringTimeoutSeconds: route.ring_timeout,
    maxCallSeconds: input.maxCallSeconds,
  };
  const caller = buildMember({
    conversationId: conversation.id,
    userId: callerUser.id,
    userName: callerUser.name,
    state: 'JOINED',
    channel: { type: 'phone', id: input.callId, from: phone(from), to: phone(to), leg_ids: [input.callId] },
    initiator: { is_system: true },
    sequenceNumber: 0,
    messageCount: 0,
    now,
  });
  const presented = renderer.presentedCallerId(bridgeBase);
  const callee = buildMember({
    conversationId: conversation.id,
    userId: calleeUser.id,
    userName: calleeUser.name,
    state: 'INVITED',
    channel: {
      type: 'phone',
      from: phone(presented ? shownNumber(presented) : 'Unknown'),
      to: phone(route.forward_to),
      leg_ids: [],
      cpa: false,
      preanswer: false,
      ring_timeout: route.ring_timeout * 1000,
      cpa_time: 5000,
      max_length: input.maxCallSeconds * 1000,
    },
    // The system invites the callee acting as the callee's own user, as Vonage's call-forward example
    // shows (`invited_by` is that user's id): no member of the call invited it.
    invitedBy: calleeUser.id,
    initiator: { is_system: true },
    sequenceNumber: 1,
    messageCount: 0,
    now,
  });
  const events: ConversationEvent[] = [
    { ...memberEvent(caller, conversation, now), id: 1 },
    { ...memberEvent(callee, conversation, now, caller.id), id: 2 },
  ];
  const instructions = renderer.bridge({
    ...bridgeBase,
    conversationId: conversation.id,
    callerMemberId: caller.id,
    calleeMemberId: callee.id,
  });
  const leg = startLeg(
    {
      id: input.callId,
      provider: input.provider,
      conversation_id: conversation.id,
      member_id: caller.id,
      direction: 'inbound',
      from,
      to,
      provider_parent_id: input.providerParentId,
      instructions,
    },
    // The answer webhook carries no timestamp: the inbound leg runs on the server's clock.
    { status: 'started', receivedAt: now },
  );
  return {
    conversation: { ...conversation, sequence_number: events.length, member_count: 2 },
    users: [callerUser, calleeUser],
    members: [caller, callee],
    events,
    leg,
  };
};

/**
 * Answers a provider's answer webhook. Idempotent on the provider's call id: a retried webhook, even one
 * racing the first, gets the same instructions and creates nothing. A number without a route gets an
 * answer that ends the call, and nothing is stored.
 */
export const answerCall = async (
  store: CallStore,
  input: InboundCall,
  renderer: AnswerRenderer,
): Promise<{ instructions: Instructions; outcome: 'created' | 'replayed' | 'rejected' }> => {
  const to = normalizeNumber(input.to);
  const { leg: existing, route } = await store.findRouteAndLeg(to, input.callId);
  if (existing?.instructions) return { instructions: existing.instructions, outcome: 'replayed' };
  if (existing || !route) return { instructions: renderer.reject(), outcome: 'rejected' };
  const call = planInboundCall(input, route, renderer);
  const first = await store.createCall(call);
  if (first?.instructions) return { instructions: first.instructions, outcome: 'replayed' };
  if (first) return { instructions: renderer.reject(), outcome: 'rejected' };
  return { instructions: call.leg.instructions as Instructions, outcome: 'created' };
};

export interface LegStatusReport extends LegStatusInput {
  provider: string;
  callId: string;
  /** When Parley received the report (event timestamps). */
  now: string;
  from?: string;
  to?: string;
  providerParentId?: string;
  /** The conversation and member a new leg belongs to (carried by the callback URL Parley gave). */
  conversationId?: string;
  memberId?: string;
}

export type LegStatusResult = 'unknown' | LegOutcome['kind'];

const hasLeg = (m: Member): boolean => Boolean(m.channel.id) || (m.channel.leg_ids?.length ?? 0) > 0;

/**
 * A leg status in the words of the v1 `leg:status:update` event, whose list has no `unanswered`: a leg
 * nobody answered before it rang out is a `timeout` there.
 */
const eventStatus = (status: LegStatus): string => (status === 'unanswered' ? 'timeout' : status);

/**
 * `leg:status:update`. Its `state` follows the v1 document: `{status}` while the leg is started, ringing or
 * answered, and once it ends `leg_status_complete`: `{status: 'completed', successful, reason}` with
 * `reason` one word of the document's list (`ok` for a call that completed, else why it ended: `busy`,
 * `timeout`, …). The full `{code, text}` reason is on the leg (`GET /v1/legs/{id}`) and in `sip:hangup`.
 */
const legEvent = (call: Call, member: Member, leg: Leg, now: string): NewEvent => ({
  type: 'leg:status:update',
  from: member.id,
  body: {
    leg_id: leg.id,
    direction: leg.direction,
    type: 'phone',
    status: eventStatus(leg.status),
    state: isTerminal(leg.status)
      ? {
          status: 'completed',
          successful: leg.status === 'completed' && Boolean(leg.answer_time),
          reason: leg.status === 'completed' ? 'ok' : eventStatus(leg.status),
        }
      : { status: leg.status },
    statusHistory: leg.status_history
      .filter((h) => h.applied)
      .map((h) => ({
        conversation_id: call.conversation.id,
        member_id: member.id,
        status: eventStatus(h.status),
        date: h.date,
      })),
  },
  timestamp: now,
});

const sipEvent = (type: string, member: Member, leg: Leg, now: string): NewEvent => ({
  type,
  from: member.id,
  body: {
    channel: member.channel,
    direction: leg.direction,
    ...(type === 'sip:hangup' ? { reason: leg.reason, duration: leg.duration } : {}),
  },
  timestamp: now,
});

const moveMember = (
  member: Member,
  to: 'JOINED' | 'LEFT',
  now: string,
  reason?: { code: string; text: string },
): Member => {
  const which = to === 'JOINED' ? 'joined' : 'left';
  return {
    ...member,
    state: to,
    timestamp: { ...member.timestamp, [which]: now },
    initiator: { ...member.initiator, [which]: { is_system: true } },
    ...(reason ? { reason } : {}),
  };
};

/**
 * The events, member moves and conversation change one leg outcome brings. `member` is the leg's member
 * as it will be written (a new leg is already attached to it), `previous` as it was read.
 */
export const planLegChange = (
  call: Call,
  previous: CallMember,
  member: Member,
  outcome: { kind: 'moved'; leg: Leg } | { kind: 'recorded'; leg: Leg },
  legVersionRead: number | undefined,
  now: string,
): LegChange => {
  const { leg } = outcome;
  const change: LegChange = { call, leg, legVersionRead, events: [], members: [], memberCountDelta: 0 };
  let current = member;
  if (outcome.kind === 'moved') {
    const status: LegStatus = leg.status;
    change.events.push(legEvent(call, current, leg, now));
    if (status === 'ringing') change.events.push(sipEvent('sip:ringing', current, leg, now));
    if (status === 'answered') {
      change.events.push(sipEvent('sip:answered', current, leg, now));
      if (canMove(current.state, 'JOINED')) {
        current = moveMember(current, 'JOINED', now);
        change.events.push(memberEvent(current, call.conversation, now));
      }
    }
    if (isTerminal(status)) {
      change.events.push(sipEvent('sip:hangup', current, leg, now));
      if (canMove(current.state, 'LEFT')) {
        current = moveMember(current, 'LEFT', now, leg.reason);
        change.events.push(memberEvent(current, call.conversation, now));
        change.memberCountDelta -= 1;
      }
    }
  }
  if (current !== previous) change.members.push({ previous, next: current });

  if (outcome.kind === 'moved' && isTerminal(leg.status)) {
    // Members invited to a call whose every leg is gone will never get one: they leave with it.
    const others = call.members.filter((m) => m.id !== member.id && m.state !== 'LEFT');
    if (!others.some(hasLeg)) {
      for (const other of others) {
        const left = moveMember(other, 'LEFT', now, { code: 'cancelled', text: 'the call ended' });
        change.members.push({ previous: other, next: left });
        change.events.push(memberEvent(left, call.conversation, now));
        change.memberCountDelta -= 1;
      }
    }
    const live = (call.conversation.member_count ?? 0) + change.memberCountDelta;
    if (live <= 0 && call.conversation.state === 'ACTIVE') {
      const ttl = Number(call.conversation.properties.ttl ?? VOICE_CONVERSATION_TTL_S);
      change.conversationSet = {
        state: 'INACTIVE',
        timestamp: { ...call.conversation.timestamp, updated: now },
        expires_at: new Date(Date.parse(now) + ttl * 1000).toISOString(),
      };
    }
  }
  return change;
};

/**
 * Applies one provider status report to its leg. A leg Parley does not know is either the first report of
 * a dialled target's leg (its callback URL names the conversation and member: the leg is attached to that
 * member) or unknown (nothing is written).
 */
export const recordLegStatus = (store: CallStore, reported: LegStatusReport): Promise<LegStatusResult> => {
  const report = { ...reported, receivedAt: reported.now };
  return retry(async (attempt) => {
    const hinted = report.conversationId && report.memberId ? report.conversationId : undefined;
    // Where the leg should be: the conversation its callback URL names, or the one its call id derives.
    const expected = hinted ?? conversationIdOfCall(report.provider, report.callId);
    // After a lost race the leg's own item decides: it may belong elsewhere than the hint says.
    const [read, own] = await Promise.all([
      store.loadCall(expected, report.callId),
      attempt > 1 ? store.getLeg(report.callId) : Promise.resolve(undefined),
    ]);
    let { call, leg } = read;
    if (attempt > 1) leg = own;
    // Not in its expected conversation and no hint of a new one: an unknown call id, a conversation
    // deleted under a live call, or a call older than derived ids. The leg's own item tells.
    else if (!leg && !hinted) leg = await store.getLeg(report.callId);
    if (leg && leg.conversation_id !== expected)
      call = (await store.loadCall(leg.conversation_id, report.callId)).call;

    if (leg) {
      const outcome = applyLegStatus(leg, report);
      if (outcome.kind === 'duplicate') return 'duplicate';
      const member = call?.members.find((m) => m.id === leg.member_id);
      if (!call || !member) {
        // The conversation was deleted under a live call: the leg still ends, so the sweeper lets go of it.
        await store.commitLegChange({
          leg: outcome.leg,
          legVersionRead: leg.version,
          events: [],
          members: [],
          memberCountDelta: 0,
        });
        return outcome.kind;
      }
      await store.commitLegChange(planLegChange(call, member, member, outcome, leg.version, report.now));
      return outcome.kind;
    }

    const hintedCall = hinted ? call : undefined;
    const member = hintedCall?.members.find((m) => m.id === report.memberId);
    if (!hintedCall || !member) return 'unknown';
    // Only a dialled target's member takes a leg this way: a phone member, still INVITED, with no leg yet.
    if (member.channel.type !== 'phone' || member.state !== 'INVITED') return 'unknown';
    // A member holds one leg: a second call id for it is not ours.
    if (member.channel.id && member.channel.id !== report.callId) return 'unknown';
    const started = startLeg(
      {
        id: report.callId,
        provider: report.provider,
        conversation_id: hintedCall.conversation.id,
        member_id: member.id,
        direction: 'outbound',
        from: report.from ? shownNumber(report.from) : String(member.channel.from?.number ?? 'Unknown'),
        to: report.to ? shownNumber(report.to) : String(member.channel.to?.number ?? ''),
        provider_parent_id: report.providerParentId,
      },
      report,
    );
    const attached: Member = {
      ...member,
      channel: {
        ...member.channel,
        id: report.callId,
        leg_ids: [...(member.channel.leg_ids ?? []), report.callId],
      },
    };
    const moved = started.status_history.some((h) => h.applied && h.status === started.status);
    const outcome = moved
      ? ({ kind: 'moved', leg: started } as const)
      : ({ kind: 'recorded', leg: started } as const);
    // Written only if no leg has this id yet (anywhere): otherwise the next attempt reads it.
    await store.commitLegChange(planLegChange(hintedCall, member, attached, outcome, undefined, report.now));
    return outcome.kind;
  });
};

/** Closes a leg that outlived the longest call allowed, as `timeout`. */
export const expireLeg = (store: CallStore, leg: Leg, now: string): Promise<LegStatusResult> =>
  recordLegStatus(store, {
    provider: leg.provider,
    callId: leg.id,
    status: 'timeout',
    now,
    detail: 'max_length',
  });
