import { DomainError, notFound, validationError } from './errors.ts';
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
}

export interface ConversationInput {
  name?: string;
  display_name?: string | null;
  image_url?: string | null;
  properties?: ConversationProperties;
  numbers?: unknown[];
  callback?: Record<string, unknown>;
}

export interface ListQuery {
  order: 'asc' | 'desc';
  pageSize: number;
  dateStart?: string;
  dateEnd?: string;
}

/** A list's date range must not end before it starts (both ISO text, so they compare as strings). */
export const assertDateRange = (dateStart: string | undefined, dateEnd: string | undefined): void => {
  if (dateStart !== undefined && dateEnd !== undefined && dateEnd < dateStart)
    throw validationError([
      { name: 'date_end', reason: '"date_end" must be greater than or equal to "date_start"' },
    ]);
};

/** What the conversation rules need from storage. */
export interface ConversationRepository {
  /** Writes a new conversation and claims its name; throws `conflict.conversationName()` if taken. */
  create(conversation: Conversation): Promise<void>;
  get(id: string): Promise<Conversation | undefined>;
  /** Replaces a conversation (moving its name claim if the name changed); throws on a taken name. */
  update(previous: Conversation, next: Conversation): Promise<void>;
  /** Removes a conversation, its name claim and everything in its partition; false when there is none. */
  remove(id: string): Promise<boolean>;
}

export const buildConversation = (input: ConversationInput, now: string): Conversation => ({
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
});

export const createConversation = async (
  repo: ConversationRepository,
  input: ConversationInput,
  now: string,
): Promise<Conversation> => {
  const conversation = buildConversation(input, now);
  await repo.create(conversation);
  return conversation;
};

export const getConversation = async (repo: ConversationRepository, id: string): Promise<Conversation> => {
  const conversation = await repo.get(id);
  if (!conversation) throw notFound.conversation();
  return conversation;
};

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

export const updateConversation = async (
  repo: ConversationRepository,
  id: string,
  input: ConversationInput,
  now: string,
): Promise<Conversation> => {
  const current = await getConversation(repo, id);
  assertWritable(current);
  const next = applyUpdate(current, input, now);
  await repo.update(current, next);
  return next;
};

/** Deletes by id: the store reads what it deletes itself (one read, not a read per layer). */
export const deleteConversation = async (repo: ConversationRepository, id: string): Promise<void> => {
  if (!(await repo.remove(id))) throw notFound.conversation();
};
