import { DomainError } from './errors.ts';
import { newId } from './ids.ts';

export type MemberState = 'INVITED' | 'JOINED' | 'LEFT';

export interface Endpoint {
  type: string;
  number?: string;
  user?: string;
  uri?: string;
  id?: string;
  [key: string]: unknown;
}

export interface Channel {
  type: string;
  /** The leg of a voice member (its provider call id). */
  id?: string;
  from?: Endpoint;
  to?: Endpoint;
  leg_ids?: string[];
  [key: string]: unknown;
}

export interface Initiator {
  is_system: boolean;
  user_id?: string;
  member_id?: string;
}

export interface Member {
  id: string;
  conversation_id: string;
  user_id: string;
  /** The user's name when the member was written (shown in `_embedded.user`). */
  user_name: string;
  user_display_name?: string | null;
  state: MemberState;
  channel: Channel;
  media?: Record<string, unknown>;
  knocking_id?: string;
  /** Member id of whoever invited this member. */
  invited_by?: string;
  initiator: { invited?: Initiator; joined?: Initiator; left?: Initiator };
  timestamp: { invited?: string; joined?: string; left?: string };
  reason?: { code?: string; text?: string };
  /** Read state: highest event id this member marked `message:seen`, and its unread message count. */
  last_seen_event_id: number;
  /** Number of `message` events in the conversation when this member's horizon was last set. */
  seen_message_count: number;
}

/** Moves allowed by the member state machine: INVITED → JOINED → LEFT, and INVITED → LEFT. */
export const canMove = (from: MemberState, to: MemberState): boolean =>
  (from === 'INVITED' && (to === 'JOINED' || to === 'LEFT')) || (from === 'JOINED' && to === 'LEFT');

export const memberStateError = (from: MemberState, to: MemberState): DomainError => {
  if (from === 'JOINED' && to === 'JOINED')
    return new DomainError(
      'conversation:error:member-already-joined',
      'The request failed due to the user already having a member joined with that channel content.',
    );
  if (from === 'INVITED' && to === 'INVITED')
    return new DomainError(
      'conversation:error:member-already-invited',
      'The request failed due to the user already having a member invited with that channel content.',
    );
  return new DomainError(
    'conversation:error:invalid-member-state',
    `The conversation membership has already ended or cannot move from ${from} to ${to}.`,
  );
};

export const maximumMembersError = (max: number): DomainError =>
  new DomainError(
    'conversation:error:maximum-number-of-members',
    `The request failed due to the maximum number of joined/invited members (${max}) in the conversation.`,
  );

export interface NewMember {
  conversationId: string;
  userId: string;
  userName: string;
  userDisplayName?: string | null;
  state: 'INVITED' | 'JOINED';
  channel: Channel;
  media?: Record<string, unknown>;
  knockingId?: string;
  invitedBy?: string;
  initiator: Initiator;
  /** The conversation's sequence number and message count before this member's own event. */
  sequenceNumber: number;
  messageCount: number;
  now: string;
}

/** A new member; its read horizon starts at the conversation's current end, so nothing old counts as unread. */
export const buildMember = (m: NewMember): Member => ({
  id: newId.member(),
  conversation_id: m.conversationId,
  user_id: m.userId,
  user_name: m.userName,
  user_display_name: m.userDisplayName,
  state: m.state,
  channel: m.channel,
  media: m.media,
  knocking_id: m.knockingId,
  invited_by: m.invitedBy,
  initiator: m.state === 'INVITED' ? { invited: m.initiator } : { joined: m.initiator },
  timestamp: m.state === 'INVITED' ? { invited: m.now } : { joined: m.now },
  last_seen_event_id: m.sequenceNumber,
  seen_message_count: m.messageCount,
});

/** Unread messages of a member, given the conversation's message count. */
export const unreadCount = (member: Member, conversationMessageCount: number): number =>
  Math.max(0, conversationMessageCount - member.seen_message_count);

/** The error for adding a member to a user that already has a live one here, by the state it is in. */
export const memberExistsError = (existing: MemberState): DomainError => memberStateError(existing, existing);

export const isLive = (m: Pick<Member, 'state'>): boolean => m.state === 'INVITED' || m.state === 'JOINED';

export interface MemberMove {
  to: MemberState;
  initiator: Initiator;
  reason?: { code?: string; text?: string };
  /** The conversation's sequence number and message count before this move's own event. */
  sequenceNumber: number;
  messageCount: number;
  now: string;
}

/**
 * A member after a state change, or the spec's error for a move the state machine refuses. A member that
 * joins starts reading at the conversation's current end, like a new member.
 */
export const moveMember = (member: Member, move: MemberMove): Member => {
  if (!canMove(member.state, move.to)) throw memberStateError(member.state, move.to);
  const which = move.to === 'JOINED' ? 'joined' : 'left';
  const next: Member = {
    ...member,
    state: move.to,
    initiator: { ...member.initiator, [which]: move.initiator },
    timestamp: { ...member.timestamp, [which]: move.now },
  };
  if (move.to === 'LEFT' && move.reason) next.reason = move.reason;
  if (move.to === 'JOINED') {
    next.last_seen_event_id = move.sequenceNumber;
    next.seen_message_count = move.messageCount;
  }
  return next;
};

/**
 * The member's read state once it has seen event `eventId`, the `messageIndex`-th message; unchanged when
 * its horizon is already there or beyond (receipts may arrive out of order).
 */
export const seenUpTo = (member: Member, eventId: number, messageIndex: number): Member =>
  eventId > member.last_seen_event_id
    ? {
        ...member,
        last_seen_event_id: eventId,
        seen_message_count: Math.max(member.seen_message_count, messageIndex),
      }
    : member;
