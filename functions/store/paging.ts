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
 * The most items one request examines behind a filter: a filter that matches nothing answers a page (empty
 * or short) with a cursor to go on from, instead of reading the whole partition.
 */
export const MAX_EXAMINED = 1000;

/**
 * One page of a Query, in either direction. Reads one item more than the page to know whether another
 * page follows, so `next` is absent exactly on the last page. With a filter it keeps reading until the
 * page is full, the partition ends or `MAX_EXAMINED` items were read; then the page ends where it stopped.
 */
export const queryPage = async <T extends Record<string, unknown>>(
  request: PageRequest,
): Promise<Page<T>> => {
  const backwards = request.cursor?.d === 'prev';
  const ascending = (request.order === 'asc') !== backwards;
  const want = request.pageSize + 1;
  const found: T[] = [];
  let start: Record<string, unknown> | undefined = request.cursor?.k;
  let examined = 0;
  do {
    const out = await db().send(
      new QueryCommand({
        ...request.query,
        TableName: tableName(),
        ScanIndexForward: ascending,
        Limit: request.query.FilterExpression
          ? Math.min(Math.max(want, 50), MAX_EXAMINED - examined)
          : want - found.length,
        ExclusiveStartKey: start,
      }),
    );
    found.push(...((out.Items ?? []) as T[]));
    examined += out.ScannedCount ?? 0;
    start = out.LastEvaluatedKey;
  } while (start && found.length < want && examined < MAX_EXAMINED);

  // Stopped at the bound with the page short: the rest of the list starts after the last item examined.
  const cut = start && found.length < want ? (start as Record<string, unknown>) : undefined;
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
  } else if (cut && request.cursor) {
    // An empty page cut short: the way back is the cursor it came from.
    page[backwards ? 'next' : 'prev'] = { d: backwards ? 'next' : 'prev', k: request.cursor.k };
  }
  if (cut)
    page[backwards ? 'prev' : 'next'] = {
      d: backwards ? 'prev' : 'next',
      k: keyOf(cut, request.keyAttributes),
    };
  return page;
};
