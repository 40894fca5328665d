/** Call legs: one leg by its id (the provider's call id), and the legs of a conversation. */
import { config } from '../config.ts';
import { notFound } from '../domain/errors.ts';
import { baseUrl, pageLinks, pageRequest } from '../http/paging.ts';
import { json } from '../http/respond.ts';
import { route } from '../http/route.ts';
import { getConversationItem } from '../store/conversations-repo.ts';
import { getLeg, listLegsOfConversation } from '../store/legs-repo.ts';
import { presentLeg } from './present-voice.ts';
import { listLegsQuery } from './schemas.ts';

const base = (event: Parameters<typeof baseUrl>[0]) => baseUrl(event, config().publicBaseUrl);

export const get = route({}, async ({ event, params }) => {
  const leg = await getLeg(params.leg_id);
  if (!leg) throw notFound.leg();
  return json(200, presentLeg(base(event), leg));
});

export const listOfConversation = route({ query: listLegsQuery }, async ({ event, params, query }) => {
  const { order, pageSize, cursor } = pageRequest(query);
  const page = await listLegsOfConversation(params.conversation_id, { order, pageSize, cursor });
  // An empty first page may mean no such conversation: only then is it worth a second read.
  if (page.items.length === 0 && !cursor && !(await getConversationItem(params.conversation_id)))
    throw notFound.conversation();
  const b = base(event);
  return json(200, {
    page_size: pageSize,
    _embedded: { legs: page.items.map((l) => presentLeg(b, l)) },
    _links: pageLinks(event, b, page, pageSize, order),
  });
});
