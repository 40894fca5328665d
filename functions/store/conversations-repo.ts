import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Conversation } from '../domain/conversations.ts';
import { conflict } from '../domain/errors.ts';
import type { Receipt } from '../domain/idempotency.ts';
import { IdempotencyRaceError } from '../domain/idempotency.ts';
import type { ConversationRepository, Page, PageQuery } from '../domain/ports.ts';
import { ConversationChangedError, retry } from '../domain/retry.ts';
import type { StoredMember } from '../domain/timeline-context.ts';
import { batchGetItems, type Found } from './batch-get.ts';
import { batchDeleteKeys } from './batch-write.ts';
import { db, tableName } from './client.ts';
import { transactWithReceipt, withReceipt } from './idempotency-repo.ts';
import { conversationOf, meta, ttlOf } from './item.ts';
import { conversationPartition, type Key, keys } from './keys.ts';
import { fromMemberItem } from './members-repo.ts';
import { queryPage } from './paging.ts';
import { appendToTimeline, holdsOn } from './timeline.ts';
import { ConditionFailedError, type TransactItem, TransactionConflictError } from './transact.ts';

const ENTITY = 'conversation';

export const conversationItem = (
  c: Conversation,
  updatedAt = c.timestamp.updated ?? c.timestamp.created,
) => ({
  ...keys.conversation(c.id),
  ...meta(ENTITY, c.timestamp.created, updatedAt),
  ...c,
  ...(c.expires_at ? { expiresAt: ttlOf(c.expires_at) } : {}),
});

const nameGuardItem = (c: Conversation) => ({
  ...keys.conversationName(c.name),
  ...meta('conversation-name', c.timestamp.created),
  conversation_id: c.id,
});

/** The conversation's entry in the list of all conversations (what that list sorts by never changes). */
const listingItem = (c: Conversation) => ({
  ...keys.conversationListing(c.id),
  ...keys.conversationsByCreated,
  gsi1sk: keys.conversationCreatedSort(c.timestamp.created, c.id),
  ...meta('conversation-listing', c.timestamp.created),
  conversation_id: c.id,
});

/**
 * The transaction items that create a conversation, claim its name and list it (shared with voice calls).
 */
export const createConversationItems = (c: Conversation): TransactItem[] => [
  {
    Put: {
      TableName: tableName(),
      Item: conversationItem(c),
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  },
  {
    Put: {
      TableName: tableName(),
      Item: nameGuardItem(c),
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  },
  { Put: { TableName: tableName(), Item: listingItem(c) } },
];

export const fromConversationItem = conversationOf;

export const getConversationItem = async (id: string): Promise<Conversation | undefined> => {
  const out = await db().send(new GetCommand({ TableName: tableName(), Key: keys.conversation(id) }));
  return out.Item ? fromConversationItem(out.Item) : undefined;
};

/** Every item of a conversation's partition whose sort key is within `range`, following the Query's pages. */
export const queryConversationRange = async (
  conversationId: string,
  range: { from: string; to: string },
  options: { consistent?: boolean } = {},
): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': conversationPartition(conversationId),
          ':from': range.from,
          ':to': range.to,
        },
        ConsistentRead: options.consistent,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
};

/** `GET /beta|v0.1/conversations/{id}`: a conversation and its members in one Query (members sort after it). */
export const getConversationWithMembers = async (
  id: string,
): Promise<{ conversation: Conversation; members: StoredMember[] } | undefined> => {
  const items = await queryConversationRange(id, keys.conversationWithMembers);
  const head = items[0];
  if (!head || head.sk !== keys.conversation(id).sk) return undefined;
  return { conversation: fromConversationItem(head), members: items.slice(1).map(fromMemberItem) };
};

/**
 * Conversations by id, and other items read in the same BatchGet (the user a list is read for, to confirm
 * the user id the list was queried by, and the members of that user, which hold its read state);
 * conversations that are gone are left out (expired ones are returned: the use-case decides).
 */
export const getConversationsWith = async (
  ids: string[],
  also: Key[],
): Promise<{ conversations: Map<string, Conversation>; also: Found }> => {
  const found = await batchGetItems([...also, ...ids.map((id) => keys.conversation(id))]);
  const conversations = new Map<string, Conversation>();
  for (const id of ids) {
    const item = found.get(keys.conversation(id));
    if (item) conversations.set(id, fromConversationItem(item));
  }
  return { conversations, also: found };
};

/** The most items one TransactWriteItems may hold. */
const TRANSACTION_LIMIT = 100;

/** One page of a conversation's partition, keys only (and the conversation item's name and sequence). */
const partitionKeysPage = (id: string, start?: Record<string, unknown>) =>
  db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': conversationPartition(id) },
      ProjectionExpression: 'pk, sk, #name, #seq, expiresAt, created_by, #state',
      ExpressionAttributeNames: { '#name': 'name', '#seq': 'sequence_number', '#state': 'state' },
      ConsistentRead: true,
      ExclusiveStartKey: start,
    }),
  );

const keyOf = (i: Record<string, unknown>): Key => ({ pk: String(i.pk), sk: String(i.sk) });

/**
 * Deletes a conversation: one Query page of its partition, then one transaction that deletes the
 * conversation, its name claim and up to 98 other items of the partition. The conversation item sorts
 * first, so it is always on that page. Its delete is conditioned on the sequence number read, so a member
 * or event added between the Query and the transaction makes it read again rather than leave that item
 * behind; once it is gone nothing can be added. Only a larger partition needs more writes afterwards, and
 * those items are unreachable already, since every read of a conversation starts from its item. Returns
 * false when there is no conversation.
 */
const removeConversation = async (
  id: string,
  decide: (c: Conversation) => void,
  receipt?: Receipt<void>,
): Promise<boolean> => {
  const head = keys.conversation(id);
  // Something was added meanwhile (or another request deleted it): read again.
  const raced = (error: unknown) =>
    error instanceof ConditionFailedError || error instanceof TransactionConflictError;
  return retry(
    async () => {
      const first = await partitionKeysPage(id);
      const items = first.Items ?? [];
      const conversation = items[0]?.sk === head.sk ? items[0] : undefined;
      if (!conversation) return false;
      decide(conversationOf(conversation));
      const rest = items.slice(1).map(keyOf);
      // The conversation, its name claim and the receipt's record leave room for this many.
      const now = rest.slice(0, TRANSACTION_LIMIT - (receipt ? 3 : 2));
      const deletes: TransactItem[] = [
        {
          Delete: {
            TableName: tableName(),
            Key: head,
            ConditionExpression: '#seq = :seq',
            ExpressionAttributeNames: { '#seq': 'sequence_number' },
            ExpressionAttributeValues: { ':seq': conversation.sequence_number },
          },
        },
        { Delete: { TableName: tableName(), Key: keys.conversationName(String(conversation.name)) } },
        ...now.map((Key): TransactItem => ({ Delete: { TableName: tableName(), Key } })),
      ];
      await transactWithReceipt(deletes, receipt?.());
      let later = rest.slice(now.length);
      let start = first.LastEvaluatedKey;
      while (later.length > 0 || start) {
        await batchDeleteKeys(later);
        later = [];
        if (start) {
          const page = await partitionKeysPage(id, start);
          later = (page.Items ?? []).map(keyOf);
          start = page.LastEvaluatedKey;
        }
      }
      return true;
    },
    { isRace: raced },
  );
};

export const conversationRepository: ConversationRepository = {
  async create(c, receipt) {
    try {
      await transactWithReceipt(createConversationItems(c), receipt?.(c));
    } catch (error) {
      if (error instanceof ConditionFailedError) throw conflict.conversationName();
      throw error;
    }
  },

  get: getConversationItem,

  /**
   * Replaces the editable fields and appends `conversation:updated`, through the timeline's lane: the fields
   * are set by the batch's one update of the conversation item (one transaction may not touch an item
   * twice), and the write is planned on the head it commits on as long as only counters moved since
   * `previous` was read. The use-case reads again and retries on `ConversationChangedError`.
   */
  async update({ previous, next, changes, event, receipt }) {
    // Moving the name: own item 0 releases the old claim (still ours), own item 1 takes the new one.
    const items: TransactItem[] =
      previous.name === next.name
        ? []
        : [
            {
              Delete: {
                TableName: tableName(),
                Key: keys.conversationName(previous.name),
                ConditionExpression: 'conversation_id = :id',
                ExpressionAttributeValues: { ':id': previous.id },
              },
            },
            {
              Put: {
                TableName: tableName(),
                Item: nameGuardItem(next),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ];
    const set = { ...changes, updatedAt: changes.timestamp.updated ?? changes.timestamp.created };
    await appendToTimeline(
      previous.id,
      (head) => {
        if (!holdsOn(previous, head, ['sequence_number', 'message_count', 'member_count']))
          throw new ConversationChangedError();
        // The caller answers with `next`: it ends at the event appended here, with the head's counters.
        const stored: Conversation = { ...next, sequence_number: head.sequence_number + 1 };
        if (head.message_count !== undefined) stored.message_count = head.message_count;
        if (head.member_count !== undefined) stored.member_count = head.member_count;
        return {
          events: [event],
          set,
          items: withReceipt(items, receipt?.(stored)),
          failed: (index) =>
            index === items.length
              ? new IdempotencyRaceError()
              : index === 1
                ? conflict.conversationName()
                : new ConversationChangedError(),
          committed: () => Object.assign(next, stored),
        };
      },
      previous,
    );
  },

  remove: removeConversation,
};

/**
 * `GET /v1/conversations` (admin): every conversation by creation time, optionally within a date range: a
 * page of listing items, then the conversations in one BatchGet. A conversation item written before the
 * listing items existed is its own entry.
 */
export const listConversations = async (
  query: PageQuery & { dateStart?: string; dateEnd?: string },
): Promise<Page<Conversation>> => {
  const values: Record<string, string> = { ':pk': keys.conversationsByCreated.gsi1pk };
  // Sort keys are `<created>#<id>`: an end bound takes every id created at that instant.
  if (query.dateStart) values[':from'] = query.dateStart;
  if (query.dateEnd) values[':to'] = `${query.dateEnd}\uffff`;
  const range =
    query.dateStart && query.dateEnd
      ? ' AND gsi1sk BETWEEN :from AND :to'
      : query.dateStart
        ? ' AND gsi1sk >= :from'
        : query.dateEnd
          ? ' AND gsi1sk <= :to'
          : '';
  const page = await queryPage<Record<string, unknown>>({
    query: {
      IndexName: 'gsi1',
      KeyConditionExpression: `gsi1pk = :pk${range}`,
      ExpressionAttributeValues: values,
    },
    keyAttributes: ['pk', 'sk', 'gsi1pk', 'gsi1sk'],
    order: query.order,
    pageSize: query.pageSize,
    cursor: query.cursor,
  });
  const ids = page.items.map((i) => String(i.conversation_id ?? i.id));
  const { conversations } = await getConversationsWith(ids, []);
  return { ...page, items: ids.flatMap((id) => conversations.get(id) ?? []) };
};
