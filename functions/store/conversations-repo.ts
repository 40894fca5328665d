import { BatchWriteCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Conversation, ConversationRepository, ListQuery } from '../domain/conversations.ts';
import { conflict, notFound } from '../domain/errors.ts';
import { conversationUpdatedEvent } from '../domain/events.ts';
import { db, tableName } from './client.ts';
import { dataOf, isExpired, meta } from './item.ts';
import { conversationPartition, keys } from './keys.ts';
import { type Page, type PageCursor, queryPage } from './paging.ts';
import { ConversationChangedError, commitTimeline } from './timeline.ts';
import { ConditionFailedError, type TransactItem, transact } from './transact.ts';

const ENTITY = 'conversation';

export const conversationItem = (
  c: Conversation,
  updatedAt = c.timestamp.updated ?? c.timestamp.created,
) => ({
  ...keys.conversation(c.id),
  ...keys.conversationsByCreated,
  gsi1sk: keys.conversationCreatedSort(c.timestamp.created, c.id),
  ...meta(ENTITY, c.timestamp.created, updatedAt),
  ...c,
});

const nameGuardItem = (c: Conversation) => ({
  ...keys.conversationName(c.name),
  ...meta('conversation-name', c.timestamp.created),
  conversation_id: c.id,
});

/** The transaction items that create a conversation and claim its name (shared with voice calls). */
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
];

/** Writes the user-editable fields of a conversation; the sequence number and state are left to events. */
const editableFields = (c: Conversation) => ({
  name: c.name,
  display_name: c.display_name,
  image_url: c.image_url,
  properties: c.properties,
  numbers: c.numbers,
  callback: c.callback,
  timestamp: c.timestamp,
  updatedAt: c.timestamp.updated ?? c.timestamp.created,
});

export const conversationUpdateItem = (c: Conversation): TransactItem => {
  const fields = editableFields(c);
  const set: string[] = [];
  const remove: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    names[`#${k}`] = k;
    if (v === undefined) remove.push(`#${k}`);
    else {
      set.push(`#${k} = :${k}`);
      values[`:${k}`] = v;
    }
  }
  return {
    Update: {
      TableName: tableName(),
      Key: keys.conversation(c.id),
      UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
};

export const fromConversationItem = (item: Record<string, unknown>): Conversation =>
  dataOf<Conversation>(item);

export const getConversationItem = async (id: string): Promise<Conversation | undefined> => {
  const out = await db().send(new GetCommand({ TableName: tableName(), Key: keys.conversation(id) }));
  return out.Item && !isExpired(out.Item) ? fromConversationItem(out.Item) : undefined;
};

/** Deletes every item left in a conversation's partition (members, events, legs), in batches of 25. */
const purgePartition = async (conversationId: string): Promise<void> => {
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': conversationPartition(conversationId) },
        ProjectionExpression: 'pk, sk',
        ExclusiveStartKey: start,
      }),
    );
    const items = out.Items ?? [];
    for (let i = 0; i < items.length; i += 25) {
      let requests: Record<string, unknown[]> | undefined = {
        [tableName()]: items
          .slice(i, i + 25)
          .map((k) => ({ DeleteRequest: { Key: { pk: k.pk, sk: k.sk } } })),
      };
      while (requests && Object.keys(requests).length > 0) {
        const res = await db().send(new BatchWriteCommand({ RequestItems: requests as never }));
        requests = res.UnprocessedItems as Record<string, unknown[]> | undefined;
      }
    }
    start = out.LastEvaluatedKey;
  } while (start);
};

export const conversationRepository: ConversationRepository = {
  async create(c) {
    try {
      await transact(createConversationItems(c));
    } catch (error) {
      if (error instanceof ConditionFailedError) throw conflict.conversationName();
      throw error;
    }
  },

  get: getConversationItem,

  /**
   * Replaces the editable fields and appends `conversation:updated` in the same transaction. The event
   * moves the sequence number, so the fields are set by the timeline's own update of the conversation
   * item (one transaction may not touch an item twice). Retry with `retryOnConversationChange`.
   */
  async update(previous, next) {
    const items: TransactItem[] = [];
    if (previous.name !== next.name) {
      items.push(
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
      );
    }
    const set: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(editableFields(next))) if (v !== undefined) set[k] = v;
    try {
      const [event] = await commitTimeline({
        conversation: previous,
        events: [conversationUpdatedEvent(next, next.timestamp.updated ?? next.timestamp.created)],
        set,
        items,
      });
      // The caller answers with `next`: it ends at the event just appended.
      next.sequence_number = event.id;
    } catch (error) {
      if (error instanceof ConditionFailedError) {
        if (error.index === 1) throw conflict.conversationName();
        throw new ConversationChangedError();
      }
      throw error;
    }
  },

  async remove(c) {
    try {
      await transact([
        {
          Delete: {
            TableName: tableName(),
            Key: keys.conversation(c.id),
            ConditionExpression: 'attribute_exists(pk)',
          },
        },
        { Delete: { TableName: tableName(), Key: keys.conversationName(c.name) } },
      ]);
    } catch (error) {
      if (error instanceof ConditionFailedError) throw notFound.conversation();
      throw error;
    }
    await purgePartition(c.id);
  },
};

/** `GET /v1/conversations` (admin): every conversation by creation time, optionally within a date range. */
export const listConversations = async (
  query: ListQuery & { cursor?: PageCursor },
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
  return { ...page, items: page.items.filter((i) => !isExpired(i)).map(fromConversationItem) };
};
