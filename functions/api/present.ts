/** Shapes domain objects into the Vonage v1 wire bodies (HAL, absolute links). */
import type { Conversation } from '../domain/conversations.ts';
import type { ConversationEvent } from '../domain/events.ts';
import { type Member, unreadCount } from '../domain/members.ts';
import type { User } from '../domain/users.ts';

const link = (href: string) => ({ self: { href } });

export const conversationUrl = (base: string, id: string) => `${base}/v1/conversations/${id}`;
export const userUrl = (base: string, id: string) => `${base}/v1/users/${id}`;

export const presentConversation = (base: string, c: Conversation) => ({
  id: c.id,
  name: c.name,
  display_name: c.display_name ?? undefined,
  image_url: c.image_url ?? undefined,
  state: c.state,
  sequence_number: c.sequence_number,
  timestamp: c.timestamp,
  properties: c.properties,
  ...(c.numbers ? { numbers: c.numbers } : {}),
  ...(c.callback ? { callback: c.callback } : {}),
  _links: link(conversationUrl(base, c.id)),
});

export const presentConversationLite = (base: string, c: Conversation) => ({
  id: c.id,
  name: c.name,
  display_name: c.display_name ?? undefined,
  image_url: c.image_url ?? undefined,
  timestamp: c.timestamp,
  _links: link(conversationUrl(base, c.id)),
});

export const presentUser = (base: string, u: User) => ({
  id: u.id,
  name: u.name,
  display_name: u.display_name ?? undefined,
  image_url: u.image_url ?? undefined,
  properties: u.properties,
  channels: u.channels ?? {},
  timestamp: u.timestamp,
  _links: link(userUrl(base, u.id)),
});

/** Another user, as a user token sees it: who it is, none of its channels or custom data. */
export const presentUserPublic = (base: string, u: User) => ({
  id: u.id,
  name: u.name,
  display_name: u.display_name ?? undefined,
  image_url: u.image_url ?? undefined,
  _links: link(userUrl(base, u.id)),
});

export const presentUserLite = (base: string, u: User) => ({
  id: u.id,
  name: u.name,
  display_name: u.display_name ?? undefined,
  _links: link(userUrl(base, u.id)),
});

export const memberUrl = (base: string, conversationId: string, memberId: string) =>
  `${conversationUrl(base, conversationId)}/members/${memberId}`;
export const eventUrl = (base: string, conversationId: string, eventId: number) =>
  `${conversationUrl(base, conversationId)}/events/${eventId}`;

/** Members link to themselves as the v1 document has it: `_links: {href}` (no `self`), everywhere. */
const memberLinks = (base: string, m: Member) => ({ href: memberUrl(base, m.conversation_id, m.id) });

const memberUser = (base: string, m: Member) => ({
  id: m.user_id,
  name: m.user_name,
  display_name: m.user_display_name ?? undefined,
  _links: link(userUrl(base, m.user_id)),
});

/**
 * A member. Besides the spec's fields it carries its read state: `last_seen_event_id` (the highest event
 * it marked `message:seen`, or its own latest message) and `unread_count` (messages after that).
 */
export const presentMember = (
  base: string,
  m: Member,
  conversation: Pick<Conversation, 'message_count'>,
) => ({
  id: m.id,
  conversation_id: m.conversation_id,
  _embedded: { user: memberUser(base, m) },
  state: m.state,
  timestamp: m.timestamp,
  initiator: m.initiator,
  channel: m.channel,
  ...(m.media ? { media: m.media } : {}),
  ...(m.knocking_id ? { knocking_id: m.knocking_id } : {}),
  ...(m.invited_by ? { invited_by: m.invited_by } : {}),
  ...(m.reason ? { reason: m.reason } : {}),
  last_seen_event_id: m.last_seen_event_id,
  unread_count: unreadCount(m, conversation.message_count ?? 0),
  _links: memberLinks(base, m),
});

export const presentMemberLite = (base: string, m: Member) => ({
  id: m.id,
  state: m.state,
  _embedded: { user: memberUser(base, m) },
  _links: memberLinks(base, m),
});

/** Events whose body names another event in `event_id`, a string in the v1 document. */
const NAMES_AN_EVENT = /^(message:(submitted|delivered|seen|rejected|undeliverable)|event:delete)$/;

/** The body as v1 spells it: `event_id` a string (events stored before it was one held a number). */
const wireBody = (type: string, body: Record<string, unknown>) =>
  NAMES_AN_EVENT.test(type) && typeof body.event_id === 'number'
    ? { ...body, event_id: String(body.event_id) }
    : body;

/** An event; ephemeral ones, which have no id, have no link either. */
export const presentEvent = (
  base: string,
  conversationId: string,
  e: Omit<ConversationEvent, 'id'> & { id?: number },
) => ({
  ...(e.id !== undefined ? { id: e.id } : {}),
  type: e.type,
  ...(e.from ? { from: e.from } : {}),
  ...(e.to ? { to: e.to } : {}),
  body: wireBody(e.type, e.body),
  timestamp: e.timestamp,
  _embedded: {
    ...(e.from_user ? { from_user: e.from_user } : {}),
    ...(e.from ? { from_member: { id: e.from } } : {}),
  },
  ...(e.id !== undefined ? { _links: link(eventUrl(base, conversationId, e.id)) } : {}),
});

/**
 * An item of `GET /v1/users/{id}/conversations`: the conversation with the user's member in `_embedded`
 * (`id`, `state`, and the read state `last_seen_event_id`, `unread_count`).
 */
export const presentUserConversation = (
  base: string,
  c: Conversation,
  m: Member,
  includeCustomData: boolean,
) => {
  const { custom_data, ...properties } = c.properties ?? {};
  return {
    id: c.id,
    name: c.name,
    display_name: c.display_name ?? undefined,
    image_url: c.image_url ?? undefined,
    state: c.state,
    sequence_number: c.sequence_number,
    properties: includeCustomData && custom_data !== undefined ? { ...properties, custom_data } : properties,
    timestamp: c.timestamp,
    _embedded: {
      id: m.id,
      state: m.state,
      last_seen_event_id: m.last_seen_event_id,
      unread_count: unreadCount(m, c.message_count ?? 0),
    },
    _links: link(conversationUrl(base, c.id)),
  };
};
