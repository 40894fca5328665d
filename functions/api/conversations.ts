import { linkBase as base, listPage, pageRequest } from '../http/paging.ts';
import { json, noContent } from '../http/respond.ts';
import { route } from '../http/route.ts';
import { parley } from '../parley.ts';
import { actorOf } from './actor.ts';
import { presentConversation, presentConversationLite } from './present.ts';
import { conversationBody, listConversationsQuery } from './schemas.ts';

export const create = route({ body: conversationBody }, async ({ event, body }) => {
  const conversation = await parley.conversations.create(actorOf(event), body);
  return json(201, presentConversation(base(event), conversation));
});

export const list = route({ query: listConversationsQuery }, async ({ event, query }) => {
  const paging = pageRequest(event, query);
  const page = await parley.conversations.list(actorOf(event), {
    ...paging,
    dateStart: query.date_start,
    dateEnd: query.date_end,
  });
  return listPage(event, paging, page, 'conversations', presentConversationLite);
});

export const get = route({}, async ({ event, params }) => {
  const conversation = await parley.conversations.get(actorOf(event), params.conversation_id);
  return json(200, presentConversation(base(event), conversation));
});

export const update = route({ body: conversationBody }, async ({ event, params, body }) => {
  const conversation = await parley.conversations.update(actorOf(event), params.conversation_id, body);
  return json(200, presentConversation(base(event), conversation));
});

export const remove = route({}, async ({ event, params }) => {
  await parley.conversations.remove(actorOf(event), params.conversation_id);
  return noContent();
});
