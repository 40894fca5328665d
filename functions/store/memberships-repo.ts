/**
 * A user's conversations: GSI1 holds one entry per (user, conversation) — the user's current member there,
 * with its state — and a BatchGet fetches those conversations with the member items, which hold the read
 * state: two reads a page (the BatchGet is one call up to 49 conversations a page, more past that). The
 * entries are keyed by user id, which a token (or a name in the path) does not carry: the process's cache
 * of name → id lets the Query go first, and the user's name item, read in the same BatchGet as the
 * conversations, confirms the id (a miss or a stale id costs one more read).
 */
import { authError } from '../domain/errors.ts';
import type { Membership, MembershipQuery, Page, UserRef } from '../domain/ports.ts';
import { cachedUserIdOf, remember, userIdOfName } from './context-repo.ts';
import { getConversationsWith } from './conversations-repo.ts';
import { type Key, keys } from './keys.ts';
import { fromMemberItem, listMembershipsOfUser } from './members-repo.ts';

/**
 * One page of a user's memberships with their conversations and the member items their entries point at
 * (the read state is on those alone); the BatchGet also reads `user` (the user's item or name item), and
 * the id it holds is returned, to check that the page is that user's.
 */
const membershipsOf = async (
  userId: string,
  query: MembershipQuery,
  user: Key,
): Promise<{ page: Page<Membership>; userId?: string }> => {
  const page = await listMembershipsOfUser(userId, query);
  const memberKeys = page.items.map((m) => keys.member(m.conversation_id, m.id));
  const found = await getConversationsWith(
    page.items.map((m) => m.conversation_id),
    [user, ...memberKeys],
  );
  const items: Membership[] = [];
  for (const [i, entry] of page.items.entries()) {
    const conversation = found.conversations.get(entry.conversation_id);
    const item = found.also.get(memberKeys[i]);
    // The entry and its member are written together; a member item gone means its conversation is going.
    if (conversation && item) items.push({ conversation, member: fromMemberItem(item) });
  }
  return { page: { ...page, items }, userId: found.also.get(user)?.id as string | undefined };
};

/** Attempts before a name that keeps changing owner between reads is given up on. */
const MAX_OWNER_CHANGES = 5;

/**
 * The memberships of the user named `name`, or undefined when there is no such user. `allowed` is the
 * use-case's answer to whether the caller may see that user's list, given its id (a stale cached id is
 * looked up again before a refusal).
 */
const membershipsOfName = async (
  name: string,
  query: MembershipQuery,
  allowed: (userId: string) => boolean,
): Promise<Page<Membership> | undefined> => {
  let id = cachedUserIdOf(name);
  for (let attempt = 1; attempt <= MAX_OWNER_CHANGES; attempt++) {
    let confirmed = false;
    if (!id) {
      id = (await userIdOfName(name))?.id;
      if (!id) return undefined;
      confirmed = true;
    }
    if (!allowed(id)) {
      if (confirmed) throw authError.permission();
      id = undefined;
      continue;
    }
    const { page, userId } = await membershipsOf(id, query, keys.userName(name));
    if (userId === id) return page;
    // The name now belongs to another user, or to none: the page was someone else's.
    if (!userId) return undefined;
    remember(name, userId);
    id = userId;
  }
  throw new Error(`the user name ${name} kept changing owner`);
};

/** The memberships of a user by id or by name; undefined when there is no such user. */
export const membershipsOfUser = async (
  user: UserRef,
  query: MembershipQuery,
  allowed: (userId: string) => boolean = () => true,
): Promise<Page<Membership> | undefined> => {
  if ('name' in user) return membershipsOfName(user.name, query, allowed);
  if (!allowed(user.id)) throw authError.permission();
  // The user's own item, read with the conversations, says whether the user exists.
  const read = await membershipsOf(user.id, query, keys.user(user.id));
  return read.userId ? read.page : undefined;
};
