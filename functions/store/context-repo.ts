/**
 * Reads what a member or event request needs in one BatchGet: the conversation, the caller's user (its
 * name item is a full copy) and current member, a member, a user, an event. The caller's member is keyed
 * by user id, which a token does not carry: a per-process cache of name → id lets the first batch include
 * it; the name item read in the same batch confirms the id, and only a miss costs a second read (none when
 * the member named in the path is the caller's own live member: a user has at most one).
 *
 * A request that will only append (`reuse`) may instead be answered from memory, without a read: the
 * conversation's cached head and what the last read said about the caller (user, name item version, its
 * JOINED member). That is safe only because the write re-checks every such fact in its own transaction:
 * `callerCheckItem` (the name still names that user, unchanged), the member's JOINED condition, and the
 * head's `sequence_number`; any failure drops the cached caller and the request is decided again on a read.
 */

import type { ConversationEvent } from '../domain/events.ts';
import { ID_PATTERN } from '../domain/ids.ts';
import type { ContextRequest, StoredMember, TimelineContext } from '../domain/timeline-context.ts';
import type { User } from '../domain/users.ts';
import { batchGetItems } from './batch-get.ts';
import { tableName } from './client.ts';
import { cachedHead, headOfItem, rememberHead } from './heads.ts';
import { conversationOf, dataOf } from './item.ts';
import { type Key, keys } from './keys.ts';
import { fromMemberItem } from './members-repo.ts';
import type { TransactItem } from './transact.ts';

const CACHE_LIMIT = 5000;
const userIds = new Map<string, string>();

/** The id this process last saw for a user name: unconfirmed, so a reader confirms it in its own batch. */
export const cachedUserIdOf = (name: string): string | undefined => userIds.get(name);

export const remember = (name: string, id: string): void => {
  if (userIds.size >= CACHE_LIMIT) userIds.delete(userIds.keys().next().value as string);
  userIds.set(name, id);
};

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

const rememberCaller = (conversationId: string, name: string, facts: CallerFacts): void => {
  const key = callerKey(conversationId, name);
  callers.delete(key);
  if (callers.size >= CACHE_LIMIT) callers.delete(callers.keys().next().value as string);
  callers.set(key, facts);
};

/** Contexts answered from memory, with the caller facts their write must re-check. */
const fromMemory = new WeakMap<
  TimelineContext,
  { conversationId: string; name: string; facts: CallerFacts }
>();

/**
 * The transaction item that re-checks a context answered from memory: the token's name still names the
 * same user, unchanged since it was read. Undefined for a context that was read.
 */
export const callerCheckItem = (ctx: TimelineContext): TransactItem | undefined => {
  const remembered = fromMemory.get(ctx);
  if (!remembered) return undefined;
  return {
    ConditionCheck: {
      TableName: tableName(),
      Key: keys.userName(remembered.name),
      ConditionExpression: 'id = :id AND updatedAt = :version',
      ExpressionAttributeValues: { ':id': remembered.facts.user.id, ':version': remembered.facts.version },
    },
  };
};

/** After a write: the caller's member as it now is (JOINED), or forget it (its write failed a condition). */
export const updateCaller = (ctx: TimelineContext, member?: StoredMember): void => {
  const name = ctx.callerUser?.name;
  const id = ctx.conversation?.id;
  if (!name || !id) return;
  const key = callerKey(id, fromMemory.get(ctx)?.name ?? name);
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

/** The caller facts a read may use instead of reading the caller's user and member (`recentCaller`). */
const recentFacts = (request: ContextRequest): CallerFacts | undefined => {
  const { callerName, recentCaller } = request;
  if (callerName === undefined || recentCaller === undefined) return undefined;
  if (request.userId !== undefined || request.userName !== undefined) return undefined;
  const facts = callers.get(callerKey(request.conversationId, callerName));
  return facts && Date.now() - facts.confirmedAt <= recentCaller ? facts : undefined;
};

const answerFromMemory = (request: ContextRequest): TimelineContext | undefined => {
  const { conversationId, callerName } = request;
  if (callerName === undefined || request.userId !== undefined || request.userName !== undefined) return;
  if (request.eventId !== undefined) return;
  const facts = callers.get(callerKey(conversationId, callerName));
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
  fromMemory.set(ctx, { conversationId, name: callerName, facts });
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
  let callerPointerKey = cachedCallerId ? keys.memberOfUser(cid, cachedCallerId) : undefined;
  const memberKey =
    request.memberId !== undefined && ID_PATTERN.member.test(request.memberId)
      ? keys.member(cid, request.memberId)
      : undefined;
  let userKey: Key | undefined;
  let userPointerKey: Key | undefined;
  if (request.userId !== undefined) {
    if (ID_PATTERN.user.test(request.userId)) {
      userKey = keys.user(request.userId);
      userPointerKey = keys.memberOfUser(cid, request.userId);
    }
  } else if (request.userName !== undefined) userKey = keys.userName(request.userName);
  const eventKey =
    request.eventId !== undefined && Number.isSafeInteger(request.eventId) && request.eventId > 0
      ? keys.event(cid, request.eventId)
      : undefined;
  for (const k of [callerNameKey, callerPointerKey, memberKey, userKey, userPointerKey, eventKey])
    if (k) wanted.push(k);

  const { get } = await batchGetItems(wanted);
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
      if (pointer) ctx.callerMember = fromMemberItem(pointer);
    } else if (ctx.member && ctx.member.user_id === callerId && ctx.member.state !== 'LEFT') {
      // The member named in the path is the caller's live one, so it is the caller's current member.
      ctx.callerMember = ctx.member;
    } else {
      callerPointerKey = keys.memberOfUser(cid, callerId);
      const pointer = (await batchGetItems([callerPointerKey])).get(callerPointerKey);
      if (pointer) ctx.callerMember = fromMemberItem(pointer);
    }
    const key = callerKey(cid, request.callerName);
    if (ctx.callerMember?.state === 'JOINED')
      rememberCaller(cid, request.callerName, {
        user: ctx.callerUser,
        version: String(callerItem.updatedAt),
        member: ctx.callerMember,
        confirmedAt: Date.now(),
      });
    else callers.delete(key);
  }
  const user = get(userKey);
  if (user) ctx.user = dataOf<User>(user);
  const userPointer = get(userPointerKey);
  if (userPointer) ctx.userMember = fromMemberItem(userPointer);
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
