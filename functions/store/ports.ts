/** Every port of the domain, implemented over the one DynamoDB table. */
import type { Ports } from '../domain/ports.ts';
import { forgetCallerMember, loadContext } from './context-repo.ts';
import {
  conversationRepository,
  getConversationWithMembers,
  listConversations,
} from './conversations-repo.ts';
import { eventStore, listEvents } from './events-repo.ts';
import { getIdempotencyRecord } from './idempotency-repo.ts';
import { callStore, getLeg, listLegsOfConversation } from './legs-repo.ts';
import { listMembers, memberStore } from './members-repo.ts';
import { membershipsOfUser } from './memberships-repo.ts';
import { deleteNumberRoute, getNumberRoute, listNumberRoutes, putNumberRoute } from './numbers-repo.ts';
import { listUsers, userRepository } from './users-repo.ts';

/** The ports the REST API's number-route and leg use-cases add to `restPorts` (the calls Lambda's). */
const legAndNumberPorts: Pick<Ports, 'legs' | 'numbers'> = {
  legs: {
    get: (id) => getLeg(id),
    listOfConversation: listLegsOfConversation,
  },
  numbers: { get: getNumberRoute, put: putNumberRoute, remove: deleteNumberRoute, list: listNumberRoutes },
};

/**
 * Every port but the call store, the legs and the number routes: what the API Lambda's REST use-cases run
 * with (the legs and number routes are the calls Lambda's, `callPorts`).
 */
export const restPorts: Omit<Ports, 'calls' | 'legs' | 'numbers'> = {
  context: { load: loadContext },
  conversations: {
    ...conversationRepository,
    list: (query) => listConversations(query),
    withMembers: getConversationWithMembers,
  },
  members: {
    ...memberStore,
    // A member whose state moved is no longer what this process remembered of its caller.
    change: async (write) => {
      forgetCallerMember(write.previous.id);
      await memberStore.change(write);
    },
    load: loadContext,
    list: listMembers,
    ofUser: membershipsOfUser,
  },
  events: { ...eventStore, load: loadContext, list: listEvents },
  users: { ...userRepository, list: listUsers },
  idempotency: { get: getIdempotencyRecord },
};

/**
 * Every port, the call store included: what the call use-cases (voice webhooks, sweeper) run with. A
 * function, so that a bundle needing only `restPorts` leaves the call store out.
 */
export const dynamoPorts = (): Ports => ({ ...restPorts, ...legAndNumberPorts, calls: callStore });

/**
 * The REST ports with the legs and number routes, and no call store: what the calls Lambda's use-cases
 * (functions/parley-calls.ts) run with. A function, for the same reason as `dynamoPorts`.
 */
export const callPorts = (): Omit<Ports, 'calls'> => ({ ...restPorts, ...legAndNumberPorts });
