import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { conflict, notFound } from '../domain/errors.ts';
import type { Page, PageCursor } from '../domain/ports.ts';
import type { User, UserRepository } from '../domain/users.ts';
import { db, tableName } from './client.ts';
import { transactWithReceipt } from './idempotency-repo.ts';
import { dataOf, meta } from './item.ts';
import { keys } from './keys.ts';
import { queryPage } from './paging.ts';
import { ConditionFailedError, type TransactItem } from './transact.ts';

const userItem = (u: User) => ({
  ...keys.user(u.id),
  ...keys.usersByCreated,
  gsi1sk: keys.userCreatedSort(u.timestamp.created, u.id),
  ...meta('user', u.timestamp.created, u.timestamp.updated ?? u.timestamp.created),
  ...u,
});

/**
 * The name claim holds a full copy of the user, so that a name (a token's `sub`, `GET /v1/users/{name}`)
 * resolves to the user in one read. Both are always written in the same transaction.
 */
const nameItem = (u: User) => ({
  ...keys.userName(u.name),
  ...meta('user-name', u.timestamp.created, u.timestamp.updated ?? u.timestamp.created),
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
      await transactWithReceipt(items, receipt?.(next));
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
      await transactWithReceipt(
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
