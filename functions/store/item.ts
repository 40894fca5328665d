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
 * Whether an item's TTL has passed. DynamoDB deletes expired items only eventually (typically within two
 * days), so readers treat an expired item as gone themselves.
 */
export const isExpired = (item: Record<string, unknown>, nowMs = Date.now()): boolean =>
  typeof item.expiresAt === 'number' && item.expiresAt * 1000 <= nowMs;
