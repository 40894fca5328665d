/**
 * Reads what a member or event request needs in one BatchGet: the conversation, the caller's user (its
 * name item is a full copy) and current member, a member, a user, an event. The caller's member is keyed
 * by user id, which a token does not carry: a per-process cache of name → id lets the first batch include
 * it; the name item read in the same batch confirms the id, and only a miss costs a second read.
 */
import { BatchGetCommand, type BatchGetCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Conversation } from '../domain/conversations.ts';
import type { ConversationEvent } from '../domain/events.ts';
import { ID_PATTERN } from '../domain/ids.ts';
import type { ContextRequest, TimelineContext } from '../domain/timeline-context.ts';
import type { User } from '../domain/users.ts';
import { db, tableName } from './client.ts';
import { dataOf, isExpired } from './item.ts';
import { type Key, keys } from './keys.ts';
import { fromMemberItem } from './members-repo.ts';

const CACHE_LIMIT = 5000;
const userIds = new Map<string, string>();

/** The id this process last saw for a user name: unconfirmed, so a reader confirms it in its own batch. */
export const cachedUserIdOf = (name: string): string | undefined => userIds.get(name);

export const remember = (name: string, id: string): void => {
  if (userIds.size >= CACHE_LIMIT) userIds.delete(userIds.keys().next().value as string);
  userIds.set(name, id);
};

const keyId = (k: Key): string => `${k.pk}\u0000${k.sk}`;

/** Reads items by key (strongly consistent), following UnprocessedKeys; returns them by key. */
export const batchGet = async (wanted: Key[]): Promise<Map<string, Record<string, unknown>>> => {
  const found = new Map<string, Record<string, unknown>>();
  const unique = [...new Map(wanted.map((k) => [keyId(k), k])).values()];
  for (let i = 0; i < unique.length; i += 100) {
    let request: BatchGetCommandInput['RequestItems'] = {
      [tableName()]: { Keys: unique.slice(i, i + 100), ConsistentRead: true },
    };
    while (request && Object.keys(request).length > 0) {
      const out = await db().send(new BatchGetCommand({ RequestItems: request }));
      for (const item of out.Responses?.[tableName()] ?? [])
        found.set(keyId({ pk: String(item.pk), sk: String(item.sk) }), item);
      request = out.UnprocessedKeys as BatchGetCommandInput['RequestItems'];
    }
  }
  return found;
};

export const loadContext = async (request: ContextRequest): Promise<TimelineContext> => {
  const cid = request.conversationId;
  // Ids that cannot exist are not looked up (they would only cost a read, or be refused as keys).
  if (!ID_PATTERN.conversation.test(cid)) return {};
  const conversationKey = keys.conversation(cid);
  const wanted: Key[] = [conversationKey];
  const callerNameKey = request.callerName !== undefined ? keys.userName(request.callerName) : undefined;
  const cachedCallerId = request.callerName !== undefined ? userIds.get(request.callerName) : undefined;
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

  const items = await batchGet(wanted);
  const get = (k: Key | undefined) => (k ? items.get(keyId(k)) : undefined);
  const ctx: TimelineContext = {};
  const conversation = get(conversationKey);
  if (!conversation || isExpired(conversation)) return ctx;
  ctx.conversation = dataOf<Conversation>(conversation);

  const callerItem = get(callerNameKey);
  if (callerItem && request.callerName !== undefined) {
    ctx.callerUser = dataOf<User>(callerItem);
    const callerId = ctx.callerUser.id;
    remember(request.callerName, callerId);
    let pointer = cachedCallerId === callerId ? get(callerPointerKey) : undefined;
    if (cachedCallerId !== callerId) {
      callerPointerKey = keys.memberOfUser(cid, callerId);
      pointer = get(callerPointerKey) ?? (await batchGet([callerPointerKey])).get(keyId(callerPointerKey));
    }
    if (pointer) ctx.callerMember = fromMemberItem(pointer);
  }
  const member = get(memberKey);
  if (member) ctx.member = fromMemberItem(member);
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
  const item = (await batchGet([key])).get(keyId(key));
  if (!item) return undefined;
  const user = dataOf<User>(item);
  remember(name, user.id);
  return { id: user.id, user };
};

/** Conversations by id, in the order asked; the ones that no longer exist are left out. */
export const getConversations = async (ids: string[]): Promise<Map<string, Conversation>> => {
  const items = await batchGet(ids.map((id) => keys.conversation(id)));
  const out = new Map<string, Conversation>();
  for (const item of items.values()) {
    if (isExpired(item)) continue;
    const c = dataOf<Conversation>(item);
    out.set(c.id, c);
  }
  return out;
};
