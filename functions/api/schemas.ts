/**
 * The request contract of every endpoint, as valibot schemas: bodies are strict (unknown fields refused),
 * query strings are coerced. Each schema has its type next to it; the CLI imports the same schemas, so
 * client and server agree on what is valid, and the OpenAPI document is generated from them.
 */
import * as v from 'valibot';
import { nullable, optional } from 'valibot';
import { cursorSchema, orderSchema, pageSizeSchema } from '../http/paging.ts';
import {
  anyObject,
  array,
  boolean,
  integer,
  isoDateTime,
  literal,
  number,
  object,
  oneOfBy,
  picklist,
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
      method: optional(picklist(['POST', 'GET'])),
    }),
  ),
});
export type ConversationBody = v.InferOutput<typeof conversationBody>;

/** `date_start` / `date_end`: ISO 8601, or Vonage's `2018-01-01 10:00:00` (UTC); parsed to ISO text. */
export const dateSchema = optional(isoDateTime());

export const listConversationsQuery = object({
  page_size: pageSizeSchema,
  order: orderSchema,
  cursor: cursorSchema,
  date_start: dateSchema,
  date_end: dateSchema,
});
export type ListConversationsQuery = v.InferOutput<typeof listConversationsQuery>;

/** The legacy (`/beta`, `/v0.1`) list pages by `record_index`, the offset of its first record. */
export const LEGACY_MAX_RECORD_INDEX = 10_000;

export const legacyListConversationsQuery = object({
  page_size: pageSizeSchema,
  record_index: optional(integer({ min: 0, max: LEGACY_MAX_RECORD_INDEX, coerce: true })),
  order: orderSchema,
  date_start: dateSchema,
  date_end: dateSchema,
});
export type LegacyListConversationsQuery = v.InferOutput<typeof legacyListConversationsQuery>;

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
export type UserChannels = v.InferOutput<typeof userChannels>;

const userFields = {
  name: optional(string({ max: 200 })),
  display_name: optional(nullable(string({ max: 200 }))),
  image_url: optional(nullable(string({ max: 2048, uri: true }))),
  properties: optional(object({ custom_data: optional(customData) })),
  channels: optional(userChannels),
};
export const userBody = object(userFields);
export type UserBody = v.InferOutput<typeof userBody>;

/**
 * PATCH body: the Vonage SDK's `updateUser` sends back the user it read, read-only `timestamp` included,
 * so that field is accepted and ignored.
 */
export const userUpdateBody = object({ ...userFields, timestamp: optional(anyObject()) });
export type UserUpdateBody = v.InferOutput<typeof userUpdateBody>;

export const listUsersQuery = object({
  page_size: pageSizeSchema,
  order: orderSchema,
  cursor: cursorSchema,
  name: optional(string({ max: 200 })),
});
export type ListUsersQuery = v.InferOutput<typeof listUsersQuery>;

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
export type Endpoint = v.InferOutput<typeof endpoint>;

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
  type: picklist(CHANNEL_TYPES),
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
export type Channel = v.InferOutput<typeof channelSchema>;

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
export type Media = v.InferOutput<typeof mediaSchema>;

/** A member's user: by id or by name, at least one of them. */
export const memberUserSchema = v.pipe(
  object({
    id: optional(string({ max: 100 })),
    name: optional(string({ max: 200 })),
  }),
  v.check(
    (user) => user.id !== undefined || user.name !== undefined,
    'must contain at least one of [id, name]',
  ),
  v.metadata({ anyOf: [{ required: ['id'] }, { required: ['name'] }] }),
);
export type MemberUser = v.InferOutput<typeof memberUserSchema>;

export const memberBody = object({
  // The SDK sends its MemberState enum (upper case); the spec spells the request in lower case.
  state: picklist(['invited', 'joined'], { caseInsensitive: true }),
  user: memberUserSchema,
  channel: channelSchema,
  media: optional(mediaSchema),
  knocking_id: optional(string({ max: 200 })),
  member_id_inviting: optional(memberIdSchema),
  from: optional(string({ max: 200 })),
});
export type MemberBody = v.InferOutput<typeof memberBody>;

export const memberPatchBody = object({
  state: picklist(['invited', 'joined', 'left'], { caseInsensitive: true }),
  from: optional(string({ max: 200 })),
  reason: optional(object({ code: optional(string({ max: 200 })), text: optional(string({ max: 1000 })) })),
});
export type MemberPatchBody = v.InferOutput<typeof memberPatchBody>;

/** The query of a list with paging only (members, number routes, legs, sessions). */
export const pageQuery = object({
  page_size: pageSizeSchema,
  order: orderSchema,
  cursor: cursorSchema,
});
export const listMembersQuery = pageQuery;
export type ListMembersQuery = v.InferOutput<typeof listMembersQuery>;

export const userConversationsQuery = object({
  page_size: pageSizeSchema,
  order: orderSchema,
  cursor: cursorSchema,
  date_start: dateSchema,
  state: optional(picklist(['INVITED', 'JOINED', 'LEFT'], { caseInsensitive: true })),
  order_by: optional(picklist(['created'])),
  include_custom_data: optional(boolean({ coerce: true })),
});
export type UserConversationsQuery = v.InferOutput<typeof userConversationsQuery>;

// ---- Events (§2.4, §2.5)

const url = object({ url: string({ uri: true, max: 2048 }) });
const text = (max: number) => string({ max, allowEmpty: false });

/** A message body by its `message_type`. */
const messageOf = <const T extends string, const E extends v.ObjectEntries>(type: T, entries: E) =>
  object({ message_type: literal(type), ...entries });

const messageBody = oneOfBy('message_type', [
  messageOf('text', { text: text(100_000) }),
  messageOf('image', { image: url }),
  messageOf('audio', { audio: url }),
  messageOf('video', { video: url }),
  messageOf('file', { file: url }),
  messageOf('vcard', { vcard: url, image: optional(url) }),
  messageOf('location', {
    location: object({
      longitude: string({ max: 50 }),
      latitude: string({ max: 50 }),
      name: optional(string({ max: 500 })),
      address: optional(string({ max: 1000 })),
    }),
  }),
  messageOf('template', {
    template: object({
      name: string({ max: 500 }),
      parameters: optional(array(string({ max: 5000, allowEmpty: true }), { max: 100 })),
      whatsapp: optional(object({ policy: optional(string()), locale: optional(string()) })),
    }),
  }),
  messageOf('custom', { custom: anyObject({ maxBytes: 64 * 1024 }) }),
  messageOf('random', {}),
]);

/** `event_id` of a receipt: the spec types it a string; SDKs send numbers. Either way a positive integer. */
const eventIdValue = v.pipe(
  v.unknown(),
  v.transform((value) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value)),
  integer({ min: 1 }),
);
const receiptBody = object({ event_id: eventIdValue });
const level = optional(number({ min: -1, max: 1 }));
const loop = optional(integer({ min: 0 }));
const free = anyObject({ maxBytes: 64 * 1024 });
const rtc = object({ rtc_id: optional(string({ max: 200 })) });

const CUSTOM_EVENT = /^custom:[\w\-:]+$/;
const from = optional(string({ max: 200 }));

/** An event of one type with the body that type takes; a `bodyOptional` type may leave it out (`{}`). */
const eventOf = <const T extends string, const B extends v.GenericSchema<unknown, Record<string, unknown>>>(
  type: T,
  body: B,
  bodyOptional = false,
) =>
  object({
    type: literal(type),
    from,
    body: bodyOptional ? optional(body, () => ({})) : body,
  });

const EVENTS = [
  eventOf('message', messageBody),
  eventOf('message:submitted', receiptBody),
  eventOf('message:delivered', receiptBody),
  eventOf('message:seen', receiptBody),
  eventOf('message:rejected', receiptBody),
  eventOf('message:undeliverable', receiptBody),
  eventOf('ephemeral', free),
  eventOf('text:typing:on', free, true),
  eventOf('text:typing:off', free, true),
  eventOf(
    'audio:play',
    object({
      stream_url: array(string({ uri: true, max: 2048 }), { min: 1, max: 10 }),
      level,
      loop,
      queue: optional(boolean()),
    }),
  ),
  eventOf('audio:play:stop', object({ play_id: string({ max: 200 }) })),
  eventOf(
    'audio:say',
    object({
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
  ),
  eventOf('audio:say:stop', object({ say_id: string({ max: 200 }) })),
  eventOf(
    'audio:dtmf',
    object({
      digit: optional(string({ pattern: /^[0-9*#pA-D]$/, patternReason: 'must be one DTMF digit' })),
      digits: optional(string({ pattern: /^[0-9*#pA-D]+$/, patternReason: 'must be DTMF digits' })),
      channel: optional(anyObject()),
      dtmf_seq: optional(integer({ min: 0 })),
      method: optional(picklist(['in'])),
      duration: optional(integer({ min: 0 })),
    }),
  ),
  eventOf(
    'audio:record',
    object({
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
    true,
  ),
  eventOf('audio:record:stop', object({ record_id: string({ max: 200 }) })),
  eventOf('audio:mute:on', rtc, true),
  eventOf('audio:mute:off', rtc, true),
  eventOf('audio:earmuff:on', rtc, true),
  eventOf('audio:earmuff:off', rtc, true),
] as const;

export const CREATABLE_EVENT_TYPES = EVENTS.map((e) => e.entries.type.literal);

/** `custom:<name>` events: any JSON object as the body. */
const customEvent = object({
  type: v.pipe(string({ max: 100 }), v.regex(CUSTOM_EVENT, 'must be a custom event type')),
  from,
  body: free,
});

/** `POST …/events`: `{type, from, body}`, the body checked by the rules of its type. */
export const eventBody = oneOfBy(
  'type',
  [...EVENTS, customEvent],
  `must be one of [${CREATABLE_EVENT_TYPES.join(', ')}] or match ${CUSTOM_EVENT.source}`,
);
export type EventBody = v.InferOutput<typeof eventBody>;

/**
 * `POST /beta/conversations/{id}/events` (nexmo-client 9.x): every v1 event, and the legacy text message
 * `text` (`body.text`) with its receipts `text:delivered` and `text:seen`.
 */
export const legacyEventBody = oneOfBy(
  'type',
  [
    ...EVENTS,
    eventOf('text', object({ text: text(100_000) })),
    eventOf('text:delivered', receiptBody),
    eventOf('text:seen', receiptBody),
    customEvent,
  ],
  `must be one of [text, text:delivered, text:seen, ${CREATABLE_EVENT_TYPES.join(', ')}] or match ${CUSTOM_EVENT.source}`,
);

/** `event_type=a,b`: a comma-separated list of at most five types. */
const eventTypeList = v.pipe(
  string({ max: 500 }),
  v.transform((raw) =>
    raw
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
  ),
  v.array(v.string()),
  v.maxLength(5, 'must contain less than or equal to 5 items'),
);

/** The largest event id Parley stores: ids are kept as ten digits. */
export const MAX_EVENT_ID = 9_999_999_999;

export const listEventsQuery = object({
  start_id: optional(integer({ min: 1, max: MAX_EVENT_ID, coerce: true })),
  end_id: optional(integer({ min: 1, max: MAX_EVENT_ID, coerce: true })),
  event_type: optional(eventTypeList),
  page_size: pageSizeSchema,
  order: orderSchema,
  cursor: cursorSchema,
  exclude_deleted_events: optional(boolean({ coerce: true })),
  // The event filter group of @vonage/client-sdk (`ChatEvents`, version 3).
  filter_group_type: optional(picklist(['ChatEvents'])),
  filter_group_version: optional(integer({ min: 1, max: 3, coerce: true })),
});
export type ListEventsQuery = v.InferOutput<typeof listEventsQuery>;

// ---- Voice: number routes and legs ----

export const numberRouteBody = object({
  forward_to: string({ max: 32 }),
  ring_timeout: optional(integer({ min: 5, max: 300 })),
  caller_id: optional(string({ max: 32 })),
});
export type NumberRouteBody = v.InferOutput<typeof numberRouteBody>;

export const listNumbersQuery = pageQuery;
export type ListNumbersQuery = v.InferOutput<typeof listNumbersQuery>;

export const listLegsQuery = pageQuery;
export type ListLegsQuery = v.InferOutput<typeof listLegsQuery>;
