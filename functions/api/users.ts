import type { MemberState } from '../domain/members.ts';
import { linkBase as base, listPage, pageRequest } from '../http/paging.ts';
import { json, noContent } from '../http/respond.ts';
import { route } from '../http/route.ts';
import { parley } from '../parley.ts';
import { actorOf } from './actor.ts';
import { presentUser, presentUserConversation, presentUserLite, presentUserPublic } from './present.ts';
import { listUsersQuery, userBody, userConversationsQuery, userUpdateBody } from './schemas.ts';

export const create = route({ body: userBody }, async ({ event, body }) => {
  const user = await parley.users.create(actorOf(event), body);
  return json(201, presentUser(base(event), user));
});

export const list = route({ query: listUsersQuery }, async ({ event, query }) => {
  const paging = pageRequest(event, query);
  const page = await parley.users.list(actorOf(event), { ...paging, name: query.name });
  return listPage(event, paging, page, 'users', (b, v) => presentUserLite(b, v.user));
});

export const get = route({}, async ({ event, params }) => {
  const view = await parley.users.get(actorOf(event), params.user_id);
  return json(
    200,
    view.full ? presentUser(base(event), view.user) : presentUserPublic(base(event), view.user),
  );
});

export const update = route({ body: userUpdateBody }, async ({ event, params, body }) => {
  const { timestamp: _readOnly, ...input } = body;
  const user = await parley.users.update(actorOf(event), params.user_id, input);
  return json(200, presentUser(base(event), user));
});

export const remove = route({}, async ({ event, params }) => {
  await parley.users.remove(actorOf(event), params.user_id);
  return noContent();
});

/** `GET /v1/users/{user_id}/conversations` (id or name); a user token lists only its own. */
export const conversations = route({ query: userConversationsQuery }, async ({ event, params, query }) => {
  const paging = pageRequest(event, query);
  const page = await parley.users.conversations(actorOf(event), params.user_id, {
    ...paging,
    state: query.state as MemberState | undefined,
    dateStart: query.date_start,
  });
  return listPage(event, paging, page, 'conversations', (b, m) =>
    presentUserConversation(b, m.conversation, m.member, query.include_custom_data === true),
  );
});
