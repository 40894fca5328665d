/** The 2017 conversation list on `/beta` and `/v0.1`: its shape, `record_index` paging, and who sees what. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiResponse, call } from '../support/api.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { adminToken, userToken } from '../support/tokens.ts';

const created: string[] = [];
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  for (let i = 0; i < 5; i++) {
    const res = await call('POST', '/v1/conversations', { body: { name: `legacy-${i}` } });
    expect(res.status).toBe(201);
    created.push(res.body.id);
  }
});
afterAll(() => server.close());

/** Every id of the v1 list, in its order: the legacy list must give the same conversations. */
const v1Ids = async (order: 'asc' | 'desc' = 'asc', token?: string) =>
  (
    await call('GET', `/v1/conversations?page_size=100&order=${order}`, { token })
  ).body._embedded.conversations.map((c: { id: string }) => c.id);

describe.each(['/beta', '/v0.1'] as const)('GET %s/conversations', (prefix) => {
  it("answers the seed's curl as written: an admin token and a JSON content type, the legacy shape", async () => {
    // Over HTTP, the way the seed sends it.
    const res = await fetch(`${server.baseUrl}${prefix}/conversations`, {
      headers: { Authorization: `Bearer ${await adminToken()}`, 'Content-Type': 'application/json' },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { _embedded: { conversations: { uuid: string; name: string }[] } };
    const ids = await v1Ids();
    expect(body).toEqual({
      count: Math.min(10, ids.length),
      page_size: 10,
      record_index: 0,
      _links: {
        self: { href: `http://parley.test${prefix}/conversations?order=asc&page_size=10&record_index=0` },
      },
      _embedded: {
        conversations: ids.slice(0, 10).map((id: string) => ({
          uuid: id,
          name: expect.any(String),
          href: `http://parley.test${prefix}/conversations/${id}`,
          _links: { self: { href: `http://parley.test${prefix}/conversations/${id}` } },
        })),
      },
    });
    expect(body._embedded.conversations.find((c) => c.uuid === created[0])?.name).toBe('legacy-0');
  });

  it('pages by record_index: next and prev links walk the same conversations as the v1 list', async () => {
    const ids = await v1Ids('desc');
    expect(ids.length).toBeGreaterThanOrEqual(5);
    const walked: string[] = [];
    let url: string | undefined = `${prefix}/conversations?page_size=2&order=desc`;
    let pages = 0;
    let last: { _links: { prev?: { href: string } }; record_index: number } | undefined;
    while (url) {
      const res: ApiResponse = await call('GET', url);
      expect(res.status).toBe(200);
      expect(res.body.count).toBe(res.body._embedded.conversations.length);
      expect(res.body.record_index).toBe(pages * 2);
      walked.push(...res.body._embedded.conversations.map((c: { uuid: string }) => c.uuid));
      if (pages > 0) expect(res.body._links.prev.href).toContain(`record_index=${(pages - 1) * 2}`);
      else expect(res.body._links.prev).toBeUndefined();
      const next: string | undefined = res.body._links.next?.href;
      url = next ? next.replace('http://parley.test', '') : undefined;
      last = res.body;
      pages += 1;
    }
    expect(walked).toEqual(ids);
    expect(pages).toBe(Math.ceil(ids.length / 2));
    expect(last?.record_index).toBe((pages - 1) * 2);

    const past = await call('GET', `${prefix}/conversations?record_index=${ids.length}`);
    expect(past.body).toMatchObject({ count: 0, record_index: ids.length, _embedded: { conversations: [] } });
    expect(past.body._links.next).toBeUndefined();
  });

  it('shows a user token only the conversations it is an INVITED or JOINED member of', async () => {
    const name = `legacy-user-${prefix.replace(/\W/g, '')}`;
    const user = (await call('POST', '/v1/users', { body: { name } })).body.id;
    const [joined, invited, left] = created;
    for (const [cid, state] of [
      [joined, 'joined'],
      [invited, 'invited'],
      [left, 'joined'],
    ])
      expect(
        (
          await call('POST', `/v1/conversations/${cid}/members`, {
            body: { state, user: { id: user }, channel: { type: 'app' } },
          })
        ).status,
      ).toBe(201);
    const leaving = (
      await call('GET', `/v1/conversations/${left}/members?page_size=100`)
    ).body._embedded.members.find(
      (m: { _embedded: { user: { id: string } } }) => m._embedded.user.id === user,
    );
    expect(
      (await call('PATCH', `/v1/conversations/${left}/members/${leaving.id}`, { body: { state: 'left' } }))
        .status,
    ).toBe(200);

    const token = await userToken(name);
    const res = await call('GET', `${prefix}/conversations`, { token });
    expect(res.status).toBe(200);
    expect(res.body._embedded.conversations.map((c: { uuid: string }) => c.uuid).sort()).toEqual(
      [joined, invited].sort(),
    );
    expect(res.body.count).toBe(2);
    expect(await v1Ids('asc', token)).toEqual(
      res.body._embedded.conversations.map((c: { uuid: string }) => c.uuid),
    );
  });

  it('refuses a bad record_index or page_size with the validation error, naming the field', async () => {
    for (const [query, field] of [
      ['record_index=-1', 'record_index'],
      ['record_index=ten', 'record_index'],
      ['record_index=10001', 'record_index'],
      ['page_size=0', 'page_size'],
      ['page_size=101', 'page_size'],
      ['cursor=abc', 'cursor'],
    ]) {
      const res = await call('GET', `${prefix}/conversations?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.code).toBe('http:error:validation-fail');
      expect(res.body.invalid_parameters.map((p: { name: string }) => p.name)).toEqual([field]);
    }
  });
});
