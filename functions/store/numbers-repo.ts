import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Receipt } from '../domain/idempotency.ts';
import type { NumberRoute } from '../domain/numbers.ts';
import type { Page, PageCursor } from '../domain/ports.ts';
import { db, tableName } from './client.ts';
import { transactWithReceipt } from './idempotency-repo.ts';
import { dataOf, meta } from './item.ts';
import { keys } from './keys.ts';
import { queryPage } from './paging.ts';
import { ConditionFailedError } from './transact.ts';

const numberItem = (r: NumberRoute) => ({
  ...keys.number(r.number),
  ...keys.numbersByDigits,
  gsi1sk: r.number,
  ...meta('number', r.timestamp.created, r.timestamp.updated ?? r.timestamp.created),
  ...r,
});

export const fromNumberItem = (item: Record<string, unknown>): NumberRoute => dataOf<NumberRoute>(item);

/** The route of a number (E.164 digits). */
export const getNumberRoute = async (digits: string): Promise<NumberRoute | undefined> => {
  const out = await db().send(new GetCommand({ TableName: tableName(), Key: keys.number(digits) }));
  return out.Item ? fromNumberItem(out.Item) : undefined;
};

/** Creates or replaces a route; says whether it existed before. */
export const putNumberRoute = async (
  route: NumberRoute,
  receipt?: Receipt<boolean>,
): Promise<{ created: boolean }> => {
  if (receipt) {
    const created = route.timestamp.updated === undefined;
    await transactWithReceipt(
      [{ Put: { TableName: tableName(), Item: numberItem(route) } }],
      receipt(created),
    );
    return { created };
  }
  const out = await db().send(
    new PutCommand({ TableName: tableName(), Item: numberItem(route), ReturnValues: 'ALL_OLD' }),
  );
  return { created: !out.Attributes };
};

/** Removes a route; says whether there was one. */
export const deleteNumberRoute = async (digits: string, receipt?: Receipt<void>): Promise<boolean> => {
  if (receipt) {
    const Key = keys.number(digits);
    try {
      await transactWithReceipt(
        [{ Delete: { TableName: tableName(), Key, ConditionExpression: 'attribute_exists(pk)' } }],
        receipt(),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionFailedError) return false;
      throw error;
    }
  }
  const out = await db().send(
    new DeleteCommand({ TableName: tableName(), Key: keys.number(digits), ReturnValues: 'ALL_OLD' }),
  );
  return Boolean(out.Attributes);
};

/** `GET /v1/numbers`: every route, by number. */
export const listNumberRoutes = async (query: {
  order: 'asc' | 'desc';
  pageSize: number;
  cursor?: PageCursor;
}): Promise<Page<NumberRoute>> => {
  const page = await queryPage<Record<string, unknown>>({
    query: {
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.numbersByDigits.gsi1pk },
    },
    keyAttributes: ['pk', 'sk', 'gsi1pk', 'gsi1sk'],
    order: query.order,
    pageSize: query.pageSize,
    cursor: query.cursor,
  });
  return { ...page, items: page.items.map((i) => dataOf<NumberRoute>(i)) };
};
