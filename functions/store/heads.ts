/**
 * The per-process cache of conversation heads: the conversation item as this process last wrote or read it
 * (its `sequence_number`, counters, state). A steady stream of appends from one process commits without
 * reading first. It is only ever a guess: every append is conditioned on the cached `sequence_number`, and
 * every change to a conversation item moves it (or deletes the item), so a stale head costs one failed
 * condition, a read and a retry, never a wrong write.
 */
import type { Conversation } from '../domain/conversations.ts';
import { dataOf, isExpired } from './item.ts';

export interface Head {
  conversation: Conversation;
  /** The item's TTL (epoch seconds), checked by readers since DynamoDB deletes late. */
  expiresAt?: number;
}

const LIMIT = 2000;
const heads = new Map<string, Head>();

export const headOfItem = (item: Record<string, unknown>): Head => ({
  conversation: dataOf<Conversation>(item),
  expiresAt: typeof item.expiresAt === 'number' ? item.expiresAt : undefined,
});

export const isHeadExpired = (head: Head, nowMs = Date.now()): boolean =>
  isExpired({ expiresAt: head.expiresAt }, nowMs);

/** The cached head of a conversation, unless it has none or its TTL has passed. */
export const cachedHead = (conversationId: string): Head | undefined => {
  const head = heads.get(conversationId);
  if (!head) return undefined;
  if (isHeadExpired(head)) {
    heads.delete(conversationId);
    return undefined;
  }
  return head;
};

/**
 * Keeps `head` unless a later one is cached already (a read that raced with a commit of this process
 * must not take the cache back).
 */
export const rememberHead = (head: Head): void => {
  const id = head.conversation.id;
  const known = heads.get(id);
  if (known && known.conversation.sequence_number > head.conversation.sequence_number) return;
  heads.delete(id);
  if (heads.size >= LIMIT) heads.delete(heads.keys().next().value as string);
  heads.set(id, head);
};

export const forgetHead = (conversationId: string): void => {
  heads.delete(conversationId);
};
