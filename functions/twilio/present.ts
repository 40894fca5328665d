/**
 * Parley's conversations, members, events and users in Twilio Conversations' JSON (snake_case keys,
 * `attributes` as JSON text, SIDs from functions/twilio/sids.ts). A conversation's custom data is its
 * `attributes`, its display name its `friendly_name`, its name its `unique_name` (a name Parley generated,
 * `NAM-<uuid>`, is none); a user's name is its `identity`.
 */
import { config } from '../config.ts';
import { addressOfUserName, bindingOf } from '../domain/bindings.ts';
import type { Conversation } from '../domain/conversations.ts';
import type { ConversationEvent } from '../domain/events.ts';
import { type Member, unreadCount } from '../domain/members.ts';
import type { Membership } from '../domain/ports.ts';
import type { TwilioWebhookConfig } from '../domain/twilio-webhooks.ts';
import type { User } from '../domain/users.ts';
import { conversationSid, derivedSid, memberSid, messageSid, userSid } from './sids.ts';

const accountSid = (): string => config().twilioAccountSid ?? '';

/** The one chat service of the account, as Twilio names the default one. */
const chatServiceSid = (): string => derivedSid('IS', `chat-service:${accountSid()}`);

/** Twilio's timestamps: ISO 8601 to the second. */
const iso = (t: string | undefined): string | null => (t ? t.replace(/\.\d{3}Z$/, 'Z') : null);

const after = (start: string, seconds: number | undefined): string | null =>
  seconds === undefined ? null : iso(new Date(Date.parse(start) + seconds * 1000).toISOString());

const GENERATED_NAME = /^NAM-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const uniqueNameOf = (c: Conversation): string | null => (GENERATED_NAME.test(c.name) ? null : c.name);

const attributesOf = (data: unknown): string => JSON.stringify(data ?? {});

/** Timers as Parley records them (`properties.timers`, seconds): shown, not acted on. */
interface Timers {
  inactive?: number;
  closed?: number;
}

const timersOf = (c: Conversation) => {
  const timers = (c.properties.timers ?? {}) as Timers;
  const out: Record<string, string> = {};
  const inactive = after(c.timestamp.created, timers.inactive);
  const closed = after(c.timestamp.created, timers.closed);
  if (inactive) out.date_inactive = inactive;
  if (closed) out.date_closed = closed;
  return out;
};

const stateOf = (c: Conversation): string => (c.state === 'ACTIVE' ? 'active' : 'closed');

export const conversationUrl = (root: string, conversationId: string): string =>
  `${root}/Conversations/${conversationSid.encode(conversationId)}`;

export const presentConversation = (root: string, c: Conversation) => {
  const url = conversationUrl(root, c.id);
  return {
    account_sid: accountSid(),
    chat_service_sid: chatServiceSid(),
    messaging_service_sid: null,
    sid: conversationSid.encode(c.id),
    friendly_name: c.display_name ?? null,
    unique_name: uniqueNameOf(c),
    attributes: attributesOf(c.properties.custom_data),
    state: stateOf(c),
    date_created: iso(c.timestamp.created),
    date_updated: iso(c.timestamp.updated ?? c.timestamp.created),
    timers: timersOf(c),
    bindings: null,
    url,
    links: {
      participants: `${url}/Participants`,
      messages: `${url}/Messages`,
      webhooks: `${url}/Webhooks`,
    },
  };
};

/** A member's identity: its user's name for a chat member, none for one reached at an address. */
const identityOf = (m: Member): string | null => (bindingOf(m) ? null : m.user_name);

const messagingBindingOf = (m: Member) => {
  const binding = bindingOf(m);
  return binding ? { type: 'sms', address: binding.address, proxy_address: binding.proxyAddress } : null;
};

/** A member as read, with the time its item was written when the store gave it. */
type MemberAsRead = Member & { createdAt?: string };

const memberTimes = (m: MemberAsRead) => {
  const times = [m.timestamp.invited, m.timestamp.joined, m.timestamp.left]
    .filter((t): t is string => t !== undefined)
    .sort();
  const created = m.createdAt ?? times[0];
  return { created, updated: times.at(-1) ?? created };
};

export const presentParticipant = (root: string, m: MemberAsRead) => {
  const sid = memberSid.encode(m.id);
  const times = memberTimes(m);
  return {
    account_sid: accountSid(),
    chat_service_sid: chatServiceSid(),
    conversation_sid: conversationSid.encode(m.conversation_id),
    sid,
    identity: identityOf(m),
    attributes: '{}',
    messaging_binding: messagingBindingOf(m),
    role_sid: null,
    date_created: iso(times.created),
    date_updated: iso(times.updated),
    url: `${conversationUrl(root, m.conversation_id)}/Participants/${sid}`,
    last_read_message_index: m.last_seen_event_id > 0 ? m.last_seen_event_id : null,
    last_read_timestamp: null,
  };
};

/** Who wrote a message: its sender's identity (or address), the author it was given, or `system`. */
const authorOf = (e: ConversationEvent): string => {
  if (e.from_user) return addressOfUserName(e.from_user.name) ?? e.from_user.name;
  return typeof e.body.author === 'string' ? e.body.author : 'system';
};

export const presentMessage = (root: string, conversationId: string, e: ConversationEvent) => {
  const sid = messageSid.encode(conversationId, e.id);
  const url = `${conversationUrl(root, conversationId)}/Messages/${sid}`;
  return {
    account_sid: accountSid(),
    chat_service_sid: chatServiceSid(),
    conversation_sid: conversationSid.encode(conversationId),
    sid,
    index: e.id,
    author: authorOf(e),
    body: typeof e.body.text === 'string' ? e.body.text : null,
    media: null,
    attributes: attributesOf(e.body.custom_data),
    participant_sid: e.from ? memberSid.encode(e.from) : null,
    date_created: iso(e.timestamp),
    date_updated: iso(e.edited ?? e.timestamp),
    url,
    delivery: null,
    content_sid: null,
    links: { delivery_receipts: `${url}/Receipts`, channel_metadata: `${url}/ChannelMetadata` },
  };
};

export const userUrl = (root: string, userId: string): string => `${root}/Users/${userSid.encode(userId)}`;

export const presentUser = (root: string, u: User) => {
  const url = userUrl(root, u.id);
  return {
    sid: userSid.encode(u.id),
    account_sid: accountSid(),
    chat_service_sid: chatServiceSid(),
    role_sid: null,
    identity: u.name,
    friendly_name: u.display_name ?? null,
    attributes: attributesOf(u.properties.custom_data),
    is_online: null,
    is_notifiable: null,
    date_created: iso(u.timestamp.created),
    date_updated: iso(u.timestamp.updated ?? u.timestamp.created),
    url,
    links: { user_conversations: `${url}/Conversations` },
  };
};

/** One of a user's conversations, with the user's read state there (Parley's: never null). */
export const presentUserConversation = (
  root: string,
  { conversation: c, member: m }: { conversation: Conversation; member: Member },
) => {
  const participant = `${conversationUrl(root, c.id)}/Participants/${memberSid.encode(m.id)}`;
  return {
    account_sid: accountSid(),
    chat_service_sid: chatServiceSid(),
    conversation_sid: conversationSid.encode(c.id),
    unread_messages_count: unreadCount(m, c.message_count ?? 0),
    last_read_message_index: m.last_seen_event_id,
    participant_sid: memberSid.encode(m.id),
    user_sid: userSid.encode(m.user_id),
    friendly_name: c.display_name ?? null,
    conversation_state: stateOf(c),
    timers: timersOf(c),
    attributes: attributesOf(c.properties.custom_data),
    date_created: iso(c.timestamp.created),
    date_updated: iso(c.timestamp.updated ?? c.timestamp.created),
    created_by: null,
    notification_level: 'default',
    unique_name: uniqueNameOf(c),
    url: `${userUrl(root, m.user_id)}/Conversations/${conversationSid.encode(c.id)}`,
    links: { participant, conversation: conversationUrl(root, c.id) },
  };
};

/** One conversation of an identity or an address, as `/v1/ParticipantConversations` lists it. */
export const presentParticipantConversation = (root: string, { conversation: c, member: m }: Membership) => ({
  account_sid: accountSid(),
  chat_service_sid: chatServiceSid(),
  participant_sid: memberSid.encode(m.id),
  participant_user_sid: bindingOf(m) ? null : userSid.encode(m.user_id),
  participant_identity: identityOf(m),
  participant_messaging_binding: messagingBindingOf(m),
  conversation_sid: conversationSid.encode(c.id),
  conversation_unique_name: uniqueNameOf(c),
  conversation_friendly_name: c.display_name ?? null,
  conversation_attributes: attributesOf(c.properties.custom_data),
  conversation_date_created: iso(c.timestamp.created),
  conversation_date_updated: iso(c.timestamp.updated ?? c.timestamp.created),
  conversation_created_by: null,
  conversation_state: stateOf(c),
  conversation_timers: timersOf(c),
  links: {
    participant: `${conversationUrl(root, c.id)}/Participants/${memberSid.encode(m.id)}`,
    conversation: conversationUrl(root, c.id),
  },
});

/** `/v1/Configuration/Webhooks`: the account's post-event webhook (pre-event ones are never set). */
export const presentWebhookConfiguration = (root: string, w: TwilioWebhookConfig) => ({
  account_sid: accountSid(),
  method: w.method,
  filters: w.filters,
  pre_webhook_url: null,
  post_webhook_url: w.post_webhook_url ?? null,
  target: w.target,
  url: `${root}/Configuration/Webhooks`,
});
