/**
 * The use-cases the Twilio Conversations surface calls, bound to their ports: the same conversation,
 * member, event and user use-cases as functions/parley.ts, plus the ones only this surface needs
 * (participants by name or binding, unique-name lookups, message edits) over the extension ports. The
 * third composition root, so that the API Lambda carries none of the extras.
 */

import { config } from './config.ts';
import { nowIso } from './domain/ids.ts';
import * as conversations from './domain/use-cases/conversations.ts';
import * as edits from './domain/use-cases/edits.ts';
import * as events from './domain/use-cases/events.ts';
import * as members from './domain/use-cases/members.ts';
import * as participants from './domain/use-cases/participants.ts';
import * as twilioWebhooks from './domain/use-cases/twilio-webhooks.ts';
import * as users from './domain/use-cases/users.ts';
import { extensionPorts } from './store/extensions-repo.ts';
import { restPorts } from './store/ports.ts';
import { webhookStore } from './store/webhooks-repo.ts';
import { bind, depsOver, noCallStore, noLegPorts, noNumberPorts } from './wiring.ts';

const deps = depsOver({
  ...restPorts,
  extensions: extensionPorts,
  calls: noCallStore('the Twilio surface'),
  legs: noLegPorts('the Twilio surface'),
  numbers: noNumberPorts('the Twilio surface'),
});

/** The post-event webhook configuration, in the table beside the application's webhook settings. */
const webhookDeps = (): twilioWebhooks.TwilioWebhookDeps => ({
  store: webhookStore,
  applicationId: config().applicationId,
  now: nowIso,
});

export const parleyTwilio = {
  webhooks: {
    get: () => twilioWebhooks.getTwilioWebhooks(webhookDeps()),
    update: (input: Parameters<typeof twilioWebhooks.updateTwilioWebhooks>[1]) =>
      twilioWebhooks.updateTwilioWebhooks(webhookDeps(), input),
  },
  conversations: {
    create: bind(conversations.createConversation, deps),
    list: bind(conversations.listConversations, deps),
    get: bind(conversations.getConversation, deps),
    update: bind(conversations.updateConversation, deps),
    remove: bind(conversations.deleteConversation, deps),
    idByName: bind(participants.conversationIdByName, deps),
  },
  members: {
    addByName: bind(participants.addMemberByName, deps),
    addBound: bind(participants.addBoundMember, deps),
    byName: bind(participants.getMemberByName, deps),
    list: bind(members.listMembers, deps),
    get: bind(members.getMember, deps),
    change: bind(members.changeMemberState, deps),
  },
  events: {
    post: bind(events.postEvent, deps),
    list: bind(events.listEvents, deps),
    get: bind(events.getEvent, deps),
    remove: bind(events.deleteEvent, deps),
    edit: bind(edits.editMessage, deps),
  },
  users: {
    create: bind(users.createUser, deps),
    list: bind(users.listUsers, deps),
    get: bind(users.getUser, deps),
    update: bind(users.updateUser, deps),
    remove: bind(users.deleteUser, deps),
    conversations: bind(users.listUserConversations, deps),
  },
};
