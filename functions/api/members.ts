import { config } from '../config.ts';
import { notFound, validationError } from '../domain/errors.ts';
import { nowIso } from '../domain/ids.ts';
import { addMember, changeMemberState, getMember, getMyMember } from '../domain/member-service.ts';
import { retry } from '../domain/retry.ts';
import { baseUrl, pageLinks, pageRequest } from '../http/paging.ts';
import { json } from '../http/respond.ts';
import { route } from '../http/route.ts';
import { getConversationItem } from '../store/conversations-repo.ts';
import { listMembers, memberStore } from '../store/members-repo.ts';
import { actorOf } from './actor.ts';
import { presentMember, presentMemberLite } from './present.ts';
import { listMembersQuery, memberBody, memberPatchBody } from './schemas.ts';

const base = (event: Parameters<typeof baseUrl>[0]) => baseUrl(event, config().publicBaseUrl);

export const create = route({ body: memberBody }, async ({ event, params, body }) => {
  if (body.user.id === undefined && body.user.name === undefined)
    throw validationError([{ name: 'user', reason: '"user" must contain at least one of [id, name]' }]);
  const actor = actorOf(event);
  const { maxMembersPerConversation: maxMembers } = config();
  const view = await retry(() =>
    addMember(
      memberStore,
      actor,
      params.conversation_id,
      {
        state: body.state as 'invited' | 'joined',
        user: body.user,
        channel: body.channel,
        media: body.media,
        knocking_id: body.knocking_id,
        member_id_inviting: body.member_id_inviting,
      },
      { now: nowIso(), maxMembers },
    ),
  );
  return json(201, presentMember(base(event), view.member, view.conversation));
});

export const list = route({ query: listMembersQuery }, async ({ event, params, query }) => {
  const { order, pageSize, cursor } = pageRequest(query);
  const page = await listMembers(params.conversation_id, {
    order,
    pageSize,
    cursor,
  });
  // A conversation always has a member once anyone joined; an empty page may mean there is none.
  if (page.items.length === 0 && !(await getConversationItem(params.conversation_id)))
    throw notFound.conversation();
  const b = base(event);
  return json(200, {
    page_size: pageSize,
    _embedded: { members: page.items.map((m) => presentMemberLite(b, m)) },
    _links: pageLinks(event, b, page, pageSize, order),
  });
});

export const me = route({}, async ({ event, params }) => {
  const view = await getMyMember(memberStore, actorOf(event), params.conversation_id);
  return json(200, presentMember(base(event), view.member, view.conversation));
});

export const get = route({}, async ({ event, params }) => {
  const view =
    params.member_id === 'me'
      ? await getMyMember(memberStore, actorOf(event), params.conversation_id)
      : await getMember(memberStore, params.conversation_id, params.member_id);
  return json(200, presentMember(base(event), view.member, view.conversation));
});

export const update = route({ body: memberPatchBody }, async ({ event, params, body }) => {
  const actor = actorOf(event);
  const view = await retry(() =>
    changeMemberState(
      memberStore,
      actor,
      params.conversation_id,
      params.member_id,
      { state: body.state as 'invited' | 'joined' | 'left', reason: body.reason },
      nowIso(),
    ),
  );
  return json(200, presentMember(base(event), view.member, view.conversation));
});
