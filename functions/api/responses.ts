/**
 * The response bodies of the REST API, as loose valibot schemas: enough for the OpenAPI document to say
 * what comes back (the fields a client reads first); presenters in present.ts stay the truth.
 */
import * as v from 'valibot';

const text = v.string();
const int = v.pipe(v.number(), v.integer());
const time = v.pipe(v.string(), v.metadata({ format: 'date-time' }));
const data = v.record(v.string(), v.unknown());
const self = v.object({ self: v.object({ href: text }) });
const optional = v.optional;

const timestamps = v.looseObject({ created: time, updated: optional(time), destroyed: optional(time) });

export const errorResponse = v.object({
  type: text,
  title: text,
  code: text,
  detail: text,
  instance: text,
  invalid_parameters: optional(v.array(v.object({ name: text, reason: text }))),
});

export const conversationResponse = v.looseObject({
  id: text,
  name: text,
  display_name: optional(text),
  image_url: optional(text),
  state: optional(v.picklist(['ACTIVE', 'INACTIVE', 'DELETED'])),
  sequence_number: optional(int),
  properties: optional(data),
  timestamp: timestamps,
  _links: self,
});

export const userResponse = v.looseObject({
  id: text,
  name: text,
  display_name: optional(text),
  image_url: optional(text),
  properties: optional(data),
  channels: optional(data),
  timestamp: optional(timestamps),
  _links: self,
});

const memberUser = v.looseObject({ id: text, name: text, display_name: optional(text) });

export const memberResponse = v.looseObject({
  id: text,
  conversation_id: optional(text),
  state: v.picklist(['INVITED', 'JOINED', 'LEFT']),
  _embedded: v.looseObject({ user: memberUser }),
  channel: optional(data),
  timestamp: optional(data),
  initiator: optional(data),
  last_seen_event_id: optional(int),
  unread_count: optional(int),
  _links: v.looseObject({ href: text }),
});

export const eventResponse = v.looseObject({
  id: optional(int),
  type: text,
  from: optional(text),
  to: optional(text),
  body: optional(v.unknown()),
  timestamp: time,
  _embedded: optional(data),
  _links: optional(self),
});

export const legResponse = v.looseObject({
  id: text,
  provider: text,
  conversation_id: text,
  member_id: optional(text),
  direction: v.picklist(['inbound', 'outbound']),
  from: data,
  to: data,
  status: text,
  start_time: time,
  status_history: v.array(data),
  _links: self,
});

export const numberRouteResponse = v.looseObject({
  number: text,
  forward_to: text,
  ring_timeout: optional(int),
  caller_id: optional(text),
  timestamp: optional(data),
  _links: self,
});

/** The 2017 conversation view of `/beta` and `/v0.1`: members inline. */
export const legacyConversationResponse = v.looseObject({
  uuid: text,
  name: text,
  state: text,
  members: v.array(v.looseObject({ member_id: text, user_id: text, name: text, state: text })),
});

/** The legacy list (`/beta`, `/v0.1`): paged by `record_index`, items `{uuid, name, href, _links}`. */
export const legacyConversationListResponse = v.object({
  count: int,
  page_size: int,
  record_index: int,
  _links: v.object({
    self: v.object({ href: text }),
    next: optional(v.object({ href: text })),
    prev: optional(v.object({ href: text })),
  }),
  _embedded: v.object({
    conversations: v.array(
      v.object({ uuid: text, name: text, href: text, _links: v.object({ self: v.object({ href: text }) }) }),
    ),
  }),
});

const pageLinks = v.object({
  first: v.object({ href: text }),
  self: v.object({ href: text }),
  next: optional(v.object({ href: text })),
  prev: optional(v.object({ href: text })),
});

/** A HAL list page: `_embedded.<key>` holds the items (§1.3: the events list embeds a bare array). */
export const listOf = (key: string, item: v.GenericSchema) =>
  v.object({ page_size: int, _embedded: v.object({ [key]: v.array(item) }), _links: pageLinks });

export const eventListResponse = v.object({
  page_size: int,
  _embedded: v.array(eventResponse),
  _links: pageLinks,
});

/** A Client SDK session (`PUT /v0.2/sessions/{id}`). */
export const sessionResponse = v.looseObject({ session_id: text });

/** Any JSON object: the OpenAPI document itself. */
export const documentResponse = data;
