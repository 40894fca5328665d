/**
 * The use-cases of the REST API bound to their ports: what the API Lambda calls. This module,
 * functions/parley-calls.ts (number routes and legs, the calls Lambda's) and functions/parley-voice.ts (the
 * call use-cases of the voice Lambdas) are among the composition roots, the only modules that know both
 * the domain and the store; surfaces import them and never the store (the layer rules in
 * `.dependency-cruiser.cjs` hold them to that).
 */
import { invokeLater } from './aws/invoke.ts';
import { config } from './config.ts';
import type { IdempotentRequest, Receipt } from './domain/idempotency.ts';
import type { Actor } from './domain/timeline-context.ts';
import * as conversations from './domain/use-cases/conversations.ts';
import * as events from './domain/use-cases/events.ts';
import { idempotently } from './domain/use-cases/idempotency.ts';
import * as members from './domain/use-cases/members.ts';
import * as users from './domain/use-cases/users.ts';
import { log } from './http/log.ts';
import { restPorts } from './store/ports.ts';
import { bind, depsOver, noCallStore, noLegPorts, noNumberPorts } from './wiring.ts';

/**
 * No REST use-case of the API Lambda records a call, reads a leg or keeps a number route (those are
 * functions/parley-calls.ts, the calls Lambda's), so its bundle carries none of their stores.
 */
const deps = depsOver({
  ...restPorts,
  calls: noCallStore('the REST API'),
  legs: noLegPorts('the API Lambda'),
  numbers: noNumberPorts('the API Lambda'),
});

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
};
