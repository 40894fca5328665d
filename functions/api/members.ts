import { linkBase as base, listPage, pageRequest } from '../http/paging.ts';
import { json } from '../http/respond.ts';
import { route } from '../http/route.ts';
import { parley } from '../parley.ts';
import { actorOf } from './actor.ts';
import { presentMember, presentMemberLite } from './present.ts';
import { listMembersQuery, memberBody, memberPatchBody } from './schemas.ts';

export const create = route({ body: memberBody }, async ({ event, params, body }) => {
  const view = await parley.members.add(actorOf(event), params.conversation_id, {
    state: body.state,
    user: body.user,
    channel: body.channel,
    media: body.media,
    knocking_id: body.knocking_id,
    member_id_inviting: body.member_id_inviting,
  });
  return json(201, presentMember(base(event), view.member, view.conversation));
});

export const list = route({ query: listMembersQuery }, async ({ event, params, query }) => {
  const paging = pageRequest(event, query);
  const page = await parley.members.list(actorOf(event), params.conversation_id, paging);
  return listPage(event, paging, page, 'members', presentMemberLite);
});

export const me = route({}, async ({ event, params }) => {
  const view = await parley.members.mine(actorOf(event), params.conversation_id);
  return json(200, presentMember(base(event), view.member, view.conversation));
});

export const get = route({}, async ({ event, params }) => {
  const actor = actorOf(event);
  const view =
    params.member_id === 'me'
      ? await parley.members.mine(actor, params.conversation_id)
      : await parley.members.get(actor, params.conversation_id, params.member_id);
  return json(200, presentMember(base(event), view.member, view.conversation));
});

export const update = route({ body: memberPatchBody }, async ({ event, params, body }) => {
  const view = await parley.members.change(actorOf(event), params.conversation_id, params.member_id, {
    state: body.state,
    reason: body.reason,
  });
  return json(200, presentMember(base(event), view.member, view.conversation));
});
