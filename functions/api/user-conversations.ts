/**
 * A user's conversations: GSI1 holds one entry per (user, conversation) — the user's current member there,
 * with its state and read state — and a BatchGet fetches those conversations: two reads a page.
 */
import { config } from '../config.ts';
import type { Conversation } from '../domain/conversations.ts';
import { authError, notFound } from '../domain/errors.ts';
import { ID_PATTERN } from '../domain/ids.ts';
import type { MemberState } from '../domain/members.ts';
import type { StoredMember } from '../domain/timeline-context.ts';
import { callerOf } from '../http/auth.ts';
import { baseUrl, decodeCursor, pageLinks } from '../http/paging.ts';
import { json } from '../http/respond.ts';
import { route } from '../http/route.ts';
import { getConversations, userIdOfName } from '../store/context-repo.ts';
import { listMembershipsOfUser, type MembershipQuery } from '../store/members-repo.ts';
import type { Page, PageCursor } from '../store/paging.ts';
import { getUserById } from '../store/users-repo.ts';
import { isoDate } from './dates.ts';
import { presentUserConversation } from './present.ts';
import { userConversationsQuery } from './schemas.ts';

interface Membership {
  conversation: Conversation;
  member: StoredMember;
}

const membershipsOf = async (userId: string, query: MembershipQuery): Promise<Page<Membership>> => {
  const page = await listMembershipsOfUser(userId, query);
  const conversations =
    page.items.length > 0 ? await getConversations(page.items.map((m) => m.conversation_id)) : new Map();
  const items: Membership[] = [];
  for (const member of page.items) {
    const conversation = conversations.get(member.conversation_id);
    if (conversation) items.push({ conversation, member });
  }
  return { ...page, items };
};

/** `GET /v1/conversations` with a user token: the conversations its user is a member of (INVITED or JOINED). */
export const listConversationsOfUser = async (
  userName: string,
  query: { order: 'asc' | 'desc'; pageSize: number; cursor?: PageCursor },
): Promise<Page<Conversation>> => {
  const user = await userIdOfName(userName);
  if (!user) return { items: [] };
  const page = await membershipsOf(user.id, { ...query, liveOnly: true });
  return { ...page, items: page.items.map((m) => m.conversation) };
};

const base = (event: Parameters<typeof baseUrl>[0]) => baseUrl(event, config().publicBaseUrl);

/** `GET /v1/users/{user_id}/conversations` (id or name); a user token lists only its own. */
export const list = route({ query: userConversationsQuery }, async ({ event, params, query }) => {
  const order = (query.order ?? 'asc') as 'asc' | 'desc';
  const pageSize = query.page_size ?? 10;
  const caller = callerOf(event);
  const ref = params.user_id;
  let userId: string | undefined;
  let known = false;
  if (ID_PATTERN.user.test(ref) && caller.kind === 'admin') userId = ref;
  else {
    const named = await userIdOfName(caller.kind === 'user' ? caller.userName : ref);
    if (caller.kind === 'user') {
      if (!named) throw notFound.user();
      if (ref !== named.id && ref !== caller.userName) throw authError.permission();
    } else if (!named) throw notFound.user();
    userId = named.id;
    known = true;
  }
  const page = await membershipsOf(userId, {
    order,
    pageSize,
    cursor: decodeCursor(query.cursor),
    state: query.state as MemberState | undefined,
    dateStart: isoDate(query.date_start),
  });
  if (page.items.length === 0 && !known && !(await getUserById(userId))) throw notFound.user();
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
