import type { BindingClaim } from '../domain/bindings.ts';
import type { Conversation } from '../domain/conversations.ts';
import { IdempotencyRaceError } from '../domain/idempotency.ts';
import type { Member } from '../domain/members.ts';
import { memberExistsError } from '../domain/members.ts';
import type { MemberStore, MembershipQuery, Page, PageCursor } from '../domain/ports.ts';
import { ConversationChangedError } from '../domain/retry.ts';
import type { StoredMember } from '../domain/timeline-context.ts';
import { batchGetItems } from './batch-get.ts';
import { tableName } from './client.ts';
import { withReceipt } from './idempotency-repo.ts';
import { dataOf, meta } from './item.ts';
import { conversationPartition, type Key, keys } from './keys.ts';
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
 * The user's current member in one conversation: a copy of that member without its read state, written in
 * the same transaction as the member item whenever the member is added or changes state, so that a user's
 * memberships (GSI1, with their state) and a token's own member (`members/me`, the default `from` of an
 * event) are found by user id. It is the user's one entry on GSI1 per conversation, so a user who left and
 * came back is listed once. The read state (`last_seen_event_id`, `seen_message_count`) lives on the member
 * item alone: a post moves it there only, and every reader takes it from there (`memberKeyOf`).
 */
export const memberOfUserItem = (m: Member, at: string, createdAt = at) => {
  const { last_seen_event_id: _seen, seen_message_count: _count, ...copy } = m;
  return {
    ...keys.memberOfUser(m.conversation_id, m.user_id),
    ...keys.membershipsOfUser(m.user_id),
    gsi1sk: keys.membershipSort(createdAt, m.conversation_id),
    ...meta('member-of-user', createdAt, at),
    ...copy,
    member_id: m.id,
  };
};

/** The key of the member item a user's entry (`memberOfUserItem`) points at. */
export const memberKeyOf = (pointer: Record<string, unknown>): Key =>
  keys.member(String(pointer.conversation_id), String(pointer.member_id));

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
 * What a member item says of its user: `user_version` is the version (`updatedAt`) of the user's name item
 * that the member last knew. A user's update or delete sets it on every live member of the user
 * (`markMembersOfUser`), so a write that names the version it read the user at fails on a user that
 * changed since, with no read of the user and no item of its own.
 */
export interface UserGuard {
  /** The version the write's decision took the user at; the write sets it on the member. */
  version: string;
  /** The member's own `user_version` as read, when it had one (the write expects it instead of `version`). */
  expected?: string;
}

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

/**
 * The check of a member item that it is JOINED and, with `guard`, that its user is at the version the guard
 * expects. A member without a version never had its user change since it was written (a change gives every
 * live member one).
 */
const memberCheck = (m: Member, guard?: UserGuard) => ({
  TableName: tableName(),
  Key: keys.member(m.conversation_id, m.id),
  ConditionExpression: `#state = :joined${guard ? ' AND (user_version = :uexp OR attribute_not_exists(user_version))' : ''}`,
  ExpressionAttributeNames: { '#state': 'state' },
  ExpressionAttributeValues: {
    ':joined': 'JOINED',
    ...(guard && { ':uexp': guard.expected ?? guard.version }),
  },
});

/**
 * The transaction item that moves a JOINED member's read horizon. It is also the post's check that its
 * sender is still JOINED (a member id is never reused) and, with `guard`, that the sender's user is the
 * one the post was decided for (the member then takes the guard's version).
 */
export const readStateItem = (next: Member, now: string, guard?: UserGuard): TransactItem => {
  const check = memberCheck(next, guard);
  return {
    Update: {
      ...check,
      UpdateExpression: `SET last_seen_event_id = :seen, seen_message_count = :count, updatedAt = :now${guard ? ', user_version = :uver' : ''}`,
      // A horizon only moves forward: a receipt that lost a race with a later one is decided again.
      ConditionExpression: `${check.ConditionExpression} AND (attribute_not_exists(last_seen_event_id) OR last_seen_event_id < :seen)`,
      ExpressionAttributeValues: {
        ...check.ExpressionAttributeValues,
        ':seen': next.last_seen_event_id,
        ':count': next.seen_message_count,
        ':now': now,
        ...(guard && { ':uver': guard.version }),
      },
    },
  };
};

/** A check, inside a transaction, that a member is still JOINED (and, with `guard`, its user unchanged). */
export const joinedCheckItem = (m: Member, guard?: UserGuard): TransactItem => ({
  ConditionCheck: memberCheck(m, guard),
});

/**
 * A member as its item holds it. It keeps the item's `user_version` (no presenter shows it), so that a
 * write of the member keeps it too.
 */
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
  // The partition begins with the user's own entry, which this range leaves out.
  const values: Record<string, unknown> = {
    ':pk': keys.membershipsOfUser(userId).gsi1pk,
    ':from':
      query.dateStart && query.dateStart > keys.membershipsFrom ? query.dateStart : keys.membershipsFrom,
  };
  const filters: string[] = [];
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
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk >= :from',
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
  const key = keys.memberOfUser(conversationId, userId);
  const item = (await batchGetItems([key])).get(key);
  return item && fromMemberItem(item);
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
