/**
 * The Twilio Conversations routes and what each accepts, shared by the Twilio Lambda (which checks
 * requests with them) and the docs Lambda (which documents them) without either loading the other.
 */
import type { RouteKey } from '../http/router.ts';
import type { Schema } from '../http/validate.ts';
import {
  conversationCreateForm,
  conversationListQuery,
  conversationUpdateForm,
  messageCreateForm,
  messageListQuery,
  messageUpdateForm,
  pageQuery,
  participantConversationsQuery,
  participantCreateForm,
  participantUpdateForm,
  userCreateForm,
  userUpdateForm,
  webhookConfigurationForm,
} from './schemas.ts';

const V1 = '/twilio/v1';
const CONVERSATION = `${V1}/Conversations/{ConversationSid}`;
const USER = `${V1}/Users/{UserSid}`;

export const twilioContracts = {
  [`POST ${V1}/Conversations`]: { body: conversationCreateForm },
  [`GET ${V1}/Conversations`]: { query: conversationListQuery },
  [`GET ${CONVERSATION}`]: {},
  [`POST ${CONVERSATION}`]: { body: conversationUpdateForm },
  [`DELETE ${CONVERSATION}`]: {},
  [`POST ${CONVERSATION}/Participants`]: { body: participantCreateForm },
  [`GET ${CONVERSATION}/Participants`]: { query: pageQuery },
  [`GET ${CONVERSATION}/Participants/{ParticipantSid}`]: {},
  [`POST ${CONVERSATION}/Participants/{ParticipantSid}`]: { body: participantUpdateForm },
  [`DELETE ${CONVERSATION}/Participants/{ParticipantSid}`]: {},
  [`POST ${CONVERSATION}/Messages`]: { body: messageCreateForm },
  [`GET ${CONVERSATION}/Messages`]: { query: messageListQuery },
  [`GET ${CONVERSATION}/Messages/{MessageSid}`]: {},
  [`POST ${CONVERSATION}/Messages/{MessageSid}`]: { body: messageUpdateForm },
  [`DELETE ${CONVERSATION}/Messages/{MessageSid}`]: {},
  [`POST ${V1}/Users`]: { body: userCreateForm },
  [`GET ${V1}/Users`]: { query: pageQuery },
  [`GET ${USER}`]: {},
  [`POST ${USER}`]: { body: userUpdateForm },
  [`DELETE ${USER}`]: {},
  [`GET ${USER}/Conversations`]: { query: pageQuery },
  [`GET ${USER}/Conversations/{ConversationSid}`]: {},
  [`GET ${V1}/ParticipantConversations`]: { query: participantConversationsQuery },
  [`GET ${V1}/Configuration/Webhooks`]: {},
  [`POST ${V1}/Configuration/Webhooks`]: { body: webhookConfigurationForm },
} as const satisfies Record<RouteKey, { body?: Schema; query?: Schema }>;

export type TwilioRouteKey = keyof typeof twilioContracts;
