/** Call legs: one leg by its id, and the legs of a conversation, for callers who may see its conversation. */
import { visibleConversation } from '../access.ts';
import { notFound } from '../errors.ts';
import type { Leg } from '../legs.ts';
import type { Deps, Page, PageQuery } from '../ports.ts';
import type { Actor } from '../timeline-context.ts';
import { accessOf, listWithin } from './conversations.ts';

export const getLeg = async (deps: Deps, actor: Actor, legId: string): Promise<Leg> => {
  const leg = await deps.ports.legs.get(legId);
  if (!leg) throw notFound.leg();
  if (actor.kind === 'user') {
    // A leg is seen through its conversation: a caller who may not see that sees no leg.
    const ctx = await deps.ports.context.load({
      conversationId: leg.conversation_id,
      callerName: actor.name,
    });
    try {
      visibleConversation(accessOf(deps, actor), ctx, deps.now());
    } catch {
      throw notFound.leg();
    }
  }
  return leg;
};

export const listLegs = (
  deps: Deps,
  actor: Actor,
  conversationId: string,
  query: PageQuery,
): Promise<Page<Leg>> =>
  listWithin(deps, actor, conversationId, () => deps.ports.legs.listOfConversation(conversationId, query));
