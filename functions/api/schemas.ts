/**
 * The request contract of every endpoint: bodies are strict (unknown fields refused), query strings are
 * coerced. The CLI imports the same schemas, so client and server agree on what is valid.
 */
import { cursorSchema, orderSchema, pageSizeSchema } from '../http/paging.ts';
import {
  anyObject,
  array,
  type Infer,
  integer,
  isoDateTime,
  nullable,
  object,
  optional,
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
