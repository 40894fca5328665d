import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Member } from '../domain/members.ts';
import { db, tableName } from './client.ts';
import { dataOf, meta } from './item.ts';
import { conversationPartition, keys } from './keys.ts';
import type { TransactItem } from './transact.ts';

/** A member item: in its conversation's partition, and on GSI1 under its user (the user's conversations). */
export const memberItem = (m: Member, createdAt: string, updatedAt = createdAt) => ({
  ...keys.member(m.conversation_id, m.id),
  ...keys.membershipsOfUser(m.user_id),
  gsi1sk: keys.membershipSort(createdAt, m.conversation_id),
  ...meta('member', createdAt, updatedAt),
  ...m,
});

/** The pointer from (conversation, user) to the user's current member there. */
export const memberOfUserItem = (m: Member, at: string) => ({
  ...keys.memberOfUser(m.conversation_id, m.user_id),
  ...meta('member-of-user', at),
  member_id: m.id,
  state: m.state,
});

/**
 * Transaction items that add a new member: the member, and the user's pointer in that conversation,
 * which must not point at a live (INVITED or JOINED) member already. A user who LEFT may come back as
 * a new member.
 */
export const newMemberItems = (m: Member, createdAt: string): TransactItem[] => [
  {
    Put: {
      TableName: tableName(),
      Item: memberItem(m, createdAt),
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  },
  {
    Put: {
      TableName: tableName(),
      Item: memberOfUserItem(m, createdAt),
      ConditionExpression: 'attribute_not_exists(pk) OR #state = :left',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':left': 'LEFT' },
    },
  },
];

/**
 * Transaction items that replace a member after a state change, conditioned on the state it was read in,
 * and keep the user's pointer in step.
 */
export const changedMemberItems = (
  previous: Member,
  next: Member,
  createdAt: string,
  now: string,
): TransactItem[] => [
  {
    Put: {
      TableName: tableName(),
      Item: memberItem(next, createdAt, now),
      ConditionExpression: '#state = :prev',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':prev': previous.state },
    },
  },
  { Put: { TableName: tableName(), Item: memberOfUserItem(next, now) } },
];

export const fromMemberItem = (item: Record<string, unknown>): Member & { createdAt: string } => ({
  ...dataOf<Member>(item),
  createdAt: String(item.createdAt),
});

/** Every member of a conversation, in creation order of their ids' items (for views that show them all). */
export const allMembers = async (conversationId: string): Promise<Member[]> => {
  const members: Member[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: {
          ':pk': conversationPartition(conversationId),
          ':prefix': keys.membersPrefix,
        },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of out.Items ?? []) members.push(dataOf<Member>(item));
    start = out.LastEvaluatedKey;
  } while (start);
  return members;
};
