/**
 * What a member or event request reads before it decides: everything it may need, fetched together (one
 * batch read), so the rules below run on plain objects and the store commits their outcome in one
 * transaction.
 */
import type { Conversation } from './conversations.ts';
import { authError, notFound } from './errors.ts';
import type { ConversationEvent } from './events.ts';
import type { Initiator, Member } from './members.ts';
import type { User } from './users.ts';

/** A member as stored: with the time its item was created (the sort position of its user's membership). */
export type StoredMember = Member & { createdAt: string };

/** Who acts: an admin token, or a user token naming its user. */
export type Actor = { kind: 'admin' } | { kind: 'user'; name: string };

export interface ContextRequest {
  conversationId: string;
  /** A user token's `sub`: loads the caller's user and its current member in the conversation. */
  callerName?: string;
  /** A member of the conversation by id. */
  memberId?: string;
  /** A user by id (also loads its current member there) or by name. */
  userId?: string;
  userName?: string;
  /** An event of the conversation by id. */
  eventId?: number;
  /**
   * The request only appends, and its write re-checks what it relies on: the store may answer from what
   * this process remembers instead of reading.
   */
  reuse?: boolean;
  /**
   * A read only: the store may take the caller's user and member from what this process confirmed at
   * most this many ms ago (`READ_MEMBERSHIP_MAX_AGE_MS`), instead of reading them again.
   */
  recentCaller?: number;
}

export interface TimelineContext {
  conversation?: Conversation;
  callerUser?: User;
  /** The caller's current member (INVITED, JOINED or the last LEFT one). */
  callerMember?: StoredMember;
  member?: StoredMember;
  user?: User;
  /** The current member of `user`, when it was looked up by id. */
  userMember?: StoredMember;
  event?: ConversationEvent;
}

export interface ContextReader {
  load(request: ContextRequest): Promise<TimelineContext>;
}

export const requireConversation = (ctx: TimelineContext): Conversation => {
  if (!ctx.conversation) throw notFound.conversation();
  return ctx.conversation;
};

/** The caller's user for a user token; a token naming no user finds nothing. */
export const requireCallerUser = (ctx: TimelineContext): User => {
  if (!ctx.callerUser) throw notFound.user();
  return ctx.callerUser;
};

export const requireUserActor = (actor: Actor): { kind: 'user'; name: string } => {
  if (actor.kind !== 'user') throw authError.userTokenRequired();
  return actor;
};

/** `initiator.*`: `is_system` for admin tokens, the caller's user and member for user tokens. */
export const initiatorOf = (actor: Actor, ctx: TimelineContext): Initiator => {
  if (actor.kind === 'admin') return { is_system: true };
  const user = requireCallerUser(ctx);
  const member = ctx.callerMember && ctx.callerMember.state !== 'LEFT' ? ctx.callerMember : undefined;
  return { is_system: false, user_id: user.id, member_id: member?.id };
};
