/**
 * Reads what a member or event request needs in one BatchGet: the conversation, the caller's user (its
 * name item is a full copy) and current member, a member, a user, an event. The caller's member is found
 * through its user's entry in the conversation (keyed by user id, which a token does not carry) and read
 * from its own item, the one that holds its read state. A per-process cache of name → user id and of
 * (conversation, user) → member id lets the first batch include both; the name item and the entry read in
 * the same batch confirm them, and only a miss costs another read (none when the member named in the path
 * is the caller's own live member: a user has at most one).
 *
 * A request that will only append (`reuse`) may instead be answered from memory, without a read: the
 * conversation's cached head and what the last read said about the caller (user, name item version, its
 * JOINED member). That is safe only because the write re-checks every such fact in its own transaction, on
 * the items it writes anyway: the head's `sequence_number`, and the sender's member item, which must still
 * be JOINED and still know its user at the version the caller was read at (`callerGuard`; a user's update,
 * rename or delete moves that version on its live members). Any failure drops the cached caller and the
 * request is decided again on a read.
 */

import type { ConversationEvent } from '../domain/events.ts';
import { ID_PATTERN } from '../domain/ids.ts';
import type { ContextRequest, StoredMember, TimelineContext } from '../domain/timeline-context.ts';
import type { User } from '../domain/users.ts';
import { batchGetItems, type Found } from './batch-get.ts';
import { cachedHead, headOfItem, rememberHead } from './heads.ts';
import { conversationOf, dataOf } from './item.ts';
import { type Key, keys } from './keys.ts';
import { fromMemberItem, memberKeyOf, type UserGuard } from './members-repo.ts';

const CACHE_LIMIT = 5000;

/** Sets `key` in a cache as its newest entry, forgetting the oldest one past `CACHE_LIMIT`. */
const keep = <V>(cache: Map<string, V>, key: string, value: V): void => {
  cache.delete(key);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, value);
};

const userIds = new Map<string, string>();

/** The id this process last saw for a user name: unconfirmed, so a reader confirms it in its own batch. */
export const cachedUserIdOf = (name: string): string | undefined => userIds.get(name);

export const remember = (name: string, id: string): void => keep(userIds, name, id);

/** What the last read said about a caller in a conversation, while its member there is JOINED. */
interface CallerFacts {
  user: User;
  /** `updatedAt` of the user's name item: the write checks the name still names this very version. */
  version: string;
  member: StoredMember;
  /** When a read or a committed write last confirmed these facts (ms since the epoch). */
  confirmedAt: number;
}

const callers = new Map<string, CallerFacts>();
const callerKey = (conversationId: string, name: string) => `${conversationId}\u0000${name}`;

const rememberCaller = (conversationId: string, name: string, facts: CallerFacts): void =>
  keep(callers, callerKey(conversationId, name), facts);

/** The user guard of each context's caller member (`callerGuard`). */
const guards = new WeakMap<TimelineContext, UserGuard & { memberId: string }>();

/**
 * What a write by `sender` re-checks of the caller on the sender's member item: that its user is still at
 * the version the context took it at. Undefined when the sender is not the caller's member.
 */
export const callerGuard = (ctx: TimelineContext, sender?: StoredMember): UserGuard | undefined => {
  const guard = guards.get(ctx);
  return guard && sender?.id === guard.memberId ? guard : undefined;
};

/** The member id a user's entry in a conversation last named: unconfirmed, like `userIds`. */
const memberIds = new Map<string, string>();

const rememberPointer = (pointer: Record<string, unknown>): void =>
  keep(
    memberIds,
    callerKey(String(pointer.conversation_id), String(pointer.user_id)),
    String(pointer.member_id),
  );

/**
 * The member a user's entry points at, from its own item (the read state is there alone): from `found` when
 * the batch read it, from the context when it is the member named in the path, else one more read.
 */
const memberOf = async (
  pointer: Record<string, unknown>,
  ctx: TimelineContext,
  found?: Found,
): Promise<StoredMember> => {
  rememberPointer(pointer);
  if (ctx.member && ctx.member.id === pointer.member_id) return ctx.member;
  const key = memberKeyOf(pointer);
  const item = found?.get(key) ?? (await batchGetItems([key])).get(key);
  // Both are written in one transaction; only a conversation being deleted may have lost the member item.
  return fromMemberItem(item ?? pointer);
};

/** After a write: the caller's member as it now is (JOINED), or forget it (its write failed a condition). */
export const updateCaller = (ctx: TimelineContext, member?: StoredMember): void => {
  const name = ctx.callerUser?.name;
  const id = ctx.conversation?.id;
  if (!name || !id) return;
  const key = callerKey(id, name);
  const known = callers.get(key);
  if (member?.state !== 'JOINED') {
    callers.delete(key);
    return;
  }
  if (known && known.member.id === member.id) {
    // The write was conditioned on this member being JOINED: that confirms it.
    known.member = member;
    known.confirmedAt = Date.now();
  }
};

/** A member changed state (it left, was removed, joined): what this process remembered of it is void. */
export const forgetCallerMember = (memberId: string): void => {
  for (const [key, facts] of callers) if (facts.member.id === memberId) callers.delete(key);
};

/** What this process remembers of a request's caller, for a request that names no other user. */
const factsOf = (request: ContextRequest): CallerFacts | undefined =>
  request.callerName === undefined || request.userId !== undefined || request.userName !== undefined
    ? undefined
    : callers.get(callerKey(request.conversationId, request.callerName));

/** The caller facts a read may use instead of reading the caller's user and member (`recentCaller`). */
const recentFacts = (request: ContextRequest): CallerFacts | undefined => {
  const facts = request.recentCaller === undefined ? undefined : factsOf(request);
  return facts && Date.now() - facts.confirmedAt <= (request.recentCaller ?? 0) ? facts : undefined;
};

const answerFromMemory = (request: ContextRequest): TimelineContext | undefined => {
  const { conversationId } = request;
  const facts = request.eventId === undefined ? factsOf(request) : undefined;
  if (!facts || (request.memberId !== undefined && request.memberId !== facts.member.id)) return;
  const head = cachedHead(conversationId);
  // Memory only ever lets a write through (and the write re-checks); a refusal comes from a read.
  if (head?.conversation.state !== 'ACTIVE') return;
  const ctx: TimelineContext = {
    conversation: head.conversation,
    callerUser: facts.user,
    callerMember: facts.member,
    ...(request.memberId !== undefined ? { member: facts.member } : {}),
  };
  guards.set(ctx, { version: facts.version, memberId: facts.member.id });
  return ctx;
};

export const loadContext = async (request: ContextRequest): Promise<TimelineContext> => {
  const cid = request.conversationId;
  // Ids that cannot exist are not looked up (they would only cost a read, or be refused as keys).
  if (!ID_PATTERN.conversation.test(cid)) return {};
  if (request.reuse) {
    const remembered = answerFromMemory(request);
    if (remembered) return remembered;
  }
  const conversationKey = keys.conversation(cid);
  const wanted: Key[] = [conversationKey];
  // A read that may take a recently confirmed caller reads the conversation (and what else it asked for) only.
  const recent = recentFacts(request);
  const callerName = recent ? undefined : request.callerName;
  const callerNameKey = callerName !== undefined ? keys.userName(callerName) : undefined;
  const cachedCallerId = callerName !== undefined ? userIds.get(callerName) : undefined;
  const callerPointerKey = cachedCallerId ? keys.memberOfUser(cid, cachedCallerId) : undefined;
  const cachedMemberId = cachedCallerId ? memberIds.get(callerKey(cid, cachedCallerId)) : undefined;
  const callerMemberKey = cachedMemberId ? keys.member(cid, cachedMemberId) : undefined;
  const memberKey =
    request.memberId !== undefined && ID_PATTERN.member.test(request.memberId)
      ? keys.member(cid, request.memberId)
      : undefined;
  let userKey: Key | undefined;
  let userPointerKey: Key | undefined;
  let userMemberKey: Key | undefined;
  if (request.userId !== undefined) {
    if (ID_PATTERN.user.test(request.userId)) {
      userKey = keys.user(request.userId);
      userPointerKey = keys.memberOfUser(cid, request.userId);
      const cached = memberIds.get(callerKey(cid, request.userId));
      if (cached) userMemberKey = keys.member(cid, cached);
    }
  } else if (request.userName !== undefined) userKey = keys.userName(request.userName);
  const eventKey =
    request.eventId !== undefined && Number.isSafeInteger(request.eventId) && request.eventId > 0
      ? keys.event(cid, request.eventId)
      : undefined;
  for (const k of [
    callerNameKey,
    callerPointerKey,
    callerMemberKey,
    memberKey,
    userKey,
    userPointerKey,
    userMemberKey,
    eventKey,
  ])
    if (k) wanted.push(k);

  const found = await batchGetItems(wanted);
  const { get } = found;
  const ctx: TimelineContext = {};
  const conversation = get(conversationKey);
  if (!conversation) return ctx;
  ctx.conversation = conversationOf(conversation);
  rememberHead(headOfItem(conversation));

  const member = get(memberKey);
  if (member) ctx.member = fromMemberItem(member);
  if (recent) {
    ctx.callerUser = recent.user;
    ctx.callerMember = recent.member;
  }
  const callerItem = get(callerNameKey);
  if (callerItem && request.callerName !== undefined) {
    ctx.callerUser = dataOf<User>(callerItem);
    const callerId = ctx.callerUser.id;
    remember(request.callerName, callerId);
    if (cachedCallerId === callerId) {
      const pointer = get(callerPointerKey);
      if (pointer) ctx.callerMember = await memberOf(pointer, ctx, found);
    } else if (ctx.member && ctx.member.user_id === callerId && ctx.member.state !== 'LEFT') {
      // The member named in the path is the caller's live one, so it is the caller's current member.
      ctx.callerMember = ctx.member;
    } else {
      const pointerKey = keys.memberOfUser(cid, callerId);
      const pointer = (await batchGetItems([pointerKey])).get(pointerKey);
      if (pointer) ctx.callerMember = await memberOf(pointer, ctx);
    }
    const key = callerKey(cid, request.callerName);
    const version = String(callerItem.updatedAt);
    const m = ctx.callerMember as (StoredMember & { user_version?: string }) | undefined;
    // A write by this member moves its user version from what it was read at to the name item's.
    if (m) guards.set(ctx, { version, memberId: m.id, expected: m.user_version });
    if (ctx.callerMember?.state === 'JOINED')
      rememberCaller(cid, request.callerName, {
        user: ctx.callerUser,
        version,
        member: ctx.callerMember,
        confirmedAt: Date.now(),
      });
    else callers.delete(key);
  }
  const user = get(userKey);
  if (user) ctx.user = dataOf<User>(user);
  const userPointer = get(userPointerKey);
  if (userPointer) ctx.userMember = await memberOf(userPointer, ctx, found);
  const event = get(eventKey);
  if (event) ctx.event = dataOf<ConversationEvent>(event);
  return ctx;
};

/** The id of the user a token names, with the same cache (one read on a miss); undefined if none. */
export const userIdOfName = async (name: string): Promise<{ id: string; user?: User } | undefined> => {
  const key = keys.userName(name);
  const item = (await batchGetItems([key])).get(key);
  if (!item) return undefined;
  const user = dataOf<User>(item);
  remember(name, user.id);
  return { id: user.id, user };
};
