import { randomUUID } from 'node:crypto';

/** Vonage-style ids: a type prefix and a lowercase UUID v4. */
export const newId = {
  conversation: () => `CON-${randomUUID()}`,
  conversationName: () => `NAM-${randomUUID()}`,
  user: () => `USR-${randomUUID()}`,
  member: () => `MEM-${randomUUID()}`,
};

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
export const ID_PATTERN = {
  conversation: new RegExp(`^CON-${UUID}$`),
  user: new RegExp(`^USR-${UUID}$`),
  member: new RegExp(`^MEM-${UUID}$`),
};

/** ISO 8601 with milliseconds and `Z`, as every Vonage timestamp. */
export const nowIso = (): string => new Date().toISOString();
