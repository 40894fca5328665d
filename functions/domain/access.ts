/**
 * Who may do what in a conversation (the README's authorization table). Admin tokens may do everything.
 * A user token's ACL has already narrowed which routes it may call; in the default `membership` mode
 * these rules decide on top of it, from what the use-case read: the conversation, the caller's user and
 * the caller's current member there. In `acl` mode (Vonage's own behaviour) the ACL alone decides.
 *
 * A caller who may not see a conversation is told it does not exist (404), so ids cannot be probed; a
 * caller who sees it but may not do this gets a permission error (403).
 */
import { type Conversation, isGone } from './conversations.ts';
import { authError, notFound } from './errors.ts';
import { isLive } from './members.ts';
import type { AuthorizationMode } from './ports.ts';
import type { Actor, TimelineContext } from './timeline-context.ts';

/**
 * How old what a process knows of a caller's JOINED member may be when it lets the caller READ: a member
 * who left (or was renamed away) may go on reading for at most this long in a process that saw it post.
 * Writes never rely on it: their transaction re-checks the member and the user.
 */
export const READ_MEMBERSHIP_MAX_AGE_MS = 5_000;

export interface Access {
  actor: Actor;
  mode: AuthorizationMode;
}

/** Whether membership rules apply to this caller at all. */
export const governed = (access: Access): access is Access & { actor: { kind: 'user'; name: string } } =>
  access.actor.kind === 'user' && access.mode === 'membership';

/** The caller's user created this conversation (recorded at creation, by user id). */
export const isCreator = (conversation: Conversation, ctx: TimelineContext): boolean =>
  conversation.created_by !== undefined && ctx.callerUser?.id === conversation.created_by;

/** The caller takes part: its current member there is INVITED or JOINED. */
export const takesPart = (ctx: TimelineContext): boolean =>
  ctx.callerMember !== undefined && isLive(ctx.callerMember);

/**
 * The conversation, if it exists (expiry included) and the caller may see it: an admin, or a user with an
 * INVITED or JOINED member there, or the user who created it. Otherwise `conversation:error:not-found`.
 */
export const visibleConversation = (access: Access, ctx: TimelineContext, now: string): Conversation => {
  const conversation = ctx.conversation;
  if (!conversation || isGone(conversation, now)) throw notFound.conversation();
  if (!governed(access) || takesPart(ctx) || isCreator(conversation, ctx)) return conversation;
  throw notFound.conversation();
};

/** Updating or deleting a conversation: its creator only. */
export const assertMayChangeConversation = (
  access: Access,
  conversation: Conversation,
  ctx: TimelineContext,
): void => {
  if (governed(access) && !isCreator(conversation, ctx))
    throw authError.notAllowed('change or delete a conversation it did not create');
};

/**
 * Adding a member: a JOINED member may invite another user; a user may add itself as JOINED only to a
 * conversation it created. Anything else a user token asks for is refused.
 */
export const assertMayAddMember = (
  access: Access,
  conversation: Conversation,
  ctx: TimelineContext,
  target: { userId: string; state: 'INVITED' | 'JOINED'; invitedBy?: { user_id: string } },
): void => {
  if (!governed(access)) return;
  // A user invites as itself: `member_id_inviting` may only name its own member.
  if (target.invitedBy && target.invitedBy.user_id !== ctx.callerUser?.id)
    throw authError.notAllowed('invite on behalf of another member');
  const self = ctx.callerUser?.id === target.userId;
  if (self) {
    if (target.state === 'JOINED' && isCreator(conversation, ctx)) return;
    throw authError.notAllowed(
      'add itself to a conversation it did not create, other than by joining an invitation',
    );
  }
  if (target.state === 'INVITED' && ctx.callerMember?.state === 'JOINED') return;
  throw authError.notAllowed('add another user other than by inviting it as a JOINED member');
};

/** Changing a member's state (join, leave): the caller's own member only. */
export const assertMayChangeMember = (access: Access, ctx: TimelineContext, memberUserId: string): void => {
  if (governed(access) && ctx.callerUser?.id !== memberUserId)
    throw authError.notAllowed("change another member's state");
};

/** Reading a user: its own user in full, other users' public fields only; listing users: admin only. */
export const seesUserInFull = (access: Access, userName: string): boolean =>
  !governed(access) || access.actor.name === userName;

export const assertMayListUsers = (access: Access): void => {
  if (governed(access)) throw authError.adminOnly();
};
