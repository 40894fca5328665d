/**
 * The use-cases bound to their ports: what every surface calls. This is the one module that knows both
 * the domain and the store; surfaces import it and never the store (the layer rules in
 * `.dependency-cruiser.cjs` hold them to that).
 */
import { config } from './config.ts';
import { nowIso } from './domain/ids.ts';
import type { Deps } from './domain/ports.ts';
import * as calls from './domain/use-cases/calls.ts';
import * as conversations from './domain/use-cases/conversations.ts';
import * as events from './domain/use-cases/events.ts';
import * as legs from './domain/use-cases/legs.ts';
import * as members from './domain/use-cases/members.ts';
import * as numbers from './domain/use-cases/numbers.ts';
import * as users from './domain/use-cases/users.ts';
import { dynamoPorts } from './store/ports.ts';

/** A use-case with its dependencies given: the caller passes the rest. */
const bind =
  <A extends unknown[], R>(useCase: (deps: Deps, ...rest: A) => R, deps: () => Deps) =>
  (...rest: A): R =>
    useCase(deps(), ...rest);

/** Dependencies of this process: the DynamoDB ports, the settings from the environment, the clock. */
const deps = (): Deps => {
  const c = config();
  return {
    ports: dynamoPorts,
    settings: {
      authorization: c.authorization,
      maxMembersPerConversation: c.maxMembersPerConversation,
      maxCallSeconds: c.maxCallSeconds,
    },
    now: nowIso,
  };
};

export const parley = {
  conversations: {
    create: bind(conversations.createConversation, deps),
    list: bind(conversations.listConversations, deps),
    listByOffset: bind(conversations.listConversationsByOffset, deps),
    get: bind(conversations.getConversation, deps),
    update: bind(conversations.updateConversation, deps),
    remove: bind(conversations.deleteConversation, deps),
    withMembers: bind(conversations.getConversationWithMembers, deps),
  },
  members: {
    add: bind(members.addMember, deps),
    list: bind(members.listMembers, deps),
    get: bind(members.getMember, deps),
    mine: bind(members.getMyMember, deps),
    change: bind(members.changeMemberState, deps),
  },
  events: {
    post: bind(events.postEvent, deps),
    list: bind(events.listEvents, deps),
    get: bind(events.getEvent, deps),
    remove: bind(events.deleteEvent, deps),
  },
  users: {
    create: bind(users.createUser, deps),
    list: bind(users.listUsers, deps),
    get: bind(users.getUser, deps),
    update: bind(users.updateUser, deps),
    remove: bind(users.deleteUser, deps),
    conversations: bind(users.listUserConversations, deps),
  },
  legs: { get: bind(legs.getLeg, deps), list: bind(legs.listLegs, deps) },
  numbers: {
    put: bind(numbers.putNumberRoute, deps),
    get: bind(numbers.getNumberRoute, deps),
    remove: bind(numbers.deleteNumberRoute, deps),
    list: bind(numbers.listNumberRoutes, deps),
  },
  calls: {
    answer: bind(calls.answerInboundCall, deps),
    status: bind(calls.recordCallStatus, deps),
    sweep: bind(calls.sweepOpenLegs, deps),
  },
};
