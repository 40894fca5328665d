import { config } from '../config.ts';
import {
  assertDateRange,
  createConversation,
  deleteConversation,
  getConversation,
  updateConversation,
} from '../domain/conversations.ts';
import { nowIso } from '../domain/ids.ts';
import { retry } from '../domain/retry.ts';
import { callerOf } from '../http/auth.ts';
import { baseUrl, pageLinks, pageRequest } from '../http/paging.ts';
import { json, noContent } from '../http/respond.ts';
import { route } from '../http/route.ts';
import { conversationRepository, listConversations } from '../store/conversations-repo.ts';
import { presentConversation, presentConversationLite } from './present.ts';
import { conversationBody, listConversationsQuery } from './schemas.ts';
import { listConversationsOfUser } from './user-conversations.ts';

const base = (event: Parameters<typeof baseUrl>[0]) => baseUrl(event, config().publicBaseUrl);

export const create = route({ body: conversationBody }, async ({ event, body }) => {
  const conversation = await createConversation(conversationRepository, body, nowIso());
  return json(201, presentConversation(base(event), conversation));
});

export const list = route({ query: listConversationsQuery }, async ({ event, query }) => {
  const { order, pageSize, cursor } = pageRequest(query);
  assertDateRange(query.date_start, query.date_end);
  const caller = callerOf(event);
  const b = base(event);
  const page =
    caller.kind === 'admin'
      ? await listConversations({
          order,
          pageSize,
          cursor,
          dateStart: query.date_start,
          dateEnd: query.date_end,
        })
      : await listConversationsOfUser(caller.userName, { order, pageSize, cursor });
  return json(200, {
    page_size: pageSize,
    _embedded: { conversations: page.items.map((c) => presentConversationLite(b, c)) },
    _links: pageLinks(event, b, page, pageSize, order),
  });
});

export const get = route({}, async ({ event, params }) => {
  const conversation = await getConversation(conversationRepository, params.conversation_id);
  return json(200, presentConversation(base(event), conversation));
});

export const update = route({ body: conversationBody }, async ({ event, params, body }) => {
  // The update appends `conversation:updated`: a race with another event is read again and retried.
  const conversation = await retry(() =>
    updateConversation(conversationRepository, params.conversation_id, body, nowIso()),
  );
  return json(200, presentConversation(base(event), conversation));
});

export const remove = route({}, async ({ params }) => {
  await deleteConversation(conversationRepository, params.conversation_id);
  return noContent();
});
