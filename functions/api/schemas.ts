/**
 * The request contract of every endpoint: bodies are strict (unknown fields refused), query strings are
 * coerced. The CLI imports the same schemas, so client and server agree on what is valid.
 */
import { cursorSchema, orderSchema, pageSizeSchema } from '../http/paging.ts';
import {
  anyObject,
  anyValue,
  array,
  boolean,
  type Infer,
  integer,
  isoDateTime,
  nullable,
  number,
  object,
  oneOfBy,
  optional,
  type Schema,
  string,
} from '../http/validate.ts';

const customData = anyObject({ maxBytes: 64 * 1024 });

export const conversationBody = object({
  name: optional(string({ max: 100 })),
  display_name: optional(nullable(string({ max: 50 }))),
  image_url: optional(nullable(string({ max: 2048, uri: true }))),
  properties: optional(
    object({
      ttl: optional(integer({ min: 0, max: 2147483648 })),
      type: optional(string({ max: 100 })),
      custom_sort_key: optional(string({ max: 200 })),
      custom_data: optional(customData),
    }),
  ),
  numbers: optional(array(anyObject(), { max: 20 })),
  callback: optional(
    object({
      url: optional(string({ uri: true, max: 2048 })),
      event_mask: optional(string({ max: 200 })),
      params: optional(anyObject()),
      method: optional(string({ values: ['POST', 'GET'] })),
    }),
  ),
});
export type ConversationBody = Infer<typeof conversationBody>;

/** `date_start` / `date_end`: ISO 8601, or Vonage's `2018-01-01 10:00:00` (UTC); parsed to ISO text. */
export const dateSchema = optional(isoDateTime());

export const listConversationsQuery = object({
  page_size: pageSizeSchema,
  order: orderSchema,
  cursor: cursorSchema,
  date_start: dateSchema,
  date_end: dateSchema,
});

const channelList = array(anyObject(), { max: 100 });
export const userChannels = object({
  pstn: optional(channelList),
  sip: optional(channelList),
  vbc: optional(channelList),
  websocket: optional(channelList),
  sms: optional(channelList),
  mms: optional(channelList),
  whatsapp: optional(channelList),
  viber: optional(channelList),
  messenger: optional(channelList),
});

const userFields = {
  name: optional(string({ max: 200 })),
  display_name: optional(nullable(string({ max: 200 }))),
  image_url: optional(nullable(string({ max: 2048, uri: true }))),
  properties: optional(object({ custom_data: optional(customData) })),
  channels: optional(userChannels),
};
export const userBody = object(userFields);
export type UserBody = Infer<typeof userBody>;

/**
 * PATCH body: the Vonage SDK's `updateUser` sends back the user it read, read-only `timestamp` included,
 * so that field is accepted and ignored.
 */
export const userUpdateBody = object({ ...userFields, timestamp: optional(anyObject()) });

export const listUsersQuery = object({
  page_size: pageSizeSchema,
  order: orderSchema,
  cursor: cursorSchema,
  name: optional(string({ max: 200 })),
});

// ---- Members (§2.3)

const MEMBER_ID = /^MEM-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const memberIdSchema = string({ pattern: MEMBER_ID, patternReason: 'must be a valid member id' });

/** A channel endpoint (`from`/`to`): an address of one kind, or for `app` the channel types accepted. */
const endpoint = object({
  type: string({ max: 200 }),
  number: optional(string({ max: 50 })),
  user: optional(string({ max: 200 })),
  id: optional(string({ max: 200 })),
  uri: optional(string({ max: 2048 })),
  extension: optional(string({ max: 50 })),
  username: optional(string({ max: 200 })),
  password: optional(string({ max: 200 })),
  'content-type': optional(string({ max: 200 })),
  content_type: optional(string({ max: 200 })),
  headers: optional(anyObject()),
});

export const CHANNEL_TYPES = [
  'app',
  'phone',
  'sip',
  'websocket',
  'vbc',
  'sms',
  'mms',
  'whatsapp',
  'viber',
  'messenger',
  'whatsapp-voice',
] as const;

export const channelSchema = object({
  type: string({ values: CHANNEL_TYPES }),
  from: optional(endpoint),
  to: optional(endpoint),
  id: optional(string({ max: 200 })),
  leg_ids: optional(array(string({ max: 200 }), { max: 10 })),
  headers: optional(anyObject()),
  cpa: optional(boolean()),
  preanswer: optional(boolean()),
  ring_timeout: optional(integer({ min: 0 })),
  cpa_time: optional(integer({ min: 0 })),
  max_length: optional(integer({ min: 0 })),
});

export const mediaSchema = object({
  audio_settings: optional(
    object({
      enabled: optional(boolean()),
      earmuffed: optional(boolean()),
      muted: optional(boolean()),
    }),
  ),
  audio: optional(boolean()),
});

/** A member's user: by id or by name (at least one; the handler checks that). */
export const memberUserSchema = object({
  id: optional(string({ max: 100 })),
  name: optional(string({ max: 200 })),
});

export const memberBody = object({
  // The SDK sends its MemberState enum (upper case); the spec spells the request in lower case.
  state: string({ values: ['invited', 'joined'], caseInsensitive: true }),
  user: memberUserSchema,
  channel: channelSchema,
  media: optional(mediaSchema),
  knocking_id: optional(string({ max: 200 })),
  member_id_inviting: optional(memberIdSchema),
  from: optional(string({ max: 200 })),
});
export type MemberBody = Infer<typeof memberBody>;

export const memberPatchBody = object({
  state: string({ values: ['invited', 'joined', 'left'], caseInsensitive: true }),
  from: optional(string({ max: 200 })),
  reason: optional(object({ code: optional(string({ max: 200 })), text: optional(string({ max: 1000 })) })),
});

export const listMembersQuery = object({
  page_size: pageSizeSchema,
  order: orderSchema,
  cursor: cursorSchema,
});

export const userConversationsQuery = object({
  page_size: pageSizeSchema,
  order: orderSchema,
  cursor: cursorSchema,
  date_start: dateSchema,
  state: optional(string({ values: ['INVITED', 'JOINED', 'LEFT'], caseInsensitive: true })),
  order_by: optional(string({ values: ['created'] })),
  include_custom_data: optional(boolean({ coerce: true })),
});

// ---- Events (§2.4, §2.5)

const url = object({ url: string({ uri: true, max: 2048 }) });
const text = (max: number) => string({ max, allowEmpty: false });

const messageBody = oneOfBy<Record<string, unknown>>('message_type', {
  text: object({ message_type: string(), text: text(100_000) }),
  image: object({ message_type: string(), image: url }),
  audio: object({ message_type: string(), audio: url }),
  video: object({ message_type: string(), video: url }),
  file: object({ message_type: string(), file: url }),
  vcard: object({ message_type: string(), vcard: url, image: optional(url) }),
  location: object({
    message_type: string(),
    location: object({
      longitude: string({ max: 50 }),
      latitude: string({ max: 50 }),
      name: optional(string({ max: 500 })),
      address: optional(string({ max: 1000 })),
    }),
  }),
  template: object({
    message_type: string(),
    template: object({
      name: string({ max: 500 }),
      parameters: optional(array(string({ max: 5000, allowEmpty: true }), { max: 100 })),
      whatsapp: optional(object({ policy: optional(string()), locale: optional(string()) })),
    }),
  }),
  custom: object({ message_type: string(), custom: anyObject({ maxBytes: 64 * 1024 }) }),
  random: object({ message_type: string() }),
});

/** `event_id` of a receipt: the spec types it a string; SDKs send numbers. Either way a positive integer. */
const eventIdValue: Schema<number> = {
  parse(value, path, issues) {
    const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
    return integer({ min: 1 }).parse(n, path, issues);
  },
};
const receiptBody = object({ event_id: eventIdValue });
const level = optional(number({ min: -1, max: 1 }));
const loop = optional(integer({ min: 0 }));
const free = anyObject({ maxBytes: 64 * 1024 });

/** The body each creatable event type takes; `optional` marks a type whose body may be left out. */
const EVENT_BODIES: Record<string, { schema: Schema<Record<string, unknown>>; optional?: boolean }> = {
  message: { schema: messageBody },
  'message:submitted': { schema: receiptBody },
  'message:delivered': { schema: receiptBody },
  'message:seen': { schema: receiptBody },
  'message:rejected': { schema: receiptBody },
  'message:undeliverable': { schema: receiptBody },
  ephemeral: { schema: free },
  'text:typing:on': { schema: free, optional: true },
  'text:typing:off': { schema: free, optional: true },
  'audio:play': {
    schema: object({
      stream_url: array(string({ uri: true, max: 2048 }), { min: 1, max: 10 }),
      level,
      loop,
      queue: optional(boolean()),
    }),
  },
  'audio:play:stop': { schema: object({ play_id: string({ max: 200 }) }) },
  'audio:say': {
    schema: object({
      text: string({ max: 3000 }),
      level,
      loop,
      queue: optional(boolean()),
      voice_name: optional(string({ max: 100 })),
      language: optional(string({ max: 20 })),
      style: optional(integer({ min: 0 })),
      premium: optional(boolean()),
      ssml: optional(boolean()),
    }),
  },
  'audio:say:stop': { schema: object({ say_id: string({ max: 200 }) }) },
  'audio:dtmf': {
    schema: object({
      digit: optional(string({ pattern: /^[0-9*#pA-D]$/, patternReason: '"digit" must be one DTMF digit' })),
      digits: optional(string({ pattern: /^[0-9*#pA-D]+$/, patternReason: '"digits" must be DTMF digits' })),
      channel: optional(anyObject()),
      dtmf_seq: optional(integer({ min: 0 })),
      method: optional(string({ values: ['in'] })),
      duration: optional(integer({ min: 0 })),
    }),
  },
  'audio:record': {
    schema: object({
      validity: optional(integer({ min: 0 })),
      streamed: optional(boolean()),
      format: optional(string({ max: 20 })),
      beep_start: optional(boolean()),
      beep_stop: optional(boolean()),
      detect_speech: optional(boolean()),
      split: optional(boolean()),
      mulitrack: optional(boolean()),
      channels: optional(integer({ min: 1, max: 32 })),
      transcription: optional(
        object({ language: string({ max: 20 }), sentiment_analysis: optional(boolean()) }),
      ),
    }),
    optional: true,
  },
  'audio:record:stop': { schema: object({ record_id: string({ max: 200 }) }) },
  'audio:mute:on': { schema: object({ rtc_id: optional(string({ max: 200 })) }), optional: true },
  'audio:mute:off': { schema: object({ rtc_id: optional(string({ max: 200 })) }), optional: true },
  'audio:earmuff:on': { schema: object({ rtc_id: optional(string({ max: 200 })) }), optional: true },
  'audio:earmuff:off': { schema: object({ rtc_id: optional(string({ max: 200 })) }), optional: true },
};

export const CREATABLE_EVENT_TYPES = Object.keys(EVENT_BODIES);
const CUSTOM_EVENT = /^custom:[\w\-:]+$/;

export interface EventBody {
  type: string;
  from?: string;
  body: Record<string, unknown>;
}

/** `POST …/events`: `{type, from, body}`, the body checked by the rules of its type. */
export const eventBody: Schema<EventBody> = {
  parse(value, path, issues) {
    const top = object({
      type: string({ max: 100 }),
      from: optional(string({ max: 200 })),
      body: optional(anyValue()),
    }).parse(value, path, issues);
    if (!top || typeof top.type !== 'string') return top as EventBody;
    const rule =
      EVENT_BODIES[top.type] ?? (CUSTOM_EVENT.test(top.type) ? { schema: free, optional: false } : undefined);
    if (!rule) {
      issues.push({
        name: 'type',
        reason: `"type" must be one of [${CREATABLE_EVENT_TYPES.join(', ')}] or match ${CUSTOM_EVENT.source}`,
      });
      return top as EventBody;
    }
    if (top.body === undefined) {
      if (!rule.optional) issues.push({ name: 'body', reason: '"body" is required' });
      return { type: top.type, from: top.from, body: {} };
    }
    return { type: top.type, from: top.from, body: rule.schema.parse(top.body, 'body', issues) };
  },
};

const eventTypeList: Schema<string[]> = {
  parse(value, path, issues) {
    const raw = string({ max: 500 }).parse(value, path, issues);
    if (raw === undefined) return raw;
    const types = raw
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    if (types.length > 5) {
      issues.push({ name: path, reason: '"event_type" must contain less than or equal to 5 items' });
      return types;
    }
    return types;
  },
};

export const listEventsQuery = object({
  start_id: optional(integer({ min: 1, coerce: true })),
  end_id: optional(integer({ min: 1, coerce: true })),
  event_type: optional(eventTypeList),
  page_size: pageSizeSchema,
  order: orderSchema,
  cursor: cursorSchema,
  exclude_deleted_events: optional(boolean({ coerce: true })),
});

// ---- Voice: number routes and legs ----

export const numberRouteBody = object({
  forward_to: string({ max: 32 }),
  ring_timeout: optional(integer({ min: 5, max: 300 })),
  caller_id: optional(string({ max: 32 })),
});
export type NumberRouteBody = Infer<typeof numberRouteBody>;

export const listNumbersQuery = object({
  page_size: pageSizeSchema,
  order: orderSchema,
  cursor: cursorSchema,
});

export const listLegsQuery = object({
  page_size: pageSizeSchema,
  order: orderSchema,
  cursor: cursorSchema,
});
