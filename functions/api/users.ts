import { config } from '../config.ts';
import { nowIso } from '../domain/ids.ts';
import { createUser, deleteUser, findUser, updateUser } from '../domain/users.ts';
import { callerOf, requireAdmin } from '../http/auth.ts';
import { baseUrl, pageLinks, pageRequest } from '../http/paging.ts';
import { json, noContent } from '../http/respond.ts';
import { route } from '../http/route.ts';
import type { Page } from '../store/paging.ts';
import { getUserByName, listUsers, userRepository } from '../store/users-repo.ts';
import { presentUser, presentUserLite } from './present.ts';
import { listUsersQuery, userBody, userUpdateBody } from './schemas.ts';

const base = (event: Parameters<typeof baseUrl>[0]) => baseUrl(event, config().publicBaseUrl);

export const create = route({ body: userBody }, async ({ event, body }) => {
  requireAdmin(event);
  const user = await createUser(userRepository, body, nowIso());
  return json(201, presentUser(base(event), user));
});

export const list = route({ query: listUsersQuery }, async ({ event, query }) => {
  const { order, pageSize, cursor } = pageRequest(query);
  const b = base(event);
  let page: Page<Awaited<ReturnType<typeof getUserByName>> & object>;
  if (query.name !== undefined) {
    // A name names at most one user: one read of its name claim.
    const user = await getUserByName(query.name);
    page = { items: user ? [user] : [] };
  } else {
    page = await listUsers({ order, pageSize, cursor });
  }
  return json(200, {
    page_size: pageSize,
    _embedded: { users: page.items.map((u) => presentUserLite(b, u)) },
    _links: pageLinks(event, b, page, pageSize, order),
  });
});

export const get = route({}, async ({ event, params }) => {
  const user = await findUser(userRepository, params.user_id);
  return json(200, presentUser(base(event), user));
});

export const update = route({ body: userUpdateBody }, async ({ event, params, body }) => {
  const { timestamp: _readOnly, ...input } = body;
  // An admin may change any user; a user token only its own user.
  const caller = callerOf(event);
  const user = await updateUser(userRepository, params.user_id, input, nowIso(), caller);
  return json(200, presentUser(base(event), user));
});

export const remove = route({}, async ({ event, params }) => {
  requireAdmin(event);
  await deleteUser(userRepository, params.user_id);
  return noContent();
});
