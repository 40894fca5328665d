/**
 * Single reads of what a webhook delivery describes beyond the event it is made from: a member by id,
 * an event by id, a conversation. Consistent reads, since the event that asks for them was committed in
 * the same transaction as the member or message it names.
 */
import type { Conversation } from '../domain/conversations.ts';
import type { ConversationEvent } from '../domain/events.ts';
import type { StoredMember } from '../domain/timeline-context.ts';
import { batchGetItems } from './batch-get.ts';
import { conversationOf, dataOf } from './item.ts';
import { type Key, keys } from './keys.ts';
import { fromMemberItem } from './members-repo.ts';

/** One item, read consistently (a batch of one is a consistent GetItem). */
const getItem = async (key: Key): Promise<Record<string, unknown> | undefined> =>
  (await batchGetItems([key])).get(key);

export const subjectReads = {
  member: async (conversationId: string, memberId: string): Promise<StoredMember | undefined> => {
    const item = await getItem(keys.member(conversationId, memberId));
    return item ? fromMemberItem(item) : undefined;
  },
  event: async (conversationId: string, eventId: number): Promise<ConversationEvent | undefined> => {
    const item = await getItem(keys.event(conversationId, eventId));
    return item ? dataOf<ConversationEvent>(item) : undefined;
  },
  conversation: async (conversationId: string): Promise<Conversation | undefined> => {
    const item = await getItem(keys.conversation(conversationId));
    return item ? conversationOf(item) : undefined;
  },
};
