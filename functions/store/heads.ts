/**
 * The per-process cache of conversation heads: the conversation item as this process last wrote or read it
 * (its `sequence_number`, counters, state). A steady stream of appends from one process commits without
 * reading first. It is only ever a guess: every append is conditioned on the cached `sequence_number`, and
 * every change to a conversation item moves it (or deletes the item), so a stale head costs one failed
 * condition, a read and a retry, never a wrong write.
 */
import type { Conversation } from '../domain/conversations.ts';
import { conversationOf } from './item.ts';

export interface Head {
  /** The conversation item as last seen, its `expires_at` included (the use-cases decide existence). */
  conversation: Conversation;
}

const LIMIT = 2000;
const heads = new Map<string, Head>();

export const headOfItem = (item: Record<string, unknown>): Head => ({ conversation: conversationOf(item) });

/** The cached head of a conversation, if this process has one. */
export const cachedHead = (conversationId: string): Head | undefined => heads.get(conversationId);

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
