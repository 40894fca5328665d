/**
 * Twilio Conversations' service-level post-event webhooks over the application webhooks pipeline: the
 * configuration (`/v1/Configuration/Webhooks`: a post-event URL, a method, the events wanted), which
 * stored event is which Twilio post-event, and the form fields each one sends. The fields are taken from
 * the Twilio surface's own presentation of the message, participant or conversation (its SIDs, its
 * timestamps), so a receiver sees exactly what `GET …/Messages/{sid}` shows. Nothing here does I/O.
 */
import type { ConversationEvent } from './events.ts';

/** The post-events Twilio sends (after the fact). */
export const TWILIO_POST_EVENTS = [
  'onMessageAdded',
  'onMessageUpdated',
  'onMessageRemoved',
  'onConversationAdded',
  'onConversationUpdated',
  'onConversationRemoved',
  'onConversationStateUpdated',
  'onParticipantAdded',
  'onParticipantUpdated',
  'onParticipantRemoved',
  'onDeliveryUpdated',
  'onUserAdded',
  'onUserUpdated',
] as const;

/** The pre-events (a synchronous veto): accepted in `Filters`, as Twilio shares one list, never sent. */
export const TWILIO_PRE_EVENTS = [
  'onMessageAdd',
  'onMessageUpdate',
  'onMessageRemove',
  'onConversationAdd',
  'onConversationUpdate',
  'onConversationRemove',
  'onParticipantAdd',
  'onParticipantUpdate',
  'onParticipantRemove',
  'onUserAdd',
  'onUserUpdate',
] as const;

export const TWILIO_FILTERS = [...TWILIO_POST_EVENTS, ...TWILIO_PRE_EVENTS] as const;

export type TwilioPostEvent = (typeof TWILIO_POST_EVENTS)[number];
export type TwilioFilter = (typeof TWILIO_FILTERS)[number];

/** The account's webhook configuration, as stored (one item beside the application's settings). */
export interface TwilioWebhookConfig {
  method: 'GET' | 'POST';
  filters: TwilioFilter[];
  /** Where post-events go; none, nothing is sent. */
  post_webhook_url?: string;
  target: 'webhook';
}

/** Twilio's defaults: POST, no URL, no filters (so nothing is sent until both are set). */
export const DEFAULT_TWILIO_WEBHOOKS: TwilioWebhookConfig = {
  method: 'POST',
  filters: [],
  target: 'webhook',
};

/** What `POST /v1/Configuration/Webhooks` may change; absent fields stay as they are. */
export interface TwilioWebhookUpdate {
  method?: 'GET' | 'POST';
  filters?: TwilioFilter[];
  /** An empty text clears the URL. */
  postWebhookUrl?: string;
}

export const applyTwilioWebhookUpdate = (
  current: TwilioWebhookConfig,
  update: TwilioWebhookUpdate,
): TwilioWebhookConfig => {
  const next: TwilioWebhookConfig = {
    method: update.method ?? current.method,
    // Twilio keeps each filter once, in the order first given.
    filters: update.filters ? [...new Set(update.filters)] : current.filters,
    target: 'webhook',
  };
  const url = update.postWebhookUrl === undefined ? current.post_webhook_url : update.postWebhookUrl;
  if (url) next.post_webhook_url = url;
  return next;
};

/** Which Twilio resource an event's post-event describes, and so what must be read to present it. */
export type TwilioSubject = 'message' | 'removed-message' | 'participant' | 'conversation';

export interface TwilioMapping {
  eventType: TwilioPostEvent;
  subject: TwilioSubject;
}

/**
 * The Twilio post-event of a stored event, or undefined when it has none. The Twilio surface shows
 * `message` events as messages, members that are not LEFT as participants, and a conversation's fields;
 * so: a `message` is `onMessageAdded`; `event:delete` is `onMessageRemoved` (when what it deleted was a
 * message, which only reading it tells); `member:invited` and `member:joined` add a participant, except
 * a join after an invitation, which only updates one already there; `member:left` removes it;
 * `conversation:updated` is `onConversationUpdated`. Receipts, custom events, legs and calls have no
 * Twilio counterpart. An edit of a message (the stored message changed in place) is `onMessageUpdated`.
 */
export const twilioMappingOf = (event: ConversationEvent, edit = false): TwilioMapping | undefined => {
  if (edit)
    return event.type === 'message' ? { eventType: 'onMessageUpdated', subject: 'message' } : undefined;
  switch (event.type) {
    case 'message':
      return { eventType: 'onMessageAdded', subject: 'message' };
    case 'event:delete':
      return { eventType: 'onMessageRemoved', subject: 'removed-message' };
    case 'member:invited':
      return { eventType: 'onParticipantAdded', subject: 'participant' };
    case 'member:joined': {
      const invited = (event.body.timestamp as { invited?: string } | undefined)?.invited;
      return { eventType: invited ? 'onParticipantUpdated' : 'onParticipantAdded', subject: 'participant' };
    }
    case 'member:left':
      return { eventType: 'onParticipantRemoved', subject: 'participant' };
    case 'conversation:updated':
      return { eventType: 'onConversationUpdated', subject: 'conversation' };
    default:
      return undefined;
  }
};

/** Whether the configuration sends this post-event: a URL is set and its filters name it. */
export const sendsTwilioEvent = (config: TwilioWebhookConfig, eventType: TwilioPostEvent): boolean =>
  config.post_webhook_url !== undefined && config.filters.includes(eventType);

/** The member a member event is about. */
export const memberIdOfEvent = (event: ConversationEvent): string | undefined =>
  typeof event.body.member_id === 'string' ? event.body.member_id : undefined;

/** The event an `event:delete` deleted. */
export const deletedEventIdOf = (event: ConversationEvent): number | undefined => {
  const id = Number(event.body.event_id);
  return Number.isInteger(id) && id > 0 ? id : undefined;
};

/**
 * `SDK` when a user (a client, with its own token) made the change, `API` when the server did (an admin
 * token, Twilio credentials). Parley records who acted on member changes only (`initiator`); every other
 * event is reported as `API`.
 */
export const sourceOf = (event: ConversationEvent): 'API' | 'SDK' => {
  const which = event.type.startsWith('member:') ? event.type.slice('member:'.length) : undefined;
  const initiator = which
    ? (event.body.initiator as Record<string, { isSystem?: boolean }> | undefined)?.[which]
    : undefined;
  return initiator && initiator.isSystem === false ? 'SDK' : 'API';
};

/** The Twilio surface's JSON of a message, as far as a post-event reads it. */
export interface TwilioMessageJson {
  account_sid: string;
  chat_service_sid: string;
  conversation_sid: string;
  sid: string;
  index: number;
  author: string;
  body: string | null;
  attributes: string;
  participant_sid: string | null;
  date_created: string | null;
  date_updated: string | null;
}

/** The Twilio surface's JSON of a participant, as far as a post-event reads it. */
export interface TwilioParticipantJson {
  account_sid: string;
  chat_service_sid: string;
  conversation_sid: string;
  sid: string;
  identity: string | null;
  attributes: string;
  messaging_binding: { type: string; address: string; proxy_address: string } | null;
  role_sid: string | null;
  date_created: string | null;
  date_updated: string | null;
}

/** The Twilio surface's JSON of a conversation, as far as a post-event reads it. */
export interface TwilioConversationJson {
  account_sid: string;
  chat_service_sid: string;
  messaging_service_sid: string | null;
  sid: string;
  friendly_name: string | null;
  unique_name: string | null;
  attributes: string;
  state: string;
  date_created: string | null;
  date_updated: string | null;
}

/** The presented resource of a post-event (one, by its subject). */
export type TwilioSubjectJson =
  | { subject: 'message'; message: TwilioMessageJson }
  | { subject: 'removed-message'; message: TwilioMessageJson }
  | { subject: 'participant'; participant: TwilioParticipantJson }
  | { subject: 'conversation'; conversation: TwilioConversationJson };

type Fields = [name: string, value: string | number | null | undefined][];

const form = (fields: Fields): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [name, value] of fields) if (value !== null && value !== undefined) out[name] = String(value);
  return out;
};

/**
 * The form fields of a post-event: `EventType`, `Source`, the account and chat service, and the fields
 * Twilio sends for its resource, each the value the Twilio surface shows for it. `at` is when it
 * happened (the event's time), which a removal sends as `DateRemoved`. Null values are left out.
 */
export const twilioPostEventFields = (
  eventType: TwilioPostEvent,
  json: TwilioSubjectJson,
  input: { source: 'API' | 'SDK'; at: string },
): Record<string, string> => {
  const common = (r: { account_sid: string; chat_service_sid: string }): Fields => [
    ['EventType', eventType],
    ['AccountSid', r.account_sid],
    ['ChatServiceSid', r.chat_service_sid],
  ];
  const removed = eventType.endsWith('Removed') ? input.at.replace(/\.\d{3}Z$/, 'Z') : undefined;
  switch (json.subject) {
    case 'message':
    case 'removed-message': {
      const m = json.message;
      return form([
        ...common(m),
        ['ConversationSid', m.conversation_sid],
        ['MessageSid', m.sid],
        ['Index', m.index],
        ['Author', m.author],
        ['Body', m.body],
        ['Attributes', m.attributes],
        ['ParticipantSid', m.participant_sid],
        ['DateCreated', m.date_created],
        ['DateUpdated', m.date_updated],
        ['DateRemoved', removed],
        ['Source', input.source],
      ]);
    }
    case 'participant': {
      const p = json.participant;
      const binding = p.messaging_binding;
      return form([
        ...common(p),
        ['ConversationSid', p.conversation_sid],
        ['ParticipantSid', p.sid],
        ['Identity', p.identity],
        ['Attributes', p.attributes],
        ['RoleSid', p.role_sid],
        ['MessagingBinding.Type', binding?.type],
        ['MessagingBinding.Address', binding?.address],
        ['MessagingBinding.ProxyAddress', binding?.proxy_address],
        ['DateCreated', p.date_created],
        ['DateUpdated', p.date_updated],
        ['DateRemoved', removed],
        ['Source', input.source],
      ]);
    }
    case 'conversation': {
      const c = json.conversation;
      return form([
        ...common(c),
        ['ConversationSid', c.sid],
        ['MessagingServiceSid', c.messaging_service_sid],
        ['FriendlyName', c.friendly_name],
        ['UniqueName', c.unique_name],
        ['Attributes', c.attributes],
        ['State', c.state],
        ['DateCreated', c.date_created],
        ['DateUpdated', c.date_updated],
        ['Source', input.source],
      ]);
    }
  }
};

/**
 * Where a Twilio delivery goes and what it carries: POST, the fields as the form body; GET, the fields in
 * the query string (appended to any the URL has) and no body. `signedParams` and `url` are what
 * `X-Twilio-Signature` covers: the full URL, and for a POST the fields (the signer sorts them).
 */
export const twilioRequestOf = (
  config: TwilioWebhookConfig & { post_webhook_url: string },
  payload: string,
): { method: 'GET' | 'POST'; url: string; body: string; signedParams: Record<string, string> } => {
  if (config.method === 'GET') {
    const glue = config.post_webhook_url.includes('?') ? '&' : '?';
    return {
      method: 'GET',
      url: payload ? `${config.post_webhook_url}${glue}${payload}` : config.post_webhook_url,
      body: '',
      signedParams: {},
    };
  }
  return {
    method: 'POST',
    url: config.post_webhook_url,
    body: payload,
    signedParams: Object.fromEntries(new URLSearchParams(payload)),
  };
};
