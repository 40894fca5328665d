/** Conversation events: what is stored per event, and the system events Parley writes itself. */
import type { Conversation } from './conversations.ts';
import { DomainError, validationError } from './errors.ts';
import type { Member } from './members.ts';

export interface EventUser {
  id: string;
  name: string;
  display_name?: string | null;
  image_url?: string | null;
  custom_data?: Record<string, unknown>;
}

export interface ConversationEvent {
  /** Per-conversation integer id: 1, 2, 3, … without gaps. */
  id: number;
  type: string;
  /** Member id of the sender; absent for events of the system. */
  from?: string;
  to?: string;
  body: Record<string, unknown>;
  timestamp: string;
  /** The sender's user at the time of the event, for `_embedded.from_user`. */
  from_user?: EventUser;
  /** For `message` events: how many messages the conversation holds up to and including this one. */
  message_index?: number;
  /** Set when the event was deleted: its body is gone, a tombstone stays. */
  deleted?: string;
  /** When a message's body was last edited (ISO 8601). */
  edited?: string;
}

/**
 * A new event of a conversation as it leaves the table (through its stream), exactly as stored; or, with
 * `edit`, a stored message as it is once edited in place (an edit leaves no new event).
 */
export interface StreamedEvent {
  conversationId: string;
  event: ConversationEvent;
  edit?: true;
}

/** An event before the conversation assigns its id. */
export type NewEvent = Omit<ConversationEvent, 'id'>;

const memberUser = (m: Member) => ({
  id: m.user_id,
  user_id: m.user_id,
  member_id: m.id,
  name: m.user_name,
  display_name: m.user_display_name ?? undefined,
});

const initiatorBody = (m: Member, which: 'invited' | 'joined' | 'left') => {
  const i = m.initiator[which];
  return i ? { [which]: { isSystem: i.is_system, member_id: i.member_id, user_id: i.user_id } } : undefined;
};

/** `member:invited`, `member:joined` or `member:left` for a member in its new state. */
export const memberEvent = (
  member: Member,
  conversation: { id: string; name: string; display_name?: string | null; image_url?: string | null },
  now: string,
  from?: string,
): NewEvent => {
  const which = member.state === 'INVITED' ? 'invited' : member.state === 'JOINED' ? 'joined' : 'left';
  const body: Record<string, unknown> = {
    member_id: member.id,
    user: memberUser(member),
    channel: member.channel,
    media: member.media,
    timestamp: member.timestamp,
    initiator: initiatorBody(member, which),
  };
  if (which === 'invited') {
    body.invited_by = member.invited_by;
    body.conversation = {
      conversation_id: conversation.id,
      name: conversation.name,
      display_name: conversation.display_name ?? undefined,
      image_url: conversation.image_url ?? undefined,
    };
  }
  if (which === 'left' && member.reason) body.reason = member.reason;
  return { type: `member:${which}`, from: from ?? member.id, body, timestamp: now };
};

/** Delivered to whoever listens, never stored: answered without joining the timeline. */
export const EPHEMERAL_TYPES: ReadonlySet<string> = new Set([
  'ephemeral',
  'text:typing:on',
  'text:typing:off',
]);

/**
 * What a conversation counts as a message: `message`, and `text`, the text message of the legacy API
 * (nexmo-client 9.x sends it on `/beta`). Both count towards unread counts and may be deleted.
 */
export const MESSAGE_TYPES: ReadonlySet<string> = new Set(['message', 'text']);

/** Receipts about a message: their body names it in `event_id` (`text:*` are the legacy ones). */
export const RECEIPT_TYPES: ReadonlySet<string> = new Set([
  'message:submitted',
  'message:delivered',
  'message:seen',
  'message:rejected',
  'message:undeliverable',
  'text:delivered',
  'text:seen',
]);

/** Receipts that mark everything up to their message as read by their sender. */
export const SEEN_TYPES: ReadonlySet<string> = new Set(['message:seen', 'text:seen']);

/**
 * An event filter group of the Client SDKs: `ChatEvents` (version 3) is what @vonage/client-sdk lists as a
 * chat history: messages, member changes, deletions and custom events. Receipts and the legacy `text`
 * events are left out: the SDK cannot decode them inside that list.
 */
export const EVENT_GROUPS = new Map<string, { types: string[]; prefixes: string[] }>([
  [
    'ChatEvents',
    {
      types: ['message', 'member:invited', 'member:joined', 'member:left', 'event:delete'],
      prefixes: ['custom:'],
    },
  ],
]);

export const CUSTOM_TYPE = /^custom:[\w\-:]+$/;

/** Vonage: "Only message and custom events can be deleted". */
export const isDeletable = (type: string): boolean => MESSAGE_TYPES.has(type) || CUSTOM_TYPE.test(type);

export const eventErrors = {
  notJoined: () =>
    new DomainError(
      'event:error:not-joined',
      "The request failed due to the member not being in a 'JOINED' state. Please update the member state and try again.",
    ),
  notYourMember: () =>
    new DomainError('event:error:permission-denied', 'A user token may only send events as its own member.'),
  deleteType: () =>
    new DomainError(
      'event:error:delete-not-allowed',
      'The request failed because the event is not allowed to be deleted. Only message and custom events are allowed.',
    ),
  deleteNotSender: () =>
    new DomainError(
      'event:error:permission-denied',
      'You do not have access to the event: only its sender or an admin token may delete it.',
    ),
  notAMessage: () =>
    new DomainError(
      'event:error:not-found',
      'The event named by "event_id" does not exist or is not a message.',
    ),
};

/** The sender's user as events embed it. */
export const eventUserOf = (u: {
  id: string;
  name: string;
  display_name?: string | null;
  image_url?: string | null;
  properties?: { custom_data?: Record<string, unknown> };
}): EventUser => ({
  id: u.id,
  name: u.name,
  display_name: u.display_name ?? undefined,
  image_url: u.image_url ?? undefined,
  custom_data: u.properties?.custom_data,
});

export const memberEventUser = (m: Member): EventUser => ({
  id: m.user_id,
  name: m.user_name,
  display_name: m.user_display_name ?? undefined,
});

/** `conversation:updated`, appended by `PUT /v1/conversations/{id}`. */
export const conversationUpdatedEvent = (c: Conversation, now: string, from?: string): NewEvent => ({
  type: 'conversation:updated',
  from,
  body: {
    id: c.id,
    name: c.name,
    display_name: c.display_name ?? undefined,
    image_url: c.image_url ?? undefined,
    state: c.state,
    timestamp: c.timestamp,
  },
  timestamp: now,
});

/** `event:delete`, appended when a message or custom event is deleted; `event_id` a string, as in v1. */
export const eventDeletedEvent = (
  eventId: number,
  now: string,
  from?: string,
  fromUser?: EventUser,
): NewEvent => ({
  type: 'event:delete',
  from,
  body: { event_id: String(eventId) },
  timestamp: now,
  from_user: fromUser,
});

/** An event-id range must not end before it starts. */
export const assertEventIdRange = (startId: number | undefined, endId: number | undefined): void => {
  if (startId !== undefined && endId !== undefined && endId < startId)
    throw validationError([
      { name: 'end_id', reason: '"end_id" must be greater than or equal to ref:start_id' },
    ]);
};
