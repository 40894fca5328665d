import type { Conversation } from '../domain/conversations.ts';
import type { Page, PageCursor } from '../store/paging.ts';
import { getUserByName } from '../store/users-repo.ts';

/**
 * The conversations a user token may list: those its user is a member of. Until members exist a user is
 * a member of nothing, so the list is empty.
 */
export const listConversationsOfUser = async (
  userName: string,
  _query: { order: 'asc' | 'desc'; pageSize: number; cursor?: PageCursor },
): Promise<Page<Conversation>> => {
  await getUserByName(userName);
  return { items: [] };
};
