/**
 * The use-cases of the REST API bound to their ports: what the API Lambda calls. This module and
 * functions/parley-voice.ts (the call use-cases of the voice Lambdas) are the only ones that know both the
 * domain and the store; surfaces import them and never the store (the layer rules in
 * `.dependency-cruiser.cjs` hold them to that).
 */
import { invokeLater } from './aws/invoke.ts';
import { config } from './config.ts';
import type { CallStore } from './domain/calls.ts';
import type { IdempotentRequest, Receipt } from './domain/idempotency.ts';
import type { Actor } from './domain/timeline-context.ts';
import * as conversations from './domain/use-cases/conversations.ts';
import * as events from './domain/use-cases/events.ts';
import { idempotently } from './domain/use-cases/idempotency.ts';
import * as legs from './domain/use-cases/legs.ts';
import * as members from './domain/use-cases/members.ts';
import * as numbers from './domain/use-cases/numbers.ts';
import * as users from './domain/use-cases/users.ts';
import { log } from './http/log.ts';
import { restPorts } from './store/ports.ts';
import { bind, depsOver } from './wiring.ts';

const callsNotWired = async (): Promise<never> => {
  throw new Error('the call store is not wired into the REST API: calls are functions/parley-voice.ts');
};

/** No REST use-case records a call, so the API Lambda carries no call store (nor the rules behind it). */
const noCallStore: CallStore = {
  findRouteAndLeg: callsNotWired,
  getLeg: callsNotWired,
  createCall: callsNotWired,
  loadCall: callsNotWired,
  commitLegChange: callsNotWired,
  openLegsStartedBefore: callsNotWired,
};

const deps = depsOver({ ...restPorts, calls: noCallStore });

const post = bind(events.postEvent, deps);

/**
 * Posts an event; one that is not stored (typing, `ephemeral`: it has no id) goes straight to the
 * conversation's live sessions through the socket Lambda, which the stream never would. Best effort, as
 * such events are: a failed hand-over is logged, the post still answered.
 */
const postAndAnnounce = async (...args: Parameters<typeof post>) => {
  const posted = await post(...args);
  const socketFunction = config().socketFunctionName;
  if (posted.id === undefined && socketFunction)
    await invokeLater(socketFunction, { parleyEphemeral: { conversationId: args[1], event: posted } }).catch(
      (error: Error) => log('warn', error.message),
    );
  return posted;
};

export const parley = {
  /** A write under an Idempotency-Key: run once, its answer stored with it and replayed to retries. */
  idempotently: <R, A>(
    actor: Actor,
    request: IdempotentRequest,
    answer: (result: R) => A,
    run: (receipt: Receipt<R>) => Promise<R>,
  ) => idempotently(deps(), actor, request, answer, run),
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
    post: postAndAnnounce,
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
};
