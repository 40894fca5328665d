import { assertWritable, type Conversation, isGone } from '../conversations.ts';
import { notFound } from '../errors.ts';
import {
  assertEventIdRange,
  type ConversationEvent,
  EPHEMERAL_TYPES,
  EVENT_GROUPS,
  type EventUser,
  eventDeletedEvent,
  eventErrors,
  eventUserOf,
  isDeletable,
  MESSAGE_TYPES,
  memberEventUser,
  type NewEvent,
  RECEIPT_TYPES,
  SEEN_TYPES,
} from '../events.ts';
import { type Member, seenUpTo } from '../members.ts';
import type { Deps, EventDecision, EventQuery, Page } from '../ports.ts';
import { retry } from '../retry.ts';
import {
  type Actor,
  requireCallerUser,
  type StoredMember,
  type TimelineContext,
} from '../timeline-context.ts';
import { listWithin, loadVisible, readVisible } from './conversations.ts';

export interface EventInput {
  type: string;
  from?: string;
  body: Record<string, unknown>;
}

/** An event as answered: stored ones carry their id; ephemeral ones have none. */
export type PostedEvent = Omit<ConversationEvent, 'id'> & { id?: number };

/** Who sends: the member named by `from`, else the caller's own member (user tokens); admins may send as the system. */
const senderOf = (actor: Actor, ctx: TimelineContext, from: string | undefined): StoredMember | undefined => {
  if (actor.kind === 'user') {
    const user = requireCallerUser(ctx);
    const sender = from === undefined || from === ctx.callerMember?.id ? ctx.callerMember : ctx.member;
    if (from !== undefined && !sender) throw notFound.member();
    if (sender && sender.user_id !== user.id) throw eventErrors.notYourMember();
    if (sender?.state !== 'JOINED') throw eventErrors.notJoined();
    return sender;
  }
  if (from === undefined) return undefined;
  if (!ctx.member) throw notFound.member();
  if (ctx.member.state !== 'JOINED') throw eventErrors.notJoined();
  return ctx.member;
};

const senderUser = (
  actor: Actor,
  ctx: TimelineContext,
  sender: Member | undefined,
): EventUser | undefined => {
  if (!sender) return undefined;
  if (actor.kind === 'user' && ctx.callerUser?.id === sender.user_id) return eventUserOf(ctx.callerUser);
  return memberEventUser(sender);
};

export const receiptTarget = (input: EventInput): number | undefined =>
  RECEIPT_TYPES.has(input.type) ? Number(input.body.event_id) : undefined;

export const postEvent = (
  deps: Deps,
  actor: Actor,
  conversationId: string,
  input: EventInput,
): Promise<PostedEvent> => retry(() => postOnce(deps, actor, conversationId, input));

const postOnce = async (
  deps: Deps,
  actor: Actor,
  conversationId: string,
  input: EventInput,
): Promise<PostedEvent> => {
  const now = deps.now();
  const store = deps.ports.events;
  const targetId = receiptTarget(input);
  const ephemeral = EPHEMERAL_TYPES.has(input.type);
  const { ctx, conversation: visible } = await loadVisible(deps, actor, conversationId, {
    memberId: input.from,
    eventId: targetId,
    // Only a write re-checks what it relies on; an ephemeral event writes nothing, so it reads.
    reuse: !ephemeral,
  });
  assertWritable(visible);
  const sender = senderOf(actor, ctx, input.from);
  const base: NewEvent = {
    type: input.type,
    from: sender?.id,
    body: input.body,
    timestamp: now,
    from_user: senderUser(actor, ctx, sender),
  };
  if (ephemeral) return base;

  let target: ConversationEvent | undefined;
  if (targetId !== undefined) {
    target = ctx.event;
    if (!MESSAGE_TYPES.has(target?.type as string)) throw eventErrors.notAMessage();
  }
  const decide = (conversation: Conversation): EventDecision => {
    // The head the event commits on may be one this process remembers: it decides existence too.
    if (isGone(conversation, now)) throw notFound.conversation();
    assertWritable(conversation);
    const event: NewEvent = { ...base };
    let senderNext: Member | undefined;
    let messageDelta = 0;
    if (target) {
      // The v1 document types a receipt's `event_id` a string; it names the message whatever was sent.
      event.body = { ...input.body, event_id: String(target.id) };
      if (SEEN_TYPES.has(input.type) && sender)
        senderNext = seenUpTo(sender, target.id, target.message_index ?? 0);
    } else if (MESSAGE_TYPES.has(input.type)) {
      messageDelta = 1;
      event.message_index = (conversation.message_count ?? 0) + 1;
      // Whoever sends a message has read the conversation up to it.
      if (sender) senderNext = seenUpTo(sender, conversation.sequence_number + 1, event.message_index);
    }
    return { event, messageDelta, senderNext: senderNext === sender ? undefined : senderNext };
  };
  return store.append({ ctx, sender, decide });
};

export const deleteEvent = (
  deps: Deps,
  actor: Actor,
  conversationId: string,
  eventId: number,
): Promise<void> =>
  retry(async () => {
    const now = deps.now();
    const { ctx, conversation } = await loadVisible(deps, actor, conversationId, { eventId });
    const target = ctx.event;
    if (!target || target.deleted) throw notFound.event();
    if (!isDeletable(target.type)) throw eventErrors.deleteType();
    let from: string | undefined;
    let fromUser: EventUser | undefined;
    if (actor.kind === 'user') {
      const user = requireCallerUser(ctx);
      // The sender is a user, not a member: a user who left and came back still owns its old messages.
      if (target.from_user?.id !== user.id) throw eventErrors.deleteNotSender();
      from = ctx.callerMember?.state === 'JOINED' ? ctx.callerMember.id : undefined;
      fromUser = eventUserOf(user);
    }
    await deps.ports.events.remove({
      conversation,
      target,
      event: eventDeletedEvent(target.id, now, from, fromUser),
    });
  });

export const getEvent = async (
  deps: Deps,
  actor: Actor,
  conversationId: string,
  eventId: number,
): Promise<ConversationEvent> => {
  const { ctx } = await readVisible(deps, actor, conversationId, { eventId });
  if (!ctx.event) throw notFound.event();
  return ctx.event;
};

/**
 * `GET …/events`: one page of a conversation's timeline, for a caller who may see the conversation. A
 * filter `group` (`ChatEvents`) keeps the types of that group; with `types` too, the types of both.
 */
export const listEvents = (
  deps: Deps,
  actor: Actor,
  conversationId: string,
  { group, ...query }: EventQuery & { group?: string },
): Promise<Page<ConversationEvent>> => {
  assertEventIdRange(query.startId, query.endId);
  const g = group === undefined ? undefined : EVENT_GROUPS.get(group);
  if (g) {
    const inGroup = (t: string) => g.types.includes(t) || g.prefixes.some((p) => t.startsWith(p));
    const types = query.types?.length ? query.types.filter(inGroup) : g.types;
    // Asked for types the group has none of: an empty page (`types: []` would filter nothing).
    if (types.length === 0) return listWithin(deps, actor, conversationId, async () => ({ items: [] }));
    query = { ...query, types, typePrefixes: query.types?.length ? [] : g.prefixes };
  }
  return listWithin(deps, actor, conversationId, () => deps.ports.events.list(conversationId, query));
};
