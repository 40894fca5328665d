import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { conflict, notFound } from '../domain/errors.ts';
import { IdempotencyRaceError, type IdempotencyRecord } from '../domain/idempotency.ts';
import type { Page, PageCursor } from '../domain/ports.ts';
import { ConversationChangedError, retry } from '../domain/retry.ts';
import type { User, UserRepository } from '../domain/users.ts';
import { db, tableName } from './client.ts';
import { transactWithReceipt, withReceipt } from './idempotency-repo.ts';
import { dataOf, meta } from './item.ts';
import { keys } from './keys.ts';
import { listMembershipsOfUser } from './members-repo.ts';
import { queryPage } from './paging.ts';
import { ConditionFailedError, type TransactItem, transact } from './transact.ts';

/** The version of a user: its items' `updatedAt`, which its live members carry (`UserGuard` in members-repo). */
const versionOf = (u: User): string => u.timestamp.updated ?? u.timestamp.created;

const userItem = (u: User) => ({
  ...keys.user(u.id),
  ...keys.usersByCreated,
  gsi1sk: keys.userCreatedSort(u.timestamp.created, u.id),
  ...meta('user', u.timestamp.created, versionOf(u)),
  ...u,
});

/**
 * The name claim holds a full copy of the user, so that a name (a token's `sub`, `GET /v1/users/{name}`)
 * resolves to the user in one read. Both are always written in the same transaction.
 */
const nameItem = (u: User) => ({
  ...keys.userName(u.name),
  ...meta('user-name', u.timestamp.created, versionOf(u)),
  ...u,
});

/** The transaction items that create a user and claim its name (shared with voice calls). */
export const createUserItems = (u: User): TransactItem[] => [
  { Put: { TableName: tableName(), Item: userItem(u), ConditionExpression: 'attribute_not_exists(pk)' } },
  { Put: { TableName: tableName(), Item: nameItem(u), ConditionExpression: 'attribute_not_exists(pk)' } },
];

const read = async (key: { pk: string; sk: string }): Promise<User | undefined> => {
  const out = await db().send(new GetCommand({ TableName: tableName(), Key: key }));
  return out.Item ? dataOf<User>(out.Item) : undefined;
};

/**
 * Writes `base` (a user's update or delete) in one transaction with the moves of the user's live members
 * to `version`, so that no write decided on the user as it was (a process's remembered caller) passes its
 * member's condition afterwards. Members past what one transaction holds are moved first, in transactions of
 * their own: a write meanwhile fails its condition and reads the user again (and, should `base` then fail,
 * moves its member back to the version it reads). Failed conditions of `base` items throw
 * `ConditionFailedError` with their index.
 */
const withMembersMarked = (
  userId: string,
  version: string,
  base: TransactItem[],
  record?: IdempotencyRecord,
): Promise<void> =>
  retry(async () => {
    const own = withReceipt(base, record);
    const items = [...own];
    let cursor: PageCursor | undefined;
    do {
      const page = await listMembershipsOfUser(userId, {
        order: 'asc',
        pageSize: 100,
        liveOnly: true,
        cursor,
      });
      for (const m of page.items)
        items.push({
          Update: {
            TableName: tableName(),
            Key: keys.member(m.conversation_id, m.id),
            UpdateExpression: 'SET user_version = :v',
            // A member whose conversation is being deleted is left alone.
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':v': version },
          },
        });
      cursor = page.next;
    } while (cursor);
    // Transactions of 100 items from the end: the one holding `base` goes last.
    for (let start = Math.floor((items.length - 1) / 100) * 100; start >= 0; start -= 100)
      try {
        await transact(items.slice(start, start + 100));
      } catch (error) {
        if (error instanceof ConditionFailedError) {
          // The record: another request with the key committed first. A member gone meanwhile: list again.
          if (record && start + error.index === base.length) throw new IdempotencyRaceError();
          if (start + error.index >= own.length) throw new ConversationChangedError();
        }
        throw error;
      }
  });

export const getUserById = (id: string) => read(keys.user(id));
export const getUserByName = (name: string) => read(keys.userName(name));

export const userRepository: UserRepository = {
  async create(u, receipt) {
    try {
      await transactWithReceipt(createUserItems(u), receipt?.(u));
    } catch (error) {
      if (error instanceof ConditionFailedError) throw conflict.userName();
      throw error;
    }
  },

  get: getUserById,
  getByName: getUserByName,

  async update(previous, next, receipt) {
    const renamed = previous.name !== next.name;
    const items: TransactItem[] = [
      {
        Put: {
          TableName: tableName(),
          Item: userItem(next),
          ConditionExpression: 'attribute_exists(pk) AND #name = :name',
          ExpressionAttributeNames: { '#name': 'name' },
          ExpressionAttributeValues: { ':name': previous.name },
        },
      },
      renamed
        ? {
            Delete: {
              TableName: tableName(),
              Key: keys.userName(previous.name),
              ConditionExpression: 'id = :id',
              ExpressionAttributeValues: { ':id': previous.id },
            },
          }
        : {
            Put: {
              TableName: tableName(),
              Item: nameItem(next),
              ConditionExpression: 'id = :id',
              ExpressionAttributeValues: { ':id': previous.id },
            },
          },
    ];
    if (renamed)
      items.push({
        Put: {
          TableName: tableName(),
          Item: nameItem(next),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    try {
      await withMembersMarked(next.id, versionOf(next), items, receipt?.(next));
    } catch (error) {
      if (error instanceof ConditionFailedError) {
        if (error.index === 2) throw conflict.userName();
        throw notFound.user();
      }
      throw error;
    }
  },

  async remove(u, receipt) {
    try {
      // A version no user is ever at.
      await withMembersMarked(
        u.id,
        'deleted',
        [
          {
            Delete: {
              TableName: tableName(),
              Key: keys.user(u.id),
              ConditionExpression: 'attribute_exists(pk)',
            },
          },
          {
            Delete: {
              TableName: tableName(),
              Key: keys.userName(u.name),
              ConditionExpression: 'id = :id',
              ExpressionAttributeValues: { ':id': u.id },
            },
          },
        ],
        receipt?.(),
      );
    } catch (error) {
      if (error instanceof ConditionFailedError) throw notFound.user();
      throw error;
    }
  },
};

/** `GET /v1/users`: every user by creation time. */
export const listUsers = async (query: {
  order: 'asc' | 'desc';
  pageSize: number;
  cursor?: PageCursor;
}): Promise<Page<User>> => {
  const page = await queryPage<Record<string, unknown>>({
    query: {
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.usersByCreated.gsi1pk },
    },
    keyAttributes: ['pk', 'sk', 'gsi1pk', 'gsi1sk'],
    order: query.order,
    pageSize: query.pageSize,
    cursor: query.cursor,
  });
  return { ...page, items: page.items.map((i) => dataOf<User>(i)) };
};
