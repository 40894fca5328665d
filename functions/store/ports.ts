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

/** Every port but the call store: what the REST use-cases run with. */
export const restPorts: Omit<Ports, 'calls'> = {
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
  legs: {
    get: (id) => getLeg(id),
    listOfConversation: listLegsOfConversation,
  },
  numbers: { get: getNumberRoute, put: putNumberRoute, remove: deleteNumberRoute, list: listNumberRoutes },
  idempotency: { get: getIdempotencyRecord },
};

/**
 * Every port, the call store included: what the call use-cases (voice webhooks, sweeper) run with. A
 * function, so that a bundle needing only `restPorts` leaves the call store out.
 */
export const dynamoPorts = (): Ports => ({ ...restPorts, calls: callStore });
