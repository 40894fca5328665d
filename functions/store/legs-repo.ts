/**
 * Legs and the writes of voice calls. A leg is stored twice in the same transaction: by its id (the
 * provider's call id; the answer webhook's idempotency record) and in its conversation's partition (the
 * conversation's legs in one query). While a leg is open its item sits on GSI1 under `LEGS#OPEN`, sorted
 * by start time, so the sweeper finds the legs that outlived the longest call without a Scan.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Call, CallMember, CallStore, LegChange, NewCall } from '../domain/calls.ts';
import { DomainError } from '../domain/errors.ts';
import { isTerminal, type Leg } from '../domain/legs.ts';
import type { NumberRoute } from '../domain/numbers.ts';
import type { Page, PageCursor } from '../domain/ports.ts';
import { ConversationChangedError, retry } from '../domain/retry.ts';
import { batchGetItems } from './batch-get.ts';
import { db, tableName } from './client.ts';
import {
  createConversationItems,
  fromConversationItem,
  queryConversationRange,
} from './conversations-repo.ts';
import { dataOf, meta, withTtl } from './item.ts';
import { conversationPartition, keys } from './keys.ts';
import { changedMemberItems, fromMemberItem, newMemberItems } from './members-repo.ts';
import { fromNumberItem } from './numbers-repo.ts';
import { queryPage } from './paging.ts';
import { appendToTimeline, holdsOn, startTimeline } from './timeline.ts';
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

/** A full copy (the status webhook reads the leg from it, and writes the leg back from what it read). */
const legCopyItem = (leg: Leg) => ({
  ...keys.legOfConversation(leg.conversation_id, leg.id),
  ...meta('leg-of-conversation', leg.start_time),
  ...leg,
});

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
  start?: PageCursor,
): Promise<{ legs: Leg[]; next?: PageCursor }> => {
  const out = await db().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :cutoff',
      ExpressionAttributeValues: { ':pk': keys.openLegs.gsi1pk, ':cutoff': cutoff },
      Limit: limit,
      ExclusiveStartKey: start?.k,
    }),
  );
  // Every key attribute of the table and its index is a string.
  const last = out.LastEvaluatedKey;
  const next: PageCursor | undefined = last
    ? { d: 'next', k: Object.fromEntries(Object.entries(last).map(([k, v]) => [k, String(v)])) }
    : undefined;
  return { legs: (out.Items ?? []).map(fromLegItem), next };
};

/**
 * A call's conversation, its members and the leg `legId` if it is one of the conversation's: one Query of
 * the range where they sort together (the conversation, then its members, then its legs).
 */
export const loadCall = async (
  conversationId: string,
  legId: string,
): Promise<{ call?: Call; leg?: Leg }> => {
  const items = await queryConversationRange(conversationId, keys.conversationWithMembersAndLegs, {
    consistent: true,
  });
  const head = items[0];
  if (!head || head.sk !== keys.conversation(conversationId).sk) return {};
  const members: CallMember[] = [];
  let leg: Leg | undefined;
  const legSk = keys.legOfConversation(conversationId, legId).sk;
  for (const item of items.slice(1)) {
    if (String(item.sk).startsWith(keys.membersPrefix)) members.push(fromMemberItem(item));
    else if (item.sk === legSk) leg = fromLegItem(item);
  }
  return { call: { conversation: fromConversationItem(head), members }, leg };
};

/** The answer webhook's one read: the number's route and the call id's leg (a retried webhook), together. */
const findRouteAndLeg = async (
  digits: string | undefined,
  callId: string,
): Promise<{ route?: NumberRoute; leg?: Leg }> => {
  const found = await batchGetItems([keys.leg(callId), ...(digits ? [keys.number(digits)] : [])]);
  const leg = found.get(keys.leg(callId));
  const route = digits ? found.get(keys.number(digits)) : undefined;
  return { leg: leg && fromLegItem(leg), route: route && fromNumberItem(route) };
};

/**
 * The answer transaction: conversation, users, members, the inbound leg and the first events, which the
 * timeline writes (ids 1..n, the conversation born at n).
 */
const createCall = async (call: NewCall): Promise<Leg | undefined> => {
  const { conversation, leg } = call;
  const now = conversation.timestamp.created;
  // Item 0 is the inbound leg, keyed by the provider's call id (the webhook's idempotency record).
  const items: TransactItem[] = [
    ...legItems(leg, undefined),
    ...createConversationItems(conversation),
    ...call.users.flatMap(createUserItems),
    ...call.members.flatMap((m) => newMemberItems(m, now)),
  ];
  // Another request for the same call id got there first (or is committing now): answer as it did.
  const raced = (error: unknown) =>
    (error instanceof ConditionFailedError && error.index === 0) || error instanceof TransactionConflictError;
  return retry(
    async () => {
      try {
        await startTimeline({ conversation, events: call.events, items });
        return undefined;
      } catch (error) {
        if (!raced(error)) throw error;
        const first = await db().send(
          new GetCommand({ TableName: tableName(), Key: keys.leg(leg.id), ConsistentRead: true }),
        );
        if (first.Item) return fromLegItem(first.Item);
        throw error;
      }
    },
    { maxAttempts: 10, isRace: raced },
  );
};

/** A leg's change was decided on the conversation's member count and state: only posts may move meanwhile. */
const LEG_MOVING = ['sequence_number', 'message_count'] as const;

/**
 * Commits one leg change: with events or member moves through the timeline's lane (batched with the
 * conversation's other appends), a history-only change, or one whose conversation is gone, on its own.
 */
const commitLegChange = async (change: LegChange): Promise<void> => {
  const now = change.events[0]?.timestamp ?? change.leg.status_history.at(-1)?.date ?? change.leg.start_time;
  const items: TransactItem[] = [
    ...legItems(change.leg, change.legVersionRead, change.call !== undefined),
    ...change.members.flatMap(({ previous, next }) =>
      changedMemberItems(previous, next, previous.createdAt, now),
    ),
  ];
  const call = change.call;
  if (!call || (change.events.length === 0 && change.members.length === 0)) {
    try {
      await transact(items);
    } catch (error) {
      // The leg moved on since it was read: read it again and decide again.
      if (error instanceof ConditionFailedError || error instanceof TransactionConflictError)
        throw new ConversationChangedError();
      throw error;
    }
    return;
  }
  const { conversation } = call;
  try {
    await appendToTimeline(
      conversation.id,
      (head) => {
        if (!holdsOn(conversation, head, LEG_MOVING)) throw new ConversationChangedError();
        return {
          events: change.events,
          memberDelta: change.memberCountDelta,
          set: change.conversationSet && withTtl(change.conversationSet),
          items,
          // The leg or a member moved on since it was read: read everything again and decide again.
          failed: () => new ConversationChangedError(),
        };
      },
      conversation,
    );
  } catch (error) {
    // The conversation was deleted meanwhile: read again, and only the leg is written.
    if (error instanceof DomainError && error.code === 'conversation:error:not-found')
      throw new ConversationChangedError();
    throw error;
  }
};

export const callStore: CallStore = {
  findRouteAndLeg,
  getLeg: (id) => getLeg(id, true),
  createCall,
  openLegsStartedBefore,
  loadCall,
  commitLegChange,
};
