import { DomainError, validationError } from './errors.ts';
import { newId } from './ids.ts';

export type ConversationState = 'ACTIVE' | 'INACTIVE' | 'DELETED';

export interface ConversationProperties {
  ttl?: number;
  type?: string;
  custom_sort_key?: string;
  custom_data?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface Conversation {
  id: string;
  name: string;
  display_name?: string | null;
  image_url?: string | null;
  state: ConversationState;
  sequence_number: number;
  properties: ConversationProperties;
  numbers?: unknown[];
  callback?: Record<string, unknown>;
  timestamp: { created: string; updated?: string; destroyed?: string };
  /** Members that are INVITED or JOINED (bounded by MAX_MEMBERS_PER_CONVERSATION). */
  member_count?: number;
  /** `message` events posted so far (read state counts against it). */
  message_count?: number;
  /** The user (id) who created it with a user token; it alone may update or delete it. */
  created_by?: string;
  /** When it stops existing (ISO 8601); an ended call's conversation is kept for a while, then goes. */
  expires_at?: string;
}

export interface ConversationInput {
  name?: string;
  display_name?: string | null;
  image_url?: string | null;
  properties?: ConversationProperties;
  numbers?: unknown[];
  callback?: Record<string, unknown>;
}

/** A list's date range must not end before it starts (both ISO text, so they compare as strings). */
export const assertDateRange = (dateStart: string | undefined, dateEnd: string | undefined): void => {
  if (dateStart !== undefined && dateEnd !== undefined && dateEnd < dateStart)
    throw validationError([
      { name: 'date_end', reason: '"date_end" must be greater than or equal to "date_start"' },
    ]);
};

export const buildConversation = (
  input: ConversationInput,
  now: string,
  createdBy?: string,
): Conversation => ({
  id: newId.conversation(),
  name: input.name ?? newId.conversationName(),
  display_name: input.display_name,
  image_url: input.image_url,
  state: 'ACTIVE',
  sequence_number: 0,
  properties: { ...(input.properties ?? {}) },
  numbers: input.numbers,
  callback: input.callback,
  timestamp: { created: now },
  ...(createdBy ? { created_by: createdBy } : {}),
});

/** What a PUT may change; the sequence number, state and counters move only through events. */
export type ConversationChanges = Pick<
  Conversation,
  'name' | 'display_name' | 'image_url' | 'properties' | 'numbers' | 'callback' | 'timestamp'
>;

export const changesOf = (c: Conversation): ConversationChanges => ({
  name: c.name,
  display_name: c.display_name,
  image_url: c.image_url,
  properties: c.properties,
  numbers: c.numbers,
  callback: c.callback,
  timestamp: c.timestamp,
});

/** PUT semantics of Vonage v1: the fields sent replace the stored ones; fields not sent are kept. */
export const applyUpdate = (current: Conversation, input: ConversationInput, now: string): Conversation => ({
  ...current,
  ...(input.name !== undefined ? { name: input.name } : {}),
  ...(input.display_name !== undefined ? { display_name: input.display_name } : {}),
  ...(input.image_url !== undefined ? { image_url: input.image_url } : {}),
  ...(input.properties !== undefined ? { properties: { ...current.properties, ...input.properties } } : {}),
  ...(input.numbers !== undefined ? { numbers: input.numbers } : {}),
  ...(input.callback !== undefined ? { callback: input.callback } : {}),
  timestamp: { ...current.timestamp, updated: now },
});

/** An INACTIVE (ended) conversation only allows GET and DELETE. */
export const assertWritable = (conversation: Conversation): void => {
  if (conversation.state !== 'ACTIVE')
    throw new DomainError(
      'conversation:error:not-allowed',
      'The request failed because the current state of the conversation is INACTIVE. Only GET and DELETE actions are allowed.',
    );
};

/**
 * Whether a conversation no longer exists: past its expiry. DynamoDB deletes expired items only
 * eventually (typically within two days), so this, and not the item's presence, decides.
 */
export const isGone = (conversation: Conversation, now: string): boolean =>
  conversation.expires_at !== undefined && conversation.expires_at <= now;
