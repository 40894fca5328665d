/** Call legs: one leg by its id (the provider's call id), and the legs of a conversation. */
import { linkBase as base, listPage, pageRequest } from '../http/paging.ts';
import { json } from '../http/respond.ts';
import { route } from '../http/route.ts';
import { parleyCalls } from '../parley-calls.ts';
import { actorOf } from './actor.ts';
import { presentLeg } from './present-voice.ts';
import { listLegsQuery } from './schemas.ts';

export const get = route({}, async ({ event, params }) => {
  const leg = await parleyCalls.legs.get(actorOf(event), params.leg_id);
  return json(200, presentLeg(base(event), leg));
});

export const listOfConversation = route({ query: listLegsQuery }, async ({ event, params, query }) => {
  const paging = pageRequest(event, query);
  const page = await parleyCalls.legs.list(actorOf(event), params.conversation_id, paging);
  return listPage(event, paging, page, 'legs', presentLeg);
});
