import type { Conversation } from '../domain/conversations.ts';

/** Attributes every item carries besides its data: the entity tag and its own bookkeeping times. */
export interface ItemMeta {
  _et: string;
  createdAt: string;
  updatedAt: string;
}

const META = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', '_et', 'createdAt', 'updatedAt', 'expiresAt']);

/** The domain object stored in an item: every attribute that is not a key or bookkeeping. */
export const dataOf = <T>(item: Record<string, unknown>): T => {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) if (!META.has(k)) out[k] = v;
  return out as T;
};

export const meta = (entity: string, createdAt: string, updatedAt = createdAt): ItemMeta => ({
  _et: entity,
  createdAt,
  updatedAt,
});

/**
 * The table's TTL attribute (epoch seconds) for an expiry in ISO text: DynamoDB removes the item some time
 * after it. Whether a conversation still exists is decided by the domain from `expires_at`, not by this.
 */
export const ttlOf = (expiresAt: string): number => Math.floor(Date.parse(expiresAt) / 1000);

/** Attributes to set on a conversation item, with the TTL attribute that goes with a new expiry. */
export const withTtl = (set: Record<string, unknown>): Record<string, unknown> =>
  typeof set.expires_at === 'string' ? { ...set, expiresAt: ttlOf(set.expires_at) } : set;

/** The conversation an item holds, its expiry read from the TTL attribute (which DynamoDB acts on). */
export const conversationOf = (item: Record<string, unknown>): Conversation => {
  const conversation = dataOf<Conversation>(item);
  if (typeof item.expiresAt === 'number')
    conversation.expires_at = new Date(item.expiresAt * 1000).toISOString();
  return conversation;
};
