/**
 * A user's conversations: GSI1 holds one entry per (user, conversation) — the user's current member there,
 * with its state and read state — and a BatchGet fetches those conversations: two reads a page. The
 * entries are keyed by user id, which a token (or a name in the path) does not carry: the process's cache
 * of name → id lets the Query go first, and the user's name item, read in the same BatchGet as the
 * conversations, confirms the id (a miss or a stale id costs one more read).
 */
import { config } from '../config.ts';
import type { Conversation } from '../domain/conversations.ts';
import { authError, notFound } from '../domain/errors.ts';
import { ID_PATTERN } from '../domain/ids.ts';
import type { MemberState } from '../domain/members.ts';
import type { StoredMember } from '../domain/timeline-context.ts';
import { callerOf } from '../http/auth.ts';
import { baseUrl, pageLinks, pageRequest } from '../http/paging.ts';
import { json } from '../http/respond.ts';
import { route } from '../http/route.ts';
import { cachedUserIdOf, remember, userIdOfName } from '../store/context-repo.ts';
import { getConversationsWith } from '../store/conversations-repo.ts';
import { type Key, keys } from '../store/keys.ts';
import { listMembershipsOfUser, type MembershipQuery } from '../store/members-repo.ts';
import type { Page, PageCursor } from '../store/paging.ts';
import { presentUserConversation } from './present.ts';
import { userConversationsQuery } from './schemas.ts';

interface Membership {
  conversation: Conversation;
  member: StoredMember;
}

/**
 * One page of a user's memberships with their conversations; the BatchGet also reads `user` (the user's
 * item or name item), and the id it holds is returned, to check that the page is that user's.
 */
const membershipsOf = async (
  userId: string,
  query: MembershipQuery,
  user: Key,
): Promise<{ page: Page<Membership>; userId?: string }> => {
  const page = await listMembershipsOfUser(userId, query);
  const found = await getConversationsWith(
    page.items.map((m) => m.conversation_id),
    user,
  );
  const items: Membership[] = [];
  for (const member of page.items) {
    const conversation = found.conversations.get(member.conversation_id);
    if (conversation) items.push({ conversation, member });
  }
  return { page: { ...page, items }, userId: found.also?.id as string | undefined };
};

/**
 * The memberships of the user named `name`, or undefined when there is no such user. `allowed` decides
 * whether the caller may see that user's list, given its id (a stale cached id is looked up again first).
 */
const membershipsOfName = async (
  name: string,
  query: MembershipQuery,
  allowed: (userId: string) => boolean = () => true,
): Promise<Page<Membership> | undefined> => {
  let id = cachedUserIdOf(name);
  for (let attempt = 1; attempt <= 5; attempt++) {
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

/** `GET /v1/conversations` with a user token: the conversations its user is a member of (INVITED or JOINED). */
export const listConversationsOfUser = async (
  userName: string,
  query: { order: 'asc' | 'desc'; pageSize: number; cursor?: PageCursor },
): Promise<Page<Conversation>> => {
  const page = await membershipsOfName(userName, { ...query, liveOnly: true });
  if (!page) return { items: [] };
  return { ...page, items: page.items.map((m) => m.conversation) };
};

const base = (event: Parameters<typeof baseUrl>[0]) => baseUrl(event, config().publicBaseUrl);

/** `GET /v1/users/{user_id}/conversations` (id or name); a user token lists only its own. */
export const list = route({ query: userConversationsQuery }, async ({ event, params, query }) => {
  const { order, pageSize, cursor } = pageRequest(query);
  const caller = callerOf(event);
  const ref = params.user_id;
  const membershipQuery: MembershipQuery = {
    order,
    pageSize,
    cursor,
    state: query.state as MemberState | undefined,
    dateStart: query.date_start,
  };
  let page: Page<Membership> | undefined;
  if (ID_PATTERN.user.test(ref) && caller.kind === 'admin') {
    // The user's own item, read with the conversations, says whether the user exists.
    const read = await membershipsOf(ref, membershipQuery, keys.user(ref));
    page = read.userId ? read.page : undefined;
  } else if (caller.kind === 'user')
    page = await membershipsOfName(
      caller.userName,
      membershipQuery,
      (id) => ref === id || ref === caller.userName,
    );
  else page = await membershipsOfName(ref, membershipQuery);
  if (!page) throw notFound.user();
  const b = base(event);
  return json(200, {
    page_size: pageSize,
    _embedded: {
      conversations: page.items.map((m) =>
        presentUserConversation(b, m.conversation, m.member, query.include_custom_data === true),
      ),
    },
    _links: pageLinks(event, b, page, pageSize, order),
  });
});
