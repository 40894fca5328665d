/** Conversations: create, list, read, update, delete, and the legacy view with its members inline. */
import {
  type Access,
  assertMayChangeConversation,
  governed,
  READ_MEMBERSHIP_MAX_AGE_MS,
  visibleConversation,
} from '../access.ts';
import {
  applyUpdate,
  assertDateRange,
  assertWritable,
  buildConversation,
  type Conversation,
  type ConversationInput,
  changesOf,
  isGone,
} from '../conversations.ts';
import { notFound } from '../errors.ts';
import { conversationUpdatedEvent } from '../events.ts';
import type { Receipt } from '../idempotency.ts';
import type { Deps, Page, PageCursor, PageQuery } from '../ports.ts';
import { retry } from '../retry.ts';
import type { Actor, ContextRequest, StoredMember, TimelineContext } from '../timeline-context.ts';

export const accessOf = (deps: Deps, actor: Actor): Access => ({ actor, mode: deps.settings.authorization });

const callerNameOf = (actor: Actor) => (actor.kind === 'user' ? actor.name : undefined);

/**
 * The conversation and what the caller is in it (with whatever else the use-case asks for, read in the
 * same batch), when the caller may see it; else not found.
 */
export const loadVisible = async (
  deps: Deps,
  actor: Actor,
  conversationId: string,
  wanted: Omit<ContextRequest, 'conversationId' | 'callerName'> = {},
): Promise<{ ctx: TimelineContext; conversation: Conversation }> => {
  const ctx = await deps.ports.context.load({ ...wanted, conversationId, callerName: callerNameOf(actor) });
  const conversation = visibleConversation(accessOf(deps, actor), ctx, deps.now());
  return { ctx, conversation };
};

/**
 * The same for a read: it may take the caller's membership from what this process confirmed a moment ago
 * (READ_MEMBERSHIP_MAX_AGE_MS) instead of reading it again. Never for a write.
 */
export const readVisible = (
  deps: Deps,
  actor: Actor,
  conversationId: string,
  wanted: Omit<ContextRequest, 'conversationId' | 'callerName'> = {},
) => loadVisible(deps, actor, conversationId, { ...wanted, recentCaller: READ_MEMBERSHIP_MAX_AGE_MS });

/**
 * A list of something in one conversation, read together with the caller's access to it: the page is
 * only answered once the conversation is known to exist and be visible to the caller.
 */
export const listWithin = async <T>(
  deps: Deps,
  actor: Actor,
  conversationId: string,
  read: () => Promise<Page<T>>,
): Promise<Page<T>> => {
  const [, page] = await Promise.all([readVisible(deps, actor, conversationId), read()]);
  return page;
};

/** A user token records its user as the creator; the creator alone may later update or delete it. */
export const createConversation = async (
  deps: Deps,
  actor: Actor,
  input: ConversationInput,
  receipt?: Receipt<Conversation>,
): Promise<Conversation> => {
  let createdBy: string | undefined;
  if (actor.kind === 'user') {
    const user = await deps.ports.users.getByName(actor.name);
    if (!user && governed(accessOf(deps, actor))) throw notFound.user();
    createdBy = user?.id;
  }
  const conversation = buildConversation(input, deps.now(), createdBy);
  await deps.ports.conversations.create(conversation, receipt);
  return conversation;
};

export interface ConversationListQuery extends PageQuery {
  dateStart?: string;
  dateEnd?: string;
}

/** Admins list every conversation; a user token lists those where its user has an INVITED or JOINED member. */
export const listConversations = async (
  deps: Deps,
  actor: Actor,
  query: ConversationListQuery,
): Promise<Page<Conversation>> => {
  assertDateRange(query.dateStart, query.dateEnd);
  const now = deps.now();
  if (actor.kind === 'admin') {
    const page = await deps.ports.conversations.list(query);
    return { ...page, items: page.items.filter((c) => !isGone(c, now)) };
  }
  const { order, pageSize, cursor } = query;
  const page = await deps.ports.members.ofUser(
    { name: actor.name },
    { order, pageSize, cursor, liveOnly: true },
  );
  if (!page) return { items: [] };
  return {
    ...page,
    items: page.items.map((m) => m.conversation).filter((c) => !isGone(c, now)),
  };
};

export interface ConversationOffsetQuery {
  order: 'asc' | 'desc';
  pageSize: number;
  /** How many of the caller's conversations to pass over first (the legacy `record_index`). */
  recordIndex: number;
  dateStart?: string;
  dateEnd?: string;
}

/** How many conversations one read of an offset walk takes. */
const WALK_PAGE = 100;

/**
 * The legacy list, paged by offset: the same conversations `listConversations` gives this caller, in the
 * same order, `pageSize` of them from the `recordIndex`-th on. It walks the cursor pages from the start
 * (the table has no offsets), so its reads grow with `recordIndex`, which the surface bounds.
 */
export const listConversationsByOffset = async (
  deps: Deps,
  actor: Actor,
  query: ConversationOffsetQuery,
): Promise<{ items: Conversation[]; more: boolean }> => {
  const end = query.recordIndex + query.pageSize;
  const seen: Conversation[] = [];
  let cursor: PageCursor | undefined;
  do {
    const page = await listConversations(deps, actor, {
      order: query.order,
      pageSize: WALK_PAGE,
      cursor,
      dateStart: query.dateStart,
      dateEnd: query.dateEnd,
    });
    seen.push(...page.items);
    cursor = page.next;
    // One past the page asked for tells whether there is more.
  } while (cursor && seen.length <= end);
  return { items: seen.slice(query.recordIndex, end), more: seen.length > end };
};

export const getConversation = async (
  deps: Deps,
  actor: Actor,
  conversationId: string,
): Promise<Conversation> => (await readVisible(deps, actor, conversationId)).conversation;

/** PUT: the creator (or an admin) replaces the fields sent; `conversation:updated` is appended. */
export const updateConversation = (
  deps: Deps,
  actor: Actor,
  conversationId: string,
  input: ConversationInput,
  receipt?: Receipt<Conversation>,
): Promise<Conversation> =>
  retry(async () => {
    const { ctx, conversation } = await loadVisible(deps, actor, conversationId);
    assertMayChangeConversation(accessOf(deps, actor), conversation, ctx);
    assertWritable(conversation);
    const now = deps.now();
    const next = applyUpdate(conversation, input, now);
    await deps.ports.conversations.update({
      previous: conversation,
      next,
      changes: changesOf(next),
      event: conversationUpdatedEvent(next, now),
      receipt,
    });
    return next;
  });

/** DELETE: the creator (or an admin) removes the conversation and everything in it. */
export const deleteConversation = async (
  deps: Deps,
  actor: Actor,
  conversationId: string,
  receipt?: Receipt<void>,
): Promise<void> => {
  const access = accessOf(deps, actor);
  // Admins are decided on the delete's own read; a user's rights need its user and member read first.
  const ctx = governed(access) ? (await loadVisible(deps, actor, conversationId)).ctx : {};
  const decide = (conversation: Conversation) => {
    if (isGone(conversation, deps.now())) throw notFound.conversation();
    assertMayChangeConversation(access, conversation, ctx);
  };
  if (!(await deps.ports.conversations.remove(conversationId, decide, receipt)))
    throw notFound.conversation();
};

/** `GET /beta|v0.1/conversations/{id}`: the conversation with all its members, for a caller who may see it. */
export const getConversationWithMembers = async (
  deps: Deps,
  actor: Actor,
  conversationId: string,
): Promise<{ conversation: Conversation; members: StoredMember[] }> => {
  const [found] = await Promise.all([
    deps.ports.conversations.withMembers(conversationId),
    actor.kind === 'user' ? readVisible(deps, actor, conversationId) : undefined,
  ]);
  if (!found || isGone(found.conversation, deps.now())) throw notFound.conversation();
  return found;
};
