/**
 * Legs and the writes of voice calls. A leg is stored twice in the same transaction: by its id (the
 * provider's call id; the answer webhook's idempotency record) and in its conversation's partition (the
 * conversation's legs in one query). While a leg is open its item sits on GSI1 under `LEGS#OPEN`, sorted
 * by start time, so the sweeper finds the legs that outlived the longest call without a Scan.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Call, CallMember, CallStore, LegChange, NewCall } from '../domain/calls.ts';
import { isTerminal, type Leg } from '../domain/legs.ts';
import { db, tableName } from './client.ts';
import { createConversationItems, fromConversationItem } from './conversations-repo.ts';
import { dataOf, meta } from './item.ts';
import { conversationPartition, keys } from './keys.ts';
import { changedMemberItems, fromMemberItem, newMemberItems } from './members-repo.ts';
import { getNumberRoute } from './numbers-repo.ts';
import { type Page, type PageCursor, queryPage } from './paging.ts';
import {
  ConversationChangedError,
  commitTimeline,
  eventItem,
  retryOnConversationChange,
} from './timeline.ts';
import { ConditionFailedError, type TransactItem, TransactionConflictError, transact } from './transact.ts';
import { createUserItems } from './users-repo.ts';

const ENTITY = 'leg';

const legItem = (leg: Leg) => ({
  ...keys.leg(leg.id),
  // Only open legs are on the sweeper's index; an ended leg drops out of it.
  ...(isTerminal(leg.status) ? {} : { ...keys.openLegs, gsi1sk: keys.openLegSort(leg.start_time, leg.id) }),
  ...meta(ENTITY, leg.start_time, leg.end_time ?? leg.status_history.at(-1)?.date ?? leg.start_time),
  ...leg,
});

const legCopyItem = (leg: Leg) => {
  const { instructions: _, ...rest } = leg;
  return {
    ...keys.legOfConversation(leg.conversation_id, leg.id),
    ...meta('leg-of-conversation', leg.start_time),
    ...rest,
  };
};

/**
 * The items of a leg: the main one conditioned on the version read (or on being new), and its copy in the
 * conversation's partition unless the conversation is gone.
 */
export const legItems = (leg: Leg, versionRead: number | undefined, withCopy = true): TransactItem[] => [
  {
    Put: {
      TableName: tableName(),
      Item: legItem(leg),
      ...(versionRead === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: '#v = :v',
            ExpressionAttributeNames: { '#v': 'version' },
            ExpressionAttributeValues: { ':v': versionRead },
          }),
    },
  },
  ...(withCopy ? [{ Put: { TableName: tableName(), Item: legCopyItem(leg) } }] : []),
];

export const fromLegItem = (item: Record<string, unknown>): Leg => dataOf<Leg>(item);

/** `GET /v1/legs/{leg_id}`; consistent for webhooks, whose writes are conditioned on the version read. */
export const getLeg = async (id: string, consistent = false): Promise<Leg | undefined> => {
  const out = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.leg(id), ConsistentRead: consistent }),
  );
  return out.Item ? fromLegItem(out.Item) : undefined;
};

/** `GET /v1/conversations/{id}/legs`: the legs of one conversation, by id. */
export const listLegsOfConversation = async (
  conversationId: string,
  query: { order: 'asc' | 'desc'; pageSize: number; cursor?: PageCursor },
): Promise<Page<Leg>> => {
  const page = await queryPage<Record<string, unknown>>({
    query: {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': conversationPartition(conversationId), ':prefix': keys.legsPrefix },
    },
    keyAttributes: ['pk', 'sk'],
    order: query.order,
    pageSize: query.pageSize,
    cursor: query.cursor,
  });
  return { ...page, items: page.items.map(fromLegItem) };
};

/** Open legs that started before `cutoff` (ISO), oldest first, in pages of `limit`. */
export const openLegsStartedBefore = async (
  cutoff: string,
  limit: number,
  start?: Record<string, unknown>,
): Promise<{ legs: Leg[]; next?: Record<string, unknown> }> => {
  const out = await db().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :cutoff',
      ExpressionAttributeValues: { ':pk': keys.openLegs.gsi1pk, ':cutoff': cutoff },
      Limit: limit,
      ExclusiveStartKey: start,
    }),
  );
  return { legs: (out.Items ?? []).map(fromLegItem), next: out.LastEvaluatedKey };
};

/** A call's conversation and members, read side by side (one round trip of latency). */
export const loadCall = async (conversationId: string): Promise<Call | undefined> => {
  const members: CallMember[] = [];
  const readMembers = async () => {
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await db().send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: {
            ':pk': conversationPartition(conversationId),
            ':prefix': keys.membersPrefix,
          },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) members.push(fromMemberItem(item));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
  };
  const [conversationItem] = await Promise.all([
    db().send(
      new GetCommand({
        TableName: tableName(),
        Key: keys.conversation(conversationId),
        ConsistentRead: true,
      }),
    ),
    readMembers(),
  ]);
  if (!conversationItem.Item) return undefined;
  return { conversation: fromConversationItem(conversationItem.Item), members };
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The answer transaction: conversation, users, members, the inbound leg and the first events. */
const createCall = async (call: NewCall): Promise<Leg | undefined> => {
  const { conversation, leg } = call;
  const now = conversation.timestamp.created;
  const legs = legItems(leg, undefined);
  const items: TransactItem[] = [
    legs[0],
    legs[1],
    ...createConversationItems(conversation),
    ...call.users.flatMap(createUserItems),
    ...call.members.flatMap((m) => newMemberItems(m, now)),
    ...call.events.map(
      (e): TransactItem => ({
        Put: {
          TableName: tableName(),
          Item: eventItem(conversation.id, e),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      }),
    ),
  ];
  for (let attempt = 1; ; attempt++) {
    try {
      await transact(items);
      return undefined;
    } catch (error) {
      const raced =
        (error instanceof ConditionFailedError && error.index === 0) ||
        error instanceof TransactionConflictError;
      if (!raced) throw error;
      // Another request for the same call id got there first (or is committing now): answer as it did.
      const first = await db().send(
        new GetCommand({ TableName: tableName(), Key: keys.leg(leg.id), ConsistentRead: true }),
      );
      if (first.Item) return fromLegItem(first.Item);
      if (attempt >= 10) throw error;
      await sleep(Math.random() * 20 * attempt);
    }
  }
};

/** Commits one leg change: with events through the timeline, a history-only change on its own. */
const commitLegChange = async (change: LegChange): Promise<void> => {
  const now = change.events[0]?.timestamp ?? change.leg.status_history.at(-1)?.date ?? change.leg.start_time;
  const items: TransactItem[] = [
    ...legItems(change.leg, change.legVersionRead, change.call !== undefined),
    ...change.members.flatMap(({ previous, next }) =>
      changedMemberItems(previous, next, previous.createdAt, now),
    ),
  ];
  try {
    if (!change.call || (change.events.length === 0 && change.members.length === 0)) {
      await transact(items);
      return;
    }
    await commitTimeline({
      conversation: change.call.conversation,
      events: change.events,
      counters: { member_count: change.memberCountDelta },
      set: change.conversationSet,
      items,
    });
  } catch (error) {
    // The leg or a member moved on since it was read: read everything again and decide again.
    if (error instanceof ConditionFailedError || error instanceof TransactionConflictError)
      throw new ConversationChangedError();
    throw error;
  }
};

export const callStore: CallStore = {
  findRoute: getNumberRoute,
  getLeg: (id) => getLeg(id, true),
  createCall,
  loadCall,
  commitLegChange,
  retrying: retryOnConversationChange,
};
