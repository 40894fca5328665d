import { linkBase as base, listPage, pageRequest } from '../http/paging.ts';
import { json, noContent } from '../http/respond.ts';
import { route } from '../http/route.ts';
import { parley } from '../parley.ts';
import { actorOf } from './actor.ts';
import { presentConversation, presentConversationLite } from './present.ts';
import { conversationBody, listConversationsQuery } from './schemas.ts';
import { write } from './write.ts';

export const create = route({ body: conversationBody }, ({ event, body }) =>
  write(
    event,
    (receipt) => parley.conversations.create(actorOf(event), body, receipt),
    (conversation) => json(201, presentConversation(base(event), conversation)),
  ),
);

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

export const update = route({ body: conversationBody }, ({ event, params, body }) =>
  write(
    event,
    (receipt) => parley.conversations.update(actorOf(event), params.conversation_id, body, receipt),
    (conversation) => json(200, presentConversation(base(event), conversation)),
  ),
);

export const remove = route({}, ({ event, params }) =>
  write(
    event,
    (receipt) => parley.conversations.remove(actorOf(event), params.conversation_id, receipt),
    noContent,
  ),
);
