/** Members: adding one, moving it through INVITED → JOINED → LEFT, reading it and listing them. */
import { assertMayAddMember, assertMayChangeMember } from '../access.ts';
import type { BindingClaim } from '../bindings.ts';
import { assertWritable, type Conversation } from '../conversations.ts';
import { notFound } from '../errors.ts';
import { memberEvent, memberEventUser } from '../events.ts';
import {
  buildMember,
  type Channel,
  isLive,
  type Member,
  maximumMembersError,
  memberExistsError,
  moveMember,
} from '../members.ts';
import type { Deps, Page, PageQuery } from '../ports.ts';
import { retry } from '../retry.ts';
import {
  type Actor,
  initiatorOf,
  requireCallerUser,
  requireUserActor,
  type StoredMember,
} from '../timeline-context.ts';
import { accessOf, listWithin, loadVisible, readVisible } from './conversations.ts';

export interface AddMemberInput {
  state: 'invited' | 'joined';
  user: { id?: string; name?: string };
  channel: Channel;
  media?: Record<string, unknown>;
  knocking_id?: string;
  member_id_inviting?: string;
}

export const addMember = (
  deps: Deps,
  actor: Actor,
  conversationId: string,
  input: AddMemberInput,
): Promise<MemberView> => retry(() => addMemberOnce(deps, actor, conversationId, input));

/** One attempt of `addMember`, taking `claim` with the member when given (functions/domain/use-cases/bindings.ts). */
export const addMemberOnce = async (
  deps: Deps,
  actor: Actor,
  conversationId: string,
  input: AddMemberInput,
  claim?: BindingClaim,
): Promise<MemberView> => {
  const now = deps.now();
  const maxMembers = deps.settings.maxMembersPerConversation;
  const { ctx, conversation } = await loadVisible(deps, actor, conversationId, {
    userId: input.user.id,
    userName: input.user.id ? undefined : input.user.name,
    memberId: input.member_id_inviting,
  });
  assertWritable(conversation);
  const initiator = initiatorOf(actor, ctx);
  const user = ctx.user;
  if (!user || (input.user.name !== undefined && input.user.name !== user.name)) throw notFound.user();
  if (input.member_id_inviting && !ctx.member) throw notFound.member();
  const state = input.state === 'joined' ? 'JOINED' : 'INVITED';
  assertMayAddMember(accessOf(deps, actor), conversation, ctx, {
    userId: user.id,
    state,
    invitedBy: input.member_id_inviting ? ctx.member : undefined,
  });
  if (ctx.userMember && isLive(ctx.userMember)) throw memberExistsError(ctx.userMember.state);
  if ((conversation.member_count ?? 0) >= maxMembers) throw maximumMembersError(maxMembers);

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
    now,
  });
  const event = {
    ...memberEvent(member, conversation, now, state === 'INVITED' ? member.invited_by : undefined),
    from_user: memberEventUser(member),
  };
  await deps.ports.members.add({ conversation, member, event, maxMembers, claim });
  return { member, conversation };
};

export interface ChangeMemberInput {
  state: 'invited' | 'joined' | 'left';
  reason?: { code?: string; text?: string };
}

export const changeMemberState = (
  deps: Deps,
  actor: Actor,
  conversationId: string,
  memberId: string,
  input: ChangeMemberInput,
): Promise<MemberView> =>
  retry(async () => {
    const now = deps.now();
    const { ctx, conversation } = await loadVisible(deps, actor, conversationId, { memberId });
    assertWritable(conversation);
    const previous = ctx.member;
    if (!previous) throw notFound.member();
    assertMayChangeMember(accessOf(deps, actor), ctx, previous.user_id);
    const next = moveMember(previous, {
      to: input.state.toUpperCase() as Member['state'],
      initiator: initiatorOf(actor, ctx),
      reason: input.reason,
      sequenceNumber: conversation.sequence_number,
      messageCount: conversation.message_count ?? 0,
      now,
    });
    const event = { ...memberEvent(next, conversation, now), from_user: memberEventUser(next) };
    await deps.ports.members.change({
      conversation,
      previous,
      next,
      event,
      memberDelta: next.state === 'LEFT' ? -1 : 0,
    });
    return { member: next, conversation };
  });

export interface MemberView {
  member: Member;
  conversation: Conversation;
}

export const getMember = async (
  deps: Deps,
  actor: Actor,
  conversationId: string,
  memberId: string,
): Promise<MemberView> => {
  const { ctx, conversation } = await readVisible(deps, actor, conversationId, { memberId });
  if (!ctx.member) throw notFound.member();
  return { member: ctx.member, conversation };
};

/**
 * `GET …/members/me`: the member of the token's user, its INVITED or JOINED one (a user whose member left
 * no longer sees the conversation, unless it created it: then it gets the member it left).
 */
export const getMyMember = async (deps: Deps, actor: Actor, conversationId: string): Promise<MemberView> => {
  requireUserActor(actor);
  const { ctx, conversation } = await readVisible(deps, actor, conversationId);
  requireCallerUser(ctx);
  if (!ctx.callerMember) throw notFound.member();
  return { member: ctx.callerMember, conversation };
};

/** `GET …/members`: one page of a conversation's members, for a caller who may see the conversation. */
export const listMembers = (
  deps: Deps,
  actor: Actor,
  conversationId: string,
  query: PageQuery,
): Promise<Page<StoredMember>> =>
  listWithin(deps, actor, conversationId, () => deps.ports.members.list(conversationId, query));
