import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { conflict, notFound } from '../domain/errors.ts';
import { IdempotencyRaceError, type IdempotencyRecord } from '../domain/idempotency.ts';
import { ID_PATTERN } from '../domain/ids.ts';
import type { Page, PageCursor } from '../domain/ports.ts';
import { ConversationChangedError, retry } from '../domain/retry.ts';
import type { User, UserRepository } from '../domain/users.ts';
import { db, tableName } from './client.ts';
import { transactWithReceipt, withReceipt } from './idempotency-repo.ts';
import { dataOf, meta } from './item.ts';
import { type Key, keys } from './keys.ts';
import { memberKeyOf } from './members-repo.ts';
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
 * resolves to the user in one read. Both are always written in the same transaction. The copy is also the
 * first entry of the user's GSI1 partition (`USR#<id>`, before its memberships), so that a change of the
 * user reads the user and its live members in one Query.
 */
const nameItem = (u: User) => ({
  ...keys.userName(u.name),
  ...keys.membershipsOfUser(u.id),
  gsi1sk: keys.userEntrySort,
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

export const getUserById = (id: string) => read(keys.user(id));
export const getUserByName = (name: string) => read(keys.userName(name));

interface Found {
  user: User;
  /** The keys of the user's live (INVITED or JOINED) members. */
  members: Key[];
}

/**
 * A user and its live members: by id, one Query of its GSI1 partition, the user taken from its name
 * claim's entry there (an index read: it may be behind, which the write's version condition catches); by
 * name, or when a write on the index's copy lost (`strong`), the user read from the table first.
 */
const find = async (ref: string, strong: boolean): Promise<Found | undefined> => {
  const byId = ID_PATTERN.user.test(ref);
  let user = byId ? (strong ? await getUserById(ref) : undefined) : await getUserByName(ref);
  if (!user && (strong || !byId)) return undefined;
  const members: Key[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        FilterExpression: '#et = :user OR #state <> :left',
        ExpressionAttributeNames: { '#et': '_et', '#state': 'state' },
        ExpressionAttributeValues: {
          ':pk': keys.membershipsOfUser(user?.id ?? ref).gsi1pk,
          ':user': 'user-name',
          ':left': 'LEFT',
        },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of out.Items ?? [])
      if (item._et !== 'user-name') members.push(memberKeyOf(item));
      else user ??= dataOf<User>(item);
    start = out.LastEvaluatedKey;
  } while (start);
  // No entry on the index yet (a user just created, or written before users had one): read the table.
  if (!user) return find(ref, true);
  return { user, members };
};

/**
 * Changes a user (`change` decides the base items from the user as found) in one transaction with the moves
 * of its live members to the new version, so that no write decided on the user as it was (a process's
 * remembered caller) passes its member's condition afterwards. Members past what one transaction holds are
 * moved first, in transactions of their own: a write meanwhile fails its condition and reads the user
 * again (and, should the base then fail, moves its member back to the version it reads). A base item's
 * failed condition (index `i`) is a lost race to try again on a fresh read, unless `refused(i)` names the
 * error it means.
 */
const changeUser = async <T>(
  ref: string,
  change: (user: User) => { base: TransactItem[]; version: string; result: T; record?: IdempotencyRecord },
  refused: (index: number) => Error | undefined = () => undefined,
): Promise<T> =>
  retry(async (attempt) => {
    const found = await find(ref, attempt > 1);
    if (!found) throw notFound.user();
    const { base, version, result, record } = change(found.user);
    const own = withReceipt(base, record);
    const items = [
      ...own,
      ...found.members.map(
        (key): TransactItem => ({
          Update: {
            TableName: tableName(),
            Key: key,
            UpdateExpression: 'SET user_version = :v',
            // A member whose conversation is being deleted is left alone.
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':v': version },
          },
        }),
      ),
    ];
    // Transactions of 100 items from the end: the one holding the base goes last.
    for (let start = Math.floor((items.length - 1) / 100) * 100; start >= 0; start -= 100)
      try {
        await transact(items.slice(start, start + 100));
      } catch (error) {
        if (!(error instanceof ConditionFailedError)) throw error;
        const index = start + error.index;
        // The record: another request with the key committed first.
        if (record && index === base.length) throw new IdempotencyRaceError();
        throw (index < base.length && refused(index)) || new ConversationChangedError();
      }
    return result;
  });

/** The user item as `u` was read: it must still be there, at the same version and with the same name. */
const asRead = (u: User) => ({
  ConditionExpression: 'updatedAt = :v AND #name = :name',
  ExpressionAttributeNames: { '#name': 'name' },
  ExpressionAttributeValues: { ':v': versionOf(u), ':name': u.name },
});

/** The name claim of `u`, still held by it. */
const claimOf = (u: User) => ({
  TableName: tableName(),
  Key: keys.userName(u.name),
  ConditionExpression: 'id = :id',
  ExpressionAttributeValues: { ':id': u.id },
});

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

  update: (ref, decide, receipt) =>
    changeUser(
      ref,
      (previous) => {
        const next = decide(previous);
        const base: TransactItem[] = [
          { Put: { TableName: tableName(), Item: userItem(next), ...asRead(previous) } },
          previous.name === next.name
            ? { Put: { Item: nameItem(next), ...claimOf(previous) } }
            : { Delete: claimOf(previous) },
        ];
        if (previous.name !== next.name)
          base.push({
            Put: {
              TableName: tableName(),
              Item: nameItem(next),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          });
        return { base, version: versionOf(next), result: next, record: receipt?.(next) };
      },
      (index) => (index === 2 ? conflict.userName() : undefined),
    ),

  remove: (ref, receipt) =>
    changeUser(ref, (u) => ({
      base: [
        { Delete: { TableName: tableName(), Key: keys.user(u.id), ...asRead(u) } },
        { Delete: claimOf(u) },
      ],
      // A version no user is ever at.
      version: 'deleted',
      result: undefined,
      record: receipt?.(),
    })),
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
