/** The records of Idempotency-Keys: one item per caller and key, written in the transaction of its write. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { IdempotencyRaceError, type IdempotencyRecord } from '../domain/idempotency.ts';
import { db, tableName } from './client.ts';
import { dataOf, meta, ttlOf } from './item.ts';
import { keys } from './keys.ts';
import { ConditionFailedError, type TransactItem, transact } from './transact.ts';

/** The record's put: only where the key has none, or an expired one (TTL removes items only eventually). */
export const receiptItem = (r: IdempotencyRecord): TransactItem => ({
  Put: {
    TableName: tableName(),
    Item: {
      ...keys.idempotency(r.scope, r.key),
      ...meta('idempotency', r.created_at),
      ...r,
      expiresAt: ttlOf(r.expires_at),
    },
    ConditionExpression: 'attribute_not_exists(pk) OR expires_at <= :now',
    ExpressionAttributeValues: { ':now': r.created_at },
  },
});

/** `items` with the record last (when there is one): its index in a transaction is `items.length`. */
export const withReceipt = (items: TransactItem[], record?: IdempotencyRecord): TransactItem[] =>
  record ? [...items, receiptItem(record)] : items;

/** `transact` with the record: a failed condition on it is the other request's commit, not this one's. */
export const transactWithReceipt = async (items: TransactItem[], record?: IdempotencyRecord) => {
  try {
    await transact(withReceipt(items, record));
  } catch (error) {
    if (error instanceof ConditionFailedError && error.index === items.length)
      throw new IdempotencyRaceError();
    throw error;
  }
};

export const getIdempotencyRecord = async (scope: string, key: string) => {
  const out = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.idempotency(scope, key), ConsistentRead: true }),
  );
  return out.Item ? dataOf<IdempotencyRecord>(out.Item) : undefined;
};
