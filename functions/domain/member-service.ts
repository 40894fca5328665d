/** Members: adding one, moving it through INVITED → JOINED → LEFT, reading it. */
import { assertWritable, type Conversation } from './conversations.ts';
import { notFound } from './errors.ts';
import { memberEvent, memberEventUser, type NewEvent } from './events.ts';
import {
  buildMember,
  type Channel,
  isLive,
  type Member,
  maximumMembersError,
  memberExistsError,
  moveMember,
} from './members.ts';
import {
  type Actor,
  type ContextReader,
  initiatorOf,
  requireCallerUser,
  requireConversation,
  requireUserActor,
  type StoredMember,
  type TimelineContext,
} from './timeline-context.ts';

export interface MemberStore extends ContextReader {
  /**
   * Adds a live member and its event. Throws `memberExistsError` when the user already has a live member
   * in the conversation, and a retryable error when the conversation moved on since it was read.
   */
  add(write: {
    conversation: Conversation;
    member: Member;
    event: NewEvent;
    maxMembers: number;
  }): Promise<void>;
  /** Replaces a member after a state change, with its event; retryable when either moved on. */
  change(write: {
    conversation: Conversation;
    previous: StoredMember;
    next: Member;
    event: NewEvent;
    memberDelta: number;
  }): Promise<void>;
}

export interface AddMemberInput {
  state: 'invited' | 'joined';
  user: { id?: string; name?: string };
  channel: Channel;
  media?: Record<string, unknown>;
  knocking_id?: string;
  member_id_inviting?: string;
}

export const addMember = async (
  store: MemberStore,
  actor: Actor,
  conversationId: string,
  input: AddMemberInput,
  options: { now: string; maxMembers: number },
): Promise<MemberView> => {
  const ctx = await store.load({
    conversationId,
    callerName: actor.kind === 'user' ? actor.name : undefined,
    userId: input.user.id,
    userName: input.user.id ? undefined : input.user.name,
    memberId: input.member_id_inviting,
  });
  const conversation = requireConversation(ctx);
  assertWritable(conversation);
  const initiator = initiatorOf(actor, ctx);
  const user = ctx.user;
  if (!user || (input.user.name !== undefined && input.user.name !== user.name)) throw notFound.user();
  if (input.member_id_inviting && !ctx.member) throw notFound.member();
  if (ctx.userMember && isLive(ctx.userMember)) throw memberExistsError(ctx.userMember.state);
  if ((conversation.member_count ?? 0) >= options.maxMembers) throw maximumMembersError(options.maxMembers);

  const state = input.state === 'joined' ? 'JOINED' : 'INVITED';
  const member = buildMember({
    conversationId,
    userId: user.id,
    userName: user.name,
    userDisplayName: user.display_name,
    state,
    channel: input.channel,
    media: input.media,
    knockingId: input.knocking_id,
    invitedBy: input.member_id_inviting ?? (state === 'INVITED' ? initiator.member_id : undefined),
    initiator,
    sequenceNumber: conversation.sequence_number,
    messageCount: conversation.message_count ?? 0,
    now: options.now,
  });
  const event = {
    ...memberEvent(member, conversation, options.now, state === 'INVITED' ? member.invited_by : undefined),
    from_user: memberEventUser(member),
  };
  await store.add({ conversation, member, event, maxMembers: options.maxMembers });
  return { member, conversation };
};

export interface ChangeMemberInput {
  state: 'invited' | 'joined' | 'left';
  reason?: { code?: string; text?: string };
}

export const changeMemberState = async (
  store: MemberStore,
  actor: Actor,
  conversationId: string,
  memberId: string,
  input: ChangeMemberInput,
  now: string,
): Promise<MemberView> => {
  const ctx = await store.load({
    conversationId,
    callerName: actor.kind === 'user' ? actor.name : undefined,
    memberId,
  });
  const conversation = requireConversation(ctx);
  assertWritable(conversation);
  const previous = ctx.member;
  if (!previous) throw notFound.member();
  const next = moveMember(previous, {
    to: input.state.toUpperCase() as Member['state'],
    initiator: initiatorOf(actor, ctx),
    reason: input.reason,
    sequenceNumber: conversation.sequence_number,
    messageCount: conversation.message_count ?? 0,
    now,
  });
  const event = { ...memberEvent(next, conversation, now), from_user: memberEventUser(next) };
  await store.change({ conversation, previous, next, event, memberDelta: next.state === 'LEFT' ? -1 : 0 });
  return { member: next, conversation };
};

export interface MemberView {
  member: Member;
  conversation: Conversation;
}

export const getMember = async (
  store: ContextReader,
  conversationId: string,
  memberId: string,
): Promise<MemberView> => {
  const ctx = await store.load({ conversationId, memberId });
  const conversation = requireConversation(ctx);
  if (!ctx.member) throw notFound.member();
  return { member: ctx.member, conversation };
};

/** `GET …/members/me`: the member of the token's user (its current one, or the last it left). */
export const getMyMember = async (
  store: ContextReader,
  actor: Actor,
  conversationId: string,
): Promise<MemberView> => {
  const { name } = requireUserActor(actor);
  const ctx: TimelineContext = await store.load({ conversationId, callerName: name });
  const conversation = requireConversation(ctx);
  requireCallerUser(ctx);
  if (!ctx.callerMember) throw notFound.member();
  return { member: ctx.callerMember, conversation };
};
