/** Users: create, list, read (in full or its public fields), update, delete, and a user's conversations. */
import { assertMayListUsers, seesUserInFull } from '../access.ts';
import { isGone } from '../conversations.ts';
import { authError, notFound } from '../errors.ts';
import type { Receipt } from '../idempotency.ts';
import { ID_PATTERN } from '../ids.ts';
import type { Deps, Membership, MembershipQuery, Page, PageQuery } from '../ports.ts';
import type { Actor } from '../timeline-context.ts';
import { applyUserUpdate, buildUser, type User, type UserInput } from '../users.ts';
import { accessOf } from './conversations.ts';

/** A user as the caller may see it: in full (its own, or for an admin), or only its public fields. */
export interface UserView {
  user: User;
  full: boolean;
}

const requireAdmin = (actor: Actor): void => {
  if (actor.kind !== 'admin') throw authError.adminOnly();
};

/** A user by id (`USR-…`) or by name, as `GET /v1/users/{id}` accepts both. */
const findUser = async (deps: Deps, idOrName: string): Promise<User> => {
  const { users } = deps.ports;
  const user = ID_PATTERN.user.test(idOrName) ? await users.get(idOrName) : await users.getByName(idOrName);
  if (!user) throw notFound.user();
  return user;
};

export const createUser = async (
  deps: Deps,
  actor: Actor,
  input: UserInput,
  receipt?: Receipt<User>,
): Promise<User> => {
  requireAdmin(actor);
  const user = buildUser(input, deps.now());
  await deps.ports.users.create(user, receipt);
  return user;
};

/** Every user (admin), or the one user a name names. */
export const listUsers = async (
  deps: Deps,
  actor: Actor,
  query: PageQuery & { name?: string },
): Promise<Page<UserView>> => {
  assertMayListUsers(accessOf(deps, actor));
  const full = (user: User): UserView => ({ user, full: seesUserInFull(accessOf(deps, actor), user.name) });
  if (query.name !== undefined) {
    // A name names at most one user: one read of its name claim.
    const user = await deps.ports.users.getByName(query.name);
    return { items: user ? [full(user)] : [] };
  }
  const page = await deps.ports.users.list(query);
  return { ...page, items: page.items.map(full) };
};

export const getUser = async (deps: Deps, actor: Actor, idOrName: string): Promise<UserView> => {
  const user = await findUser(deps, idOrName);
  return { user, full: seesUserInFull(accessOf(deps, actor), user.name) };
};

/** An admin may change any user; a user token only its own user, as Vonage allows. */
export const updateUser = async (
  deps: Deps,
  actor: Actor,
  idOrName: string,
  input: UserInput,
  receipt?: Receipt<User>,
): Promise<User> => {
  const now = deps.now();
  return deps.ports.users.update(
    idOrName,
    (current) => {
      if (actor.kind === 'user' && actor.name !== current.name) throw authError.permission();
      return applyUserUpdate(current, input, now);
    },
    receipt,
  );
};

export const deleteUser = async (
  deps: Deps,
  actor: Actor,
  idOrName: string,
  receipt?: Receipt<void>,
): Promise<void> => {
  requireAdmin(actor);
  await deps.ports.users.remove(idOrName, receipt);
};

/** `GET /v1/users/{user_id}/conversations` (id or name): any user's for an admin, a user token its own. */
export const listUserConversations = async (
  deps: Deps,
  actor: Actor,
  ref: string,
  query: MembershipQuery,
): Promise<Page<Membership>> => {
  const { members } = deps.ports;
  const page =
    actor.kind === 'admin'
      ? await members.ofUser(ID_PATTERN.user.test(ref) ? { id: ref } : { name: ref }, query)
      : await members.ofUser({ name: actor.name }, query, (id) => ref === id || ref === actor.name);
  if (!page) throw notFound.user();
  const now = deps.now();
  return { ...page, items: page.items.filter((m) => !isGone(m.conversation, now)) };
};
