import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { BindingClaim } from '../domain/bindings.ts';
import type { Conversation } from '../domain/conversations.ts';
import { IdempotencyRaceError } from '../domain/idempotency.ts';
import type { Member } from '../domain/members.ts';
import { memberExistsError } from '../domain/members.ts';
import type { MemberStore, MembershipQuery, Page, PageCursor } from '../domain/ports.ts';
import { ConversationChangedError } from '../domain/retry.ts';
import type { StoredMember } from '../domain/timeline-context.ts';
import { db, tableName } from './client.ts';
import { withReceipt } from './idempotency-repo.ts';
import { dataOf, meta } from './item.ts';
import { conversationPartition, keys } from './keys.ts';
import { queryPage } from './paging.ts';
import { appendToTimeline, holdsOn } from './timeline.ts';
import type { TransactItem } from './transact.ts';

/** A member item, in its conversation's partition. */
export const memberItem = (m: Member, createdAt: string, updatedAt = createdAt) => ({
  ...keys.member(m.conversation_id, m.id),
  ...meta('member', createdAt, updatedAt),
  ...m,
});

/**
 * The user's current member in one conversation: a full copy of that member, written in the same
 * transaction as the member item, so that a user's memberships (GSI1, with state and read state) and a
 * token's own member (`members/me`, the default `from` of an event) are one read. It is the user's one
 * entry on GSI1 per conversation, so a user who left and came back is listed once.
 */
export const memberOfUserItem = (m: Member, at: string, createdAt = at) => ({
  ...keys.memberOfUser(m.conversation_id, m.user_id),
  ...keys.membershipsOfUser(m.user_id),
  gsi1sk: keys.membershipSort(createdAt, m.conversation_id),
  ...meta('member-of-user', createdAt, at),
  ...m,
  member_id: m.id,
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
 * Transaction items that replace a member after a state change, conditioned on the state (and read
 * horizon) it was read in, and keep the user's pointer in step.
 */
export const changedMemberItems = (
  previous: Member,
  next: Member,
  createdAt: string,
  now: string,
): TransactItem[] => {
  const seen = previous.last_seen_event_id !== undefined;
  return [
    {
      Put: {
        TableName: tableName(),
        Item: memberItem(next, createdAt, now),
        ConditionExpression: seen ? '#state = :prev AND #seen = :seen' : '#state = :prev',
        ExpressionAttributeNames: { '#state': 'state', ...(seen ? { '#seen': 'last_seen_event_id' } : {}) },
        ExpressionAttributeValues: {
          ':prev': previous.state,
          ...(seen ? { ':seen': previous.last_seen_event_id } : {}),
        },
      },
    },
    { Put: { TableName: tableName(), Item: memberOfUserItem(next, now, createdAt) } },
  ];
};

/**
 * Transaction items that move a JOINED member's read horizon, on the member and on its user's pointer;
 * both must still be JOINED (the pointer must still point at it).
 */
export const readStateItems = (next: Member, now: string): TransactItem[] => {
  // A horizon only moves forward: a receipt that lost a race with a later one is decided again.
  const ahead = '(attribute_not_exists(last_seen_event_id) OR last_seen_event_id < :seen)';
  const update = {
    UpdateExpression: 'SET last_seen_event_id = :seen, seen_message_count = :count, updatedAt = :now',
    ExpressionAttributeNames: { '#state': 'state' },
  };
  const values = {
    ':seen': next.last_seen_event_id,
    ':count': next.seen_message_count,
    ':now': now,
    ':joined': 'JOINED',
  };
  return [
    {
      Update: {
        TableName: tableName(),
        Key: keys.member(next.conversation_id, next.id),
        ...update,
        ConditionExpression: `#state = :joined AND ${ahead}`,
        ExpressionAttributeValues: values,
      },
    },
    {
      Update: {
        TableName: tableName(),
        Key: keys.memberOfUser(next.conversation_id, next.user_id),
        ...update,
        ConditionExpression: `#state = :joined AND member_id = :id AND ${ahead}`,
        ExpressionAttributeValues: { ...values, ':id': next.id },
      },
    },
  ];
};

/**
 * The claim of a binding by a new member, replacing the claim the rules read (or none): another member
 * that took it in between makes the transaction fail, and the rules decide again.
 */
const claimItem = (claim: BindingClaim, m: Member, at: string): TransactItem => ({
  Put: {
    TableName: tableName(),
    Item: {
      ...keys.binding(claim.binding.address, claim.binding.proxyAddress),
      ...meta('binding', at),
      conversation_id: m.conversation_id,
      member_id: m.id,
    },
    ...(claim.previous
      ? {
          ConditionExpression: 'member_id = :previous',
          ExpressionAttributeValues: { ':previous': claim.previous.memberId },
        }
      : { ConditionExpression: 'attribute_not_exists(pk)' }),
  },
});

/** A check, inside a transaction, that a member is still JOINED. */
export const joinedCheckItem = (m: Member): TransactItem => ({
  ConditionCheck: {
    TableName: tableName(),
    Key: keys.member(m.conversation_id, m.id),
    ConditionExpression: '#state = :joined',
    ExpressionAttributeNames: { '#state': 'state' },
    ExpressionAttributeValues: { ':joined': 'JOINED' },
  },
});

export const fromMemberItem = (item: Record<string, unknown>): StoredMember => {
  const { member_id: _pointer, ...member } = dataOf<Member & { member_id?: string }>(item);
  return { ...member, createdAt: String(item.createdAt) };
};

/** `GET …/members`: one page of a conversation's members, by member id. */
export const listMembers = async (
  conversationId: string,
  query: { order: 'asc' | 'desc'; pageSize: number; cursor?: PageCursor },
): Promise<Page<StoredMember>> => {
  const page = await queryPage<Record<string, unknown>>({
    query: {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: {
        ':pk': conversationPartition(conversationId),
        ':prefix': keys.membersPrefix,
      },
    },
    keyAttributes: ['pk', 'sk'],
    ...query,
  });
  return { ...page, items: page.items.map(fromMemberItem) };
};

/** A user's memberships, one per conversation, by when they started: GSI1 `USR#<user id>`. */
export const listMembershipsOfUser = async (
  userId: string,
  query: MembershipQuery,
): Promise<Page<StoredMember>> => {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':pk': keys.membershipsOfUser(userId).gsi1pk };
  const filters: string[] = [];
  let range = '';
  if (query.dateStart) {
    values[':from'] = query.dateStart;
    range = ' AND gsi1sk >= :from';
  }
  if (query.state) {
    names['#state'] = 'state';
    values[':state'] = query.state;
    filters.push('#state = :state');
  }
  if (query.liveOnly) {
    names['#state'] = 'state';
    values[':left'] = 'LEFT';
    filters.push('#state <> :left');
  }
  const page = await queryPage<Record<string, unknown>>({
    query: {
      IndexName: 'gsi1',
      KeyConditionExpression: `gsi1pk = :pk${range}`,
      ExpressionAttributeValues: values,
      ...(filters.length > 0
        ? { FilterExpression: filters.join(' AND '), ExpressionAttributeNames: names }
        : {}),
    },
    keyAttributes: ['pk', 'sk', 'gsi1pk', 'gsi1sk'],
    order: query.order,
    pageSize: query.pageSize,
    cursor: query.cursor,
  });
  return { ...page, items: page.items.map(fromMemberItem) };
};

const readPointer = async (conversationId: string, userId: string): Promise<StoredMember | undefined> => {
  const out = await db().send(
    new GetCommand({
      TableName: tableName(),
      Key: keys.memberOfUser(conversationId, userId),
      ConsistentRead: true,
    }),
  );
  return out.Item ? fromMemberItem(out.Item) : undefined;
};

/** The counters that posts and other members' writes move without touching a member write's decision. */
const MEMBER_MOVING = ['sequence_number', 'message_count', 'member_count'] as const;

/**
 * A member whose read horizon was put at the end of the conversation as read starts at the end of the head
 * it commits on instead: the events in between come before its own, so none of them is unread.
 */
const atEndOf = (m: Member, read: Conversation, head: Conversation, previous?: Member): Member => {
  const moved =
    !previous ||
    previous.last_seen_event_id !== m.last_seen_event_id ||
    previous.seen_message_count !== m.seen_message_count;
  const atReadEnd =
    m.last_seen_event_id === read.sequence_number && m.seen_message_count === (read.message_count ?? 0);
  return moved && atReadEnd && head !== read
    ? { ...m, last_seen_event_id: head.sequence_number, seen_message_count: head.message_count ?? 0 }
    : m;
};

/** The user's pointer (own item 1 of `newMemberItems`) names a live member already. */
class PointerTakenError extends Error {}

/**
 * The member rules' storage: every write appends its event through the timeline's lane, batched with the
 * posts and member writes of the same conversation. A write is planned on the head it commits on as long
 * as only counters moved since the rules read the conversation (the new member's read horizon moves with
 * them); its own items stay conditioned on the member as read.
 */
/** The writes of the port; its `load` is the shared context read (functions/store/ports.ts). */
export const memberStore: Omit<MemberStore, 'load'> = {
  async add({ conversation, member, event, maxMembers, claim, receipt }) {
    const createdAt = member.timestamp.invited ?? member.timestamp.joined ?? event.timestamp;
    try {
      await appendToTimeline(
        conversation.id,
        (head) => {
          if (!holdsOn(conversation, head, MEMBER_MOVING)) throw new ConversationChangedError();
          // Full by now: the rules decide again on a read (and refuse with their own error).
          if ((head.member_count ?? 0) + 1 > maxMembers) throw new ConversationChangedError();
          const placed = atEndOf(member, conversation, head);
          return {
            events: [event],
            memberDelta: 1,
            maxMembers,
            items: withReceipt(
              claim
                ? [...newMemberItems(placed, createdAt), claimItem(claim, placed, createdAt)]
                : newMemberItems(placed, createdAt),
              receipt?.(placed),
            ),
            // Own items: 0 the member, 1 the user's pointer, then the binding claim and the receipt's record.
            failed: (index) =>
              index === 1
                ? new PointerTakenError()
                : index >= 2 && (index === 3 || !claim)
                  ? new IdempotencyRaceError()
                  : new ConversationChangedError(),
            // The caller answers with `member`: it is as stored.
            committed: () => Object.assign(member, placed),
          };
        },
        conversation,
      );
    } catch (error) {
      if (error instanceof PointerTakenError) {
        const existing = await readPointer(conversation.id, member.user_id);
        // The live member may have left in between: then the next attempt succeeds.
        if (existing && existing.state !== 'LEFT') throw memberExistsError(existing.state);
        throw new ConversationChangedError();
      }
      throw error;
    }
  },

  async change({ conversation, previous, next, event, memberDelta, receipt }) {
    await appendToTimeline(
      conversation.id,
      (head) => {
        if (!holdsOn(conversation, head, MEMBER_MOVING)) throw new ConversationChangedError();
        const placed = atEndOf(next, conversation, head, previous);
        return {
          events: [event],
          memberDelta,
          items: withReceipt(
            changedMemberItems(previous, placed, previous.createdAt, event.timestamp),
            receipt?.(placed),
          ),
          // Own items 0 and 1: the member moved on since it was read: read again and decide again.
          failed: (index) => (index === 2 ? new IdempotencyRaceError() : new ConversationChangedError()),
          committed: () => Object.assign(next, placed),
        };
      },
      conversation,
    );
  },
};
