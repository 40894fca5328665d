/**
 * The request contract of the webhook admin surface, as valibot schemas (strict bodies, coerced queries)
 * and the loose response schemas the OpenAPI document shows. The application body is the Application
 * API v2 shape as `@vonage/server-sdk` sends it (snake_case, the capabilities it knows): Parley acts on
 * `capabilities.rtc` and keeps the other capabilities as they were sent.
 */
import * as v from 'valibot';
import { optional } from 'valibot';
import { cursorSchema, orderSchema, pageSizeSchema } from '../http/paging.ts';
import { anyObject, boolean, integer, object, picklist, string } from '../http/validate.ts';

export const eventUrlBody = object({
  address: string({
    max: 2048,
    uri: true,
    pattern: /^[Hh][Tt][Tt][Pp][Ss]?:\/\//,
    patternReason: 'must be an http or https URL',
  }),
  // Deliveries carry a JSON body, so Parley sends them as POST only.
  http_method: optional(picklist(['POST'], { caseInsensitive: true }), 'POST'),
});

export const applicationBody = object({
  id: optional(string({ max: 100 })),
  name: string({ max: 200 }),
  keys: optional(object({ public_key: optional(string({ max: 16_384 })), private_key: optional(string()) })),
  privacy: optional(anyObject({ maxBytes: 4096 })),
  capabilities: optional(
    object({
      rtc: optional(
        object({
          webhooks: optional(object({ event_url: optional(eventUrlBody) })),
          signed_callbacks: optional(boolean()),
          leg_persistence_time: optional(integer({ min: 1, max: 31 })),
        }),
      ),
      voice: optional(anyObject({ maxBytes: 16_384 })),
      messages: optional(anyObject({ maxBytes: 16_384 })),
      verify: optional(anyObject({ maxBytes: 16_384 })),
      meetings: optional(anyObject({ maxBytes: 16_384 })),
      bulk: optional(anyObject({ maxBytes: 16_384 })),
      vbc: optional(anyObject({ maxBytes: 16_384 })),
    }),
  ),
});
export type ApplicationBody = v.InferOutput<typeof applicationBody>;

export const listDeliveriesQuery = object({
  conversation_id: string({ max: 256 }),
  status: optional(picklist(['delivered', 'failed', 'pending'], { caseInsensitive: true })),
  /** The cursor of the page to read (`_links.next`). */
  after: cursorSchema,
  page_size: pageSizeSchema,
  order: orderSchema,
});
export type ListDeliveriesQuery = v.InferOutput<typeof listDeliveriesQuery>;

export const replayBody = object({
  conversation_id: string({ max: 256 }),
  from_event_id: integer({ min: 1, max: 9_999_999_999 }),
  to_event_id: optional(integer({ min: 1, max: 9_999_999_999 })),
});
export type ReplayBody = v.InferOutput<typeof replayBody>;

// ---- Responses (for the document)

const text = v.string();
const int = v.pipe(v.number(), v.integer());
const time = v.pipe(v.string(), v.metadata({ format: 'date-time' }));
const href = v.object({ href: text });

export const applicationResponse = v.looseObject({
  id: text,
  name: text,
  capabilities: v.looseObject({
    rtc: v.optional(
      v.looseObject({
        webhooks: v.optional(
          v.object({ event_url: v.optional(v.object({ address: text, http_method: text })) }),
        ),
        signed_callbacks: v.optional(v.boolean()),
      }),
    ),
  }),
  keys: v.optional(v.object({ public_key: v.optional(text) })),
  _links: v.object({ self: href }),
});

export const attemptResponse = v.object({
  attempt: int,
  at: time,
  status_code: v.optional(int),
  latency_ms: int,
  error: v.optional(text),
  outcome: v.picklist(['delivered', 'retry', 'dead-lettered']),
});

export const deliveryResponse = v.looseObject({
  id: text,
  conversation_id: text,
  event_id: v.optional(int),
  event_type: text,
  status: v.picklist(['pending', 'delivered', 'failed']),
  created: time,
  updated: time,
  next_attempt_at: v.optional(time),
  replay_of: v.optional(text),
  attempts: v.array(attemptResponse),
  payload: v.record(v.string(), v.unknown()),
});

export const deliveryListResponse = v.object({
  page_size: int,
  _embedded: v.object({ deliveries: v.array(deliveryResponse) }),
  _links: v.object({ self: href, next: v.optional(href) }),
});

export const replayResponse = v.object({
  conversation_id: text,
  from_event_id: int,
  to_event_id: v.optional(int),
  deliveries: v.array(v.object({ id: text, event_id: v.optional(int) })),
  next_from_event_id: v.optional(int),
});
