import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Page, PageCursor } from '../domain/ports.ts';
import { db, tableName } from './client.ts';

export interface PageRequest {
  /** The query without paging: key condition, names, values, index, filter. */
  query: Omit<QueryCommandInput, 'TableName' | 'Limit' | 'ExclusiveStartKey' | 'ScanIndexForward'>;
  /** Attribute names that make up an item's position (table key, plus index key for an index). */
  keyAttributes: readonly string[];
  order: 'asc' | 'desc';
  pageSize: number;
  cursor?: PageCursor;
}

const keyOf = (item: Record<string, unknown>, attributes: readonly string[]): Record<string, string> =>
  Object.fromEntries(attributes.map((a) => [a, String(item[a])]));

/**
 * One page of a Query, in either direction. Reads one item more than the page to know whether another
 * page follows, so `next` is absent exactly on the last page. With a filter it keeps reading until the
 * page is full or the partition ends.
 */
export const queryPage = async <T extends Record<string, unknown>>(
  request: PageRequest,
): Promise<Page<T>> => {
  const backwards = request.cursor?.d === 'prev';
  const ascending = (request.order === 'asc') !== backwards;
  const want = request.pageSize + 1;
  const found: T[] = [];
  let start: Record<string, unknown> | undefined = request.cursor?.k;
  do {
    const out = await db().send(
      new QueryCommand({
        ...request.query,
        TableName: tableName(),
        ScanIndexForward: ascending,
        Limit: request.query.FilterExpression ? Math.max(want, 50) : want - found.length,
        ExclusiveStartKey: start,
      }),
    );
    found.push(...((out.Items ?? []) as T[]));
    start = out.LastEvaluatedKey;
  } while (start && found.length < want);

  const more = found.length > request.pageSize;
  const items = found.slice(0, request.pageSize);
  if (backwards) items.reverse();
  const first = items[0];
  const last = items[items.length - 1];
  const page: Page<T> = { items };
  if (items.length > 0) {
    // Going forwards: a next page exists if we read past the page; a previous one if we came from a cursor.
    // Going backwards the roles swap.
    const hasNext = backwards ? true : more;
    const hasPrev = backwards ? more : request.cursor !== undefined;
    if (hasNext) page.next = { d: 'next', k: keyOf(last, request.keyAttributes) };
    if (hasPrev) page.prev = { d: 'prev', k: keyOf(first, request.keyAttributes) };
  }
  return page;
};
