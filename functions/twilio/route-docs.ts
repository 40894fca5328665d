/**
 * What the OpenAPI document says of the Twilio Conversations routes: a summary and the answer of each,
 * form-encoded bodies, HTTP basic auth and Twilio's error body. Documentation only: the Twilio Lambda never
 * imports this.
 */
import * as v from 'valibot';
import type { RouteDoc, RouteDocs, RouteResponse } from '../http/openapi.ts';
import type { Schema } from '../http/validate.ts';
import type { TwilioRouteKey } from './contracts.ts';

const text = v.string();
const nullable = (schema: Schema) => v.nullable(schema);

/** Twilio's error body, which the `twilio` library raises as `RestException`. */
export const twilioErrorResponse = v.object({
  code: v.number(),
  message: text,
  more_info: text,
  status: v.number(),
});

const resource = (description: string, entries: v.ObjectEntries) =>
  v.pipe(v.looseObject({ account_sid: text, url: text, ...entries }), v.description(description));

const conversation = resource('A conversation (`CH…`).', {
  sid: text,
  friendly_name: nullable(text),
  unique_name: nullable(text),
  attributes: text,
  state: text,
});
const webhookConfiguration = v.pipe(
  v.looseObject({
    account_sid: text,
    method: text,
    filters: v.array(text),
    pre_webhook_url: nullable(text),
    post_webhook_url: nullable(text),
    target: text,
    url: text,
  }),
  v.description('The post-event webhook of the account: where, how, which events.'),
);
const participant = resource('A participant (`MB…`).', {
  sid: text,
  conversation_sid: text,
  identity: nullable(text),
  messaging_binding: nullable(v.looseObject({ type: text, address: text, proxy_address: text })),
  last_read_message_index: nullable(v.number()),
});
const message = resource('A message (`IM…`); `index` is its Parley event id.', {
  sid: text,
  conversation_sid: text,
  index: v.number(),
  author: text,
  body: nullable(text),
  attributes: text,
  participant_sid: nullable(text),
});
const user = resource('A user (`US…`); its identity is its Parley user name.', {
  sid: text,
  identity: text,
  friendly_name: nullable(text),
  attributes: text,
});
const userConversation = resource("One of a user's conversations, with the user's read state there.", {
  conversation_sid: text,
  participant_sid: text,
  unread_messages_count: v.number(),
  last_read_message_index: v.number(),
});
const participantConversation = v.pipe(
  v.looseObject({ account_sid: text, conversation_sid: text, participant_sid: text }),
  v.description('A conversation an identity or address takes part in.'),
);

const meta = v.object({
  page: v.number(),
  page_size: v.number(),
  first_page_url: text,
  previous_page_url: nullable(text),
  url: text,
  next_page_url: nullable(text),
  key: text,
});

const listOf = (key: string, item: Schema) => v.object({ [key]: v.array(item), meta });

const ok = (description: string, schema: Schema): RouteResponse => ({ status: 200, description, schema });
const created = (description: string, schema: Schema): RouteResponse => ({
  status: 201,
  description,
  schema,
});
const deleted: RouteResponse = { status: 204, description: 'Deleted; no body.' };

const DOCS: Record<TwilioRouteKey, Pick<RouteDoc, 'summary' | 'response' | 'errors'>> = {
  'POST /twilio/v1/Conversations': {
    summary: 'Twilio: create a conversation',
    response: created('The new conversation.', conversation),
    errors: [409],
  },
  'GET /twilio/v1/Conversations': {
    summary: 'Twilio: list conversations',
    response: ok('A page of conversations.', listOf('conversations', conversation)),
  },
  'GET /twilio/v1/Conversations/{ConversationSid}': {
    summary: 'Twilio: fetch a conversation by SID or unique name',
    response: ok('The conversation.', conversation),
  },
  'POST /twilio/v1/Conversations/{ConversationSid}': {
    summary: 'Twilio: update a conversation',
    response: ok('The conversation as updated.', conversation),
    errors: [409, 429],
  },
  'DELETE /twilio/v1/Conversations/{ConversationSid}': {
    summary: 'Twilio: delete a conversation with its participants and messages',
    response: deleted,
  },
  'POST /twilio/v1/Conversations/{ConversationSid}/Participants': {
    summary:
      'Twilio: add a chat participant (Identity) or a non-chat one (MessagingBinding.Address + ProxyAddress; one active conversation per pair, else 50416)',
    response: created('The new participant.', participant),
    errors: [409, 429],
  },
  'GET /twilio/v1/Conversations/{ConversationSid}/Participants': {
    summary: 'Twilio: list the participants',
    response: ok('A page of participants.', listOf('participants', participant)),
  },
  'GET /twilio/v1/Conversations/{ConversationSid}/Participants/{ParticipantSid}': {
    summary: 'Twilio: fetch a participant by SID or identity',
    response: ok('The participant.', participant),
  },
  'POST /twilio/v1/Conversations/{ConversationSid}/Participants/{ParticipantSid}': {
    summary: "Twilio: update a participant's read state (LastReadMessageIndex)",
    response: ok('The participant.', participant),
    errors: [429],
  },
  'DELETE /twilio/v1/Conversations/{ConversationSid}/Participants/{ParticipantSid}': {
    summary: 'Twilio: remove a participant (its member leaves)',
    response: deleted,
    errors: [429],
  },
  'POST /twilio/v1/Conversations/{ConversationSid}/Messages': {
    summary: 'Twilio: send a message',
    response: created('The new message.', message),
    errors: [429],
  },
  'GET /twilio/v1/Conversations/{ConversationSid}/Messages': {
    summary: 'Twilio: list messages (Order asc|desc; Anchor, a Parley extension, pages from an index)',
    response: ok('A page of messages.', listOf('messages', message)),
  },
  'GET /twilio/v1/Conversations/{ConversationSid}/Messages/{MessageSid}': {
    summary: 'Twilio: fetch a message',
    response: ok('The message.', message),
  },
  'POST /twilio/v1/Conversations/{ConversationSid}/Messages/{MessageSid}': {
    summary: "Twilio: edit a message's body or attributes",
    response: ok('The message as edited.', message),
  },
  'DELETE /twilio/v1/Conversations/{ConversationSid}/Messages/{MessageSid}': {
    summary: 'Twilio: delete a message',
    response: deleted,
    errors: [429],
  },
  'POST /twilio/v1/Users': {
    summary: 'Twilio: create a user',
    response: created('The new user.', user),
    errors: [409],
  },
  'GET /twilio/v1/Users': {
    summary: 'Twilio: list users',
    response: ok('A page of users.', listOf('users', user)),
  },
  'GET /twilio/v1/Users/{UserSid}': {
    summary: 'Twilio: fetch a user by SID or identity',
    response: ok('The user.', user),
  },
  'POST /twilio/v1/Users/{UserSid}': {
    summary: 'Twilio: update a user',
    response: ok('The user as updated.', user),
    errors: [409],
  },
  'DELETE /twilio/v1/Users/{UserSid}': {
    summary: 'Twilio: delete a user',
    response: deleted,
  },
  'GET /twilio/v1/Users/{UserSid}/Conversations': {
    summary: "Twilio: a user's conversations, with unread counts",
    response: ok("A page of the user's conversations.", listOf('conversations', userConversation)),
  },
  'GET /twilio/v1/Users/{UserSid}/Conversations/{ConversationSid}': {
    summary: "Twilio: one of a user's conversations, with its unread count",
    response: ok("The user's conversation.", userConversation),
  },
  'GET /twilio/v1/ParticipantConversations': {
    summary: 'Twilio: the conversations of an Identity or an Address',
    response: ok('A page of conversations.', listOf('conversations', participantConversation)),
  },
  'GET /twilio/v1/Configuration/Webhooks': {
    summary: "Twilio: the account's post-event webhook (URL, method, filters)",
    response: ok('The webhook configuration.', webhookConfiguration),
  },
  'POST /twilio/v1/Configuration/Webhooks': {
    summary: "Twilio: change the account's post-event webhook (PreWebhookUrl is refused)",
    response: ok('The webhook configuration.', webhookConfiguration),
  },
};

/** Each Twilio route: form bodies, HTTP basic auth with the account's credentials, Twilio's error body. */
export const twilioRouteDocs: RouteDocs<TwilioRouteKey> = Object.fromEntries(
  Object.entries(DOCS).map(([key, doc]): [string, RouteDoc] => [
    key,
    {
      ...doc,
      surface: 'twilio',
      requestContentType: 'application/x-www-form-urlencoded',
      securityScheme: 'twilioBasic',
      errorSchema: 'TwilioError',
    },
  ]),
) as RouteDocs<TwilioRouteKey>;

export const twilioSecurityScheme = {
  type: 'http',
  scheme: 'basic',
  description:
    'The Twilio account SID and auth token (or an API key SID and secret) Parley is configured with: admin credentials.',
};
