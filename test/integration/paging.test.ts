import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiResponse, call } from '../support/api.ts';

const BASE = 'http://parley.test';
const N = 23;
let ids: string[] = [];

const path = (href: string) => {
  expect(href.startsWith(`${BASE}/v1/`)).toBe(true);
  return href.slice(BASE.length);
};

const idsOf = (res: ApiResponse, key = 'conversations'): string[] =>
  res.body._embedded[key].map((c: { id: string }) => c.id);

/** Follows `_links.next` from a first URL and returns every page. */
const walkForward = async (first: string): Promise<ApiResponse[]> => {
  const pages: ApiResponse[] = [];
  let url: string | undefined = first;
  while (url) {
    const page: ApiResponse = await call('GET', url);
    expect(page.status, page.text).toBe(200);
    pages.push(page);
    url = page.body._links.next ? path(page.body._links.next.href) : undefined;
    expect(pages.length).toBeLessThan(50);
  }
  return pages;
};

const sleepToNextSecond = () => new Promise((r) => setTimeout(r, 1050 - (Date.now() % 1000)));

describe('cursor paging', () => {
  beforeAll(async () => {
    for (let i = 0; i < N; i++) {
      const res = await call('POST', '/v1/conversations', { body: { display_name: `c${i}` } });
      ids.push(res.body.id);
    }
    // Creation order is time order: ascending lists follow it.
    const read = await Promise.all(ids.map((id) => call('GET', `/v1/conversations/${id}`)));
    ids = read
      .map((r) => r.body)
      .sort((a, b) => `${a.timestamp.created}#${a.id}`.localeCompare(`${b.timestamp.created}#${b.id}`))
      .map((c) => c.id);
  });

  it('walks every page forward via _links.next, next absent on the last page', async () => {
    const pages = await walkForward('/v1/conversations?page_size=5');
    expect(pages.map((p) => idsOf(p).length)).toEqual([5, 5, 5, 5, 3]);
    expect(pages.flatMap((p) => idsOf(p))).toEqual(ids);
    for (const p of pages) {
      expect(p.body.page_size).toBe(5);
      expect(Object.keys(p.body).sort()).toEqual(['_embedded', '_links', 'page_size']);
      expect(p.body._links.first.href).toBe(`${BASE}/v1/conversations?page_size=5&order=asc`);
      expect(p.body._links.self.href.startsWith(`${BASE}/v1/conversations?`)).toBe(true);
    }
    expect(pages[0].body._links.prev).toBeUndefined();
    expect(pages[4].body._links.next).toBeUndefined();
    expect(new URL(pages[1].body._links.self.href).searchParams.get('cursor')).toBe(
      new URL(pages[0].body._links.next.href).searchParams.get('cursor'),
    );
  });

  it('walks back via _links.prev to the first page, prev absent there', async () => {
    const forward = await walkForward('/v1/conversations?page_size=5');
    let page = forward[forward.length - 1];
    const back: string[][] = [idsOf(page)];
    while (page.body._links.prev) {
      page = await call('GET', path(page.body._links.prev.href));
      expect(page.status).toBe(200);
      expect(page.body._links.next).toBeDefined();
      back.unshift(idsOf(page));
      expect(back.length).toBeLessThan(10);
    }
    expect(back).toEqual(forward.map((p) => idsOf(p)));
    expect(page.body._links.prev).toBeUndefined();
  });

  it('pages in descending order, and back again', async () => {
    const pages = await walkForward('/v1/conversations?page_size=10&order=desc');
    expect(pages.map((p) => idsOf(p).length)).toEqual([10, 10, 3]);
    expect(pages.flatMap((p) => idsOf(p))).toEqual([...ids].reverse());
    const second = await call('GET', path(pages[2].body._links.prev.href));
    expect(idsOf(second)).toEqual(idsOf(pages[1]));
    expect(second.body._links.next.href).toContain('order=desc');
  });

  it('accepts ORDER in capitals and answers with the canonical spelling', async () => {
    const res = await call('GET', '/v1/conversations?order=DESC&page_size=3');
    expect(res.status).toBe(200);
    expect(idsOf(res)).toEqual([...ids].reverse().slice(0, 3));
    expect(res.body._links.next.href).toContain('order=desc');
  });

  it('uses page_size 10 by default and honours the bounds 1 and 100', async () => {
    const dflt = await call('GET', '/v1/conversations');
    expect(dflt.body.page_size).toBe(10);
    expect(idsOf(dflt)).toEqual(ids.slice(0, 10));
    const one = await call('GET', '/v1/conversations?page_size=1');
    expect(idsOf(one)).toEqual(ids.slice(0, 1));
    const all = await call('GET', '/v1/conversations?page_size=100');
    expect(idsOf(all)).toEqual(ids);
    expect(all.body._links.next).toBeUndefined();
    for (const bad of ['0', '101', '-1', '2.5']) {
      const res = await call('GET', `/v1/conversations?page_size=${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.invalid_parameters[0].name).toBe('page_size');
    }
  });

  it('gives no next link when the last page is exactly full', async () => {
    const pages = await walkForward(`/v1/conversations?page_size=${N}`);
    expect(pages).toHaveLength(1);
    expect(pages[0].body._links.next).toBeUndefined();
  });

  it.each([
    ['garbage', 'not-a-cursor!'],
    ['base64 of text', Buffer.from('hello').toString('base64url')],
    ['a JSON value of the wrong shape', Buffer.from('{"d":"sideways","k":{}}').toString('base64url')],
    ['a key with non-string parts', Buffer.from('{"d":"next","k":{"pk":1}}').toString('base64url')],
  ])('refuses an invalid cursor (%s) with paginator-builder:error:invalid-cursor', async (_label, cursor) => {
    const res = await call('GET', `/v1/conversations?cursor=${encodeURIComponent(cursor)}`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('paginator-builder:error:invalid-cursor');
    expect(res.body.detail).toBe('The request failed due to an invalid cursor');
  });

  it('keeps the other query parameters in every link', async () => {
    const res = await call('GET', '/v1/conversations?page_size=4&order=asc&date_start=2000-01-01T00:00:00Z');
    const next = new URL(res.body._links.next.href);
    expect(next.searchParams.get('date_start')).toBe('2000-01-01T00:00:00Z');
    expect(next.searchParams.get('page_size')).toBe('4');
    const page2 = await call('GET', path(res.body._links.next.href));
    expect(idsOf(page2)).toEqual(ids.slice(4, 8));
  });

  describe('date_start / date_end', () => {
    let before: string[] = [];
    let inside: string[] = [];
    let start = '';
    let end = '';

    beforeAll(async () => {
      await sleepToNextSecond();
      for (let i = 0; i < 2; i++)
        before.push((await call('POST', '/v1/conversations', { body: { display_name: `b${i}` } })).body.id);
      await sleepToNextSecond();
      start = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
      for (let i = 0; i < 3; i++)
        inside.push((await call('POST', '/v1/conversations', { body: { display_name: `i${i}` } })).body.id);
      await sleepToNextSecond();
      end = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
      await call('POST', '/v1/conversations', { body: { display_name: 'after' } });
      before = [...ids, ...before];
      inside = [...inside];
    });

    /** `2018-01-01 10:00:00`: Vonage's sample form (UTC). */
    const spaced = (iso: string) => iso.replace('T', ' ').replace(/\.\d{3}Z$/, '');

    it.each([
      ['ISO 8601', (iso: string) => iso],
      ['ISO without milliseconds', (iso: string) => iso.replace(/\.\d{3}Z$/, 'Z')],
      ['2018-01-01 10:00:00', spaced],
      ['an offset', (iso: string) => new Date(iso).toISOString().replace(/\.\d{3}Z$/, '+00:00')],
    ])('lists only conversations created in the range (%s)', async (_label, form) => {
      const qs = new URLSearchParams({ date_start: form(start), date_end: form(end), page_size: '100' });
      const res = await call('GET', `/v1/conversations?${qs}`);
      expect(res.status, res.text).toBe(200);
      expect(idsOf(res).sort()).toEqual([...inside].sort());
    });

    it('takes date_start alone as an open range', async () => {
      const res = await call(
        'GET',
        `/v1/conversations?date_start=${encodeURIComponent(spaced(start))}&page_size=100`,
      );
      expect(idsOf(res)).toHaveLength(inside.length + 1);
      expect(idsOf(res)).toEqual(expect.arrayContaining(inside));
    });

    it('takes date_end alone as an open range', async () => {
      const res = await call('GET', `/v1/conversations?date_end=${encodeURIComponent(start)}&page_size=100`);
      expect(idsOf(res).sort()).toEqual([...before].sort());
    });

    it('refuses a range that ends before it starts', async () => {
      const res = await call(
        'GET',
        `/v1/conversations?date_start=${encodeURIComponent(end)}&date_end=${encodeURIComponent(start)}`,
      );
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('http:error:validation-fail');
      expect(res.body.invalid_parameters[0].name).toBe('date_end');
    });

    it('pages within a range', async () => {
      const qs = new URLSearchParams({ date_start: start, date_end: end, page_size: '2', order: 'desc' });
      const pages = await walkForward(`/v1/conversations?${qs}`);
      expect(pages.flatMap((p) => idsOf(p))).toHaveLength(inside.length);
      expect(pages).toHaveLength(2);
    });
  });

  describe('users', () => {
    it('walks every page of users forward and back', async () => {
      const created: string[] = [];
      for (let i = 0; i < 7; i++)
        created.push((await call('POST', '/v1/users', { body: { name: `pager-${i}` } })).body.id);
      const pages = await walkForward('/v1/users?page_size=3');
      expect(pages.map((p) => idsOf(p, 'users').length)).toEqual([3, 3, 1]);
      expect(pages.flatMap((p) => idsOf(p, 'users'))).toEqual(created);
      const back = await call('GET', path(pages[2].body._links.prev.href));
      expect(idsOf(back, 'users')).toEqual(created.slice(3, 6));
      const desc = await walkForward('/v1/users?page_size=3&order=desc');
      expect(desc.flatMap((p) => idsOf(p, 'users'))).toEqual([...created].reverse());
      const bad = await call('GET', '/v1/users?cursor=nope');
      expect(bad.body.code).toBe('paginator-builder:error:invalid-cursor');
    });
  });
});

describe('cursors are bound to their list', () => {
  const cursorOf = (href: string) => new URL(href).searchParams.get('cursor') as string;
  const expectInvalid = (res: ApiResponse) => {
    expect(res.status, res.text).toBe(400);
    expect(res.body.code).toBe('paginator-builder:error:invalid-cursor');
    expect(Object.keys(res.body).sort()).toEqual(['code', 'detail', 'instance', 'title', 'type']);
  };
  let a = '';
  let b = '';
  let next = '';

  beforeAll(async () => {
    a = (await call('POST', '/v1/conversations', { body: {} })).body.id;
    b = (await call('POST', '/v1/conversations', { body: {} })).body.id;
    for (const cid of [a, b])
      for (let i = 0; i < 3; i++)
        await call('POST', `/v1/conversations/${cid}/events`, { body: { type: 'custom:page', body: { i } } });
    next = cursorOf((await call('GET', `/v1/conversations/${a}/events?page_size=1`)).body._links.next.href);
  });

  it('follows its own list, whatever the page size or a trailing slash', async () => {
    for (const url of [
      `/v1/conversations/${a}/events?page_size=1&cursor=${next}`,
      `/v1/conversations/${a}/events/?page_size=2&cursor=${next}`,
    ]) {
      const res = await call('GET', url);
      expect(res.status, res.text).toBe(200);
      expect(res.body._embedded[0].id).toBe(2);
    }
  });

  it('refuses a cursor from another conversation', async () => {
    expectInvalid(await call('GET', `/v1/conversations/${b}/events?page_size=1&cursor=${next}`));
  });

  it('refuses a cursor from another list', async () => {
    expectInvalid(await call('GET', `/v1/conversations/${a}/members?cursor=${next}`));
    expectInvalid(await call('GET', `/v1/conversations?cursor=${next}`));
    const ofConversations = cursorOf(
      (await call('GET', '/v1/conversations?page_size=1')).body._links.next.href,
    );
    expectInvalid(await call('GET', `/v1/users?page_size=1&cursor=${ofConversations}`));
  });

  it('refuses a cursor used with other filters or another order', async () => {
    for (const q of ['event_type=custom:page', 'start_id=1', 'exclude_deleted_events=true', 'order=desc'])
      expectInvalid(await call('GET', `/v1/conversations/${a}/events?page_size=1&${q}&cursor=${next}`));
    const filtered = await call('GET', `/v1/conversations/${a}/events?page_size=1&event_type=custom:page`);
    const res = await call('GET', path(filtered.body._links.next.href));
    expect(res.status, res.text).toBe(200);
    expect(res.body._embedded[0].id).toBe(2);
  });

  it('refuses an edited or forged cursor', async () => {
    const [position, mac] = next.split('.');
    const key = JSON.parse(Buffer.from(position, 'base64url').toString('utf8'));
    key.k = Object.fromEntries(Object.entries(key.k).map(([k, v]) => [k, String(v).replace(a, b)]));
    const moved = Buffer.from(JSON.stringify(key)).toString('base64url');
    for (const forged of [
      `${moved}.${mac}`,
      moved,
      `${position}.${mac.slice(0, -2)}AA`,
      `${position}.${mac}.x`,
      `${position}.`,
      '.',
    ])
      expectInvalid(
        await call('GET', `/v1/conversations/${b}/events?page_size=1&cursor=${encodeURIComponent(forged)}`),
      );
  });
});
