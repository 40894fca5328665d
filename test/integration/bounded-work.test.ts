/**
 * The work of one request is bounded: a list filter that matches nothing answers after examining at most
 * `MAX_EXAMINED` items, with a cursor to go on from, instead of reading the whole conversation.
 */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { db, tableName } from '../../functions/store/client.ts';
import { MAX_EXAMINED } from '../../functions/store/paging.ts';
import { eventItem } from '../../functions/store/timeline.ts';
import { type ApiResponse, call } from '../support/api.ts';

const EVENTS = 2500;
let cid: string;
/** Items DynamoDB examined for the requests since the last reset (Query's ScannedCount). */
let scanned = 0;

beforeAll(async () => {
  db().middlewareStack.add(
    (next) => async (args) => {
      const out = await next(args);
      scanned += (out.output as { ScannedCount?: number }).ScannedCount ?? 0;
      return out;
    },
    { step: 'initialize', name: 'testScannedCount' },
  );
  cid = (await call('POST', '/v1/conversations', { body: {} })).body.id as string;
  // Events 1..EVENTS written straight to the table (the listing reads the partition, not the counter).
  const items = Array.from({ length: EVENTS }, (_, i) =>
    eventItem(cid, {
      id: i + 1,
      type: i === EVENTS - 1 ? 'custom:last' : 'custom:filler',
      body: { i },
      timestamp: new Date().toISOString(),
    }),
  );
  for (let i = 0; i < items.length; i += 25) {
    let requests: unknown[] = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (requests.length > 0) {
      const out = await db().send(
        new BatchWriteCommand({ RequestItems: { [tableName()]: requests as never } }),
      );
      requests = out.UnprocessedItems?.[tableName()] ?? [];
    }
  }
}, 120_000);

const path = (href: string) => href.replace('http://parley.test', '');

describe('a filter that matches nothing', () => {
  for (const order of ['asc', 'desc'])
    it(`examines at most ${MAX_EXAMINED} events a request (${order}), and its cursors reach every match`, async () => {
      // Act: follow `next` from the first page to the end.
      const pages: { res: ApiResponse; scanned: number }[] = [];
      let url: string | undefined =
        `/v1/conversations/${cid}/events?event_type=custom:none,custom:last&page_size=1&order=${order}`;
      while (url && pages.length < 10) {
        scanned = 0;
        const res: ApiResponse = await call('GET', url);
        pages.push({ res, scanned });
        url = res.body._links?.next ? path(res.body._links.next.href) : undefined;
      }
      // Assess: every page bounded, the one match found once, and the list ends.
      for (const p of pages) {
        expect(p.res.status).toBe(200);
        expect(p.scanned).toBeLessThanOrEqual(MAX_EXAMINED);
      }
      expect(url).toBeUndefined();
      const found = pages.flatMap((p) => p.res.body._embedded.map((e: { id: number }) => e.id));
      expect(found).toEqual([EVENTS]);
      expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(EVENTS / MAX_EXAMINED));
    });

  it('an empty page cut short links back to where it came from', async () => {
    const first = await call('GET', `/v1/conversations/${cid}/events?event_type=custom:none&page_size=1`);
    expect(first.body._embedded).toEqual([]);
    const second = await call('GET', path(first.body._links.next.href));
    expect(second.body._embedded).toEqual([]);
    expect(second.body._links.prev).toBeDefined();
    const back = await call('GET', path(second.body._links.prev.href));
    expect(back.status).toBe(200);
    expect(back.body._embedded).toEqual([]);
  });
});
