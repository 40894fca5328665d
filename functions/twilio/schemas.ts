/**
 * The form parameters and query strings of the Twilio Conversations routes, as valibot schemas: the
 * handlers check requests with them and the OpenAPI document is built from them. Names are Twilio's own
 * (`FriendlyName`, `MessagingBinding.Address`); every value arrives as text. A parameter Parley does not
 * act on (`MessagingServiceSid`, `RoleSid`, `MediaSid`, …) is refused rather than silently ignored.
 */
import * as v from 'valibot';
import { TWILIO_FILTERS } from '../domain/twilio-webhooks.ts';
import { array, integer, object, picklist, string } from '../http/validate.ts';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Longest `Attributes` text: Twilio's own limit, 16 KiB. */
const MAX_ATTRIBUTES = 16 * 1024;

/** `Attributes`: JSON text of an object (Parley keeps it as the custom data both surfaces show). */
export const attributes = () =>
  v.pipe(
    v.string('must be a string'),
    v.maxLength(MAX_ATTRIBUTES, `length must be less than or equal to ${MAX_ATTRIBUTES} characters long`),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      try {
        const parsed = dataset.value.trim() === '' ? {} : JSON.parse(dataset.value);
        if (isPlainObject(parsed)) return parsed;
      } catch {
        // reported below
      }
      addIssue({ message: 'must be the JSON text of an object' });
      return NEVER;
    }),
    v.metadata({ description: 'JSON text of an object, e.g. `{"topic":"billing"}`' }),
  );

/** An ISO 8601 duration of days, hours, minutes and seconds (`PT1H`, `P1D`), in seconds. */
const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

export const duration = (minSeconds: number) =>
  v.pipe(
    v.string('must be a string'),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const m = DURATION.exec(dataset.value);
      if (m && dataset.value !== 'P' && dataset.value !== 'PT') {
        const [d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0));
        const seconds = ((d * 24 + h) * 60 + mi) * 60 + s;
        if (seconds >= minSeconds) return seconds;
        addIssue({ message: `must be at least ${minSeconds / 60} minutes` });
        return NEVER;
      }
      addIssue({ message: 'must be an ISO 8601 duration such as PT1H or P1D' });
      return NEVER;
    }),
    v.metadata({ description: 'ISO 8601 duration (`PT10M`, `P1D`)' }),
  );

const text = (max = 256) => string({ max });
const optional = <S extends v.GenericSchema>(schema: S) => v.optional(schema);

/** Parley keeps conversations ACTIVE until every member has left; no other state may be asked for. */
const conversationState = () =>
  v.pipe(
    picklist(['active'], { caseInsensitive: true }),
    v.metadata({ description: 'only `active`: Parley ends a conversation when its last member leaves' }),
  );

const conversationFields = {
  FriendlyName: optional(text()),
  UniqueName: optional(text(200)),
  Attributes: optional(attributes()),
  State: optional(conversationState()),
  'Timers.Inactive': optional(duration(60)),
  'Timers.Closed': optional(duration(600)),
};

export const conversationCreateForm = object(conversationFields);
export const conversationUpdateForm = object(conversationFields);

const pageFields = {
  PageSize: optional(integer({ min: 1, max: 100, coerce: true })),
  Page: optional(integer({ min: 0, coerce: true })),
  PageToken: optional(string({ max: 2048 })),
};

export const pageQuery = object(pageFields);

const dateOnly = () =>
  v.pipe(
    string({ pattern: /^\d{4}-\d{2}-\d{2}$/, patternReason: 'must be a date (YYYY-MM-DD)' }),
    v.metadata({ format: 'date' }),
  );

export const conversationListQuery = object({
  ...pageFields,
  StartDate: optional(dateOnly()),
  EndDate: optional(dateOnly()),
  State: optional(picklist(['active', 'inactive', 'closed'], { caseInsensitive: true })),
});

export const participantCreateForm = object({
  Identity: optional(text()),
  'MessagingBinding.Address': optional(text()),
  'MessagingBinding.ProxyAddress': optional(text()),
});

const messageIndex = () => integer({ min: 0, coerce: true });

export const participantUpdateForm = object({
  LastReadMessageIndex: optional(messageIndex()),
});

export const messageCreateForm = object({
  Author: optional(text()),
  Body: optional(string({ max: 32 * 1024 })),
  Attributes: optional(attributes()),
});

export const messageUpdateForm = object({
  Body: optional(string({ max: 32 * 1024 })),
  Attributes: optional(attributes()),
});

export const messageListQuery = object({
  ...pageFields,
  Order: optional(picklist(['asc', 'desc'], { caseInsensitive: true })),
  Anchor: optional(
    v.pipe(
      integer({ min: 1, coerce: true }),
      v.metadata({
        description:
          'Parley extension: the index to start from, included (`Order=desc` pages back from it, `asc` forward)',
      }),
    ),
  ),
});

export const userCreateForm = object({
  Identity: text(),
  FriendlyName: optional(text()),
  Attributes: optional(attributes()),
});

export const userUpdateForm = object({
  FriendlyName: optional(text()),
  Attributes: optional(attributes()),
});

export const participantConversationsQuery = object({
  ...pageFields,
  Identity: optional(text()),
  Address: optional(text()),
});

/**
 * `POST /v1/Configuration/Webhooks`: the account's post-event webhook. `Filters` is repeated, one event
 * name each (`Filters=onMessageAdded&Filters=onParticipantAdded`); `PreWebhookUrl` is taken only to be
 * refused when set (pre-event webhooks are not built); `Target` only `webhook`.
 */
export const webhookConfigurationForm = object({
  Method: optional(picklist(['GET', 'POST'], { caseInsensitive: true })),
  Filters: optional(
    v.pipe(
      array(picklist(TWILIO_FILTERS), { max: TWILIO_FILTERS.length }),
      v.metadata({ description: 'the events to send, repeated: `Filters=onMessageAdded&Filters=…`' }),
    ),
  ),
  PreWebhookUrl: optional(
    v.pipe(
      string({ max: 2048 }),
      v.metadata({ description: 'not supported: refused unless empty (Parley sends post-events only)' }),
    ),
  ),
  PostWebhookUrl: optional(string({ max: 2048 })),
  Target: optional(picklist(['webhook', 'flex'], { caseInsensitive: true })),
});

/** The form parameters a route takes repeated, as lists. */
export const WEBHOOK_CONFIGURATION_LISTS: readonly string[] = ['Filters'];

export type ConversationForm = v.InferOutput<typeof conversationCreateForm>;
export type MessageListQuery = v.InferOutput<typeof messageListQuery>;
