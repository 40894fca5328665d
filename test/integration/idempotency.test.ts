import { randomUUID } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { db, tableName } from '../../functions/store/client.ts';
import { keys } from '../../functions/store/keys.ts';
import { type ApiResponse, type CallOptions, call } from '../support/api.ts';
import { userToken } from '../support/tokens.ts';

const keyed = (key: string, options: CallOptions = {}): CallOptions => ({
  ...options,
  headers: { ...options.headers, 'idempotency-key': key },
});

const record = async (scope: string, key: string) =>
  (await db().send(new GetCommand({ TableName: tableName(), Key: keys.idempotency(scope, key) }))).Item;

const text = (t: string) => ({ type: 'message', body: { message_type: 'text', text: t } });

const expectReplay = (first: ApiResponse, again: ApiResponse) => {
  expect(again.status).toBe(first.status);
  expect(again.text).toBe(first.text);
  expect(again.headers['idempotent-replayed']).toBe('true');
  expect(first.headers['idempotent-replayed']).toBeUndefined();
};

let n = 0;
/** A conversation with one JOINED user; its user token. */
const room = async () => {
  n++;
  const name = `idem-${n}-${randomUUID().slice(0, 8)}`;
  const user = (await call('POST', '/v1/users', { body: { name } })).body;
  const cid = (await call('POST', '/v1/conversations', { body: {} })).body.id as string;
  const member = (
    await call('POST', `/v1/conversations/${cid}/members`, {
      body: { state: 'joined', user: { id: user.id }, channel: { type: 'app' } },
    })
  ).body.id as string;
  return { cid, name, userId: user.id as string, member, token: await userToken(name) };
};

const eventCount = async (cid: string) =>
  ((await call('GET', `/v1/conversations/${cid}/events?page_size=100`)).body._embedded as unknown[]).length;

describe('Idempotency-Key', () => {
  describe('a retry with the same key and body', () => {
    it('replays the first status and body with Idempotent-Replayed, and writes once', async () => {
      const key = randomUUID();
      const body = { display_name: 'Once' };
      const first = await call('POST', '/v1/conversations', keyed(key, { body }));
      expect(first.status).toBe(201);
      const again = await call('POST', '/v1/conversations', keyed(key, { body }));
      expectReplay(first, again);
      // The name was generated once: a second execution would have made another conversation.
      const listed = await call('GET', '/v1/conversations?page_size=100');
      const mine = listed.body._embedded.conversations.filter((c: { id: string }) => c.id === first.body.id);
      expect(mine).toHaveLength(1);
    });

    it('replays every write route, each executed once', async () => {
      const r = await room();
      const other = await call('POST', '/v1/users', { body: { name: `other-${randomUUID()}` } });
      const posted = await call('POST', `/v1/conversations/${r.cid}/events`, { body: text('to delete') });
      const number = `4477009${String(Date.now()).slice(-5)}`;
      const routes: [string, string, unknown?][] = [
        ['POST', '/v1/users', { name: `u-${randomUUID()}` }],
        ['PATCH', `/v1/users/${other.body.id}`, { display_name: 'Changed' }],
        ['PUT', `/v1/conversations/${r.cid}`, { display_name: 'Renamed' }],
        [
          'POST',
          `/v1/conversations/${r.cid}/members`,
          { state: 'invited', user: { id: other.body.id }, channel: { type: 'app' } },
        ],
        ['POST', `/v1/conversations/${r.cid}/events`, text('hi')],
        ['DELETE', `/v1/conversations/${r.cid}/events/${posted.body.id}`],
        ['PATCH', `/v1/conversations/${r.cid}/members/${r.member}`, { state: 'left' }],
        ['PUT', `/v1/numbers/${number}`, { forward_to: '447700900001' }],
        ['DELETE', `/v1/numbers/${number}`],
        ['DELETE', `/v1/users/${other.body.id}`],
        ['DELETE', `/v1/conversations/${r.cid}`],
      ];
      const sequence = async () => (await call('GET', `/v1/conversations/${r.cid}`)).body.sequence_number;
      // A second run of any of these would answer otherwise (409, 404, another id or timestamp), and a
      // second run of a conversation's write would move its sequence number.
      for (const [method, path, body] of routes) {
        const key = randomUUID();
        const first = await call(method, path, keyed(key, { body }));
        expect(first.status, `${method} ${path}: ${first.text}`).toBeLessThan(300);
        const seq = await sequence();
        const again = await call(method, path, keyed(key, { body }));
        expectReplay(first, again);
        expect(await sequence()).toBe(seq);
      }
      expect((await call('GET', `/v1/conversations/${r.cid}`)).status).toBe(404);
    });
  });

  it('answers 422 to the same key with another body or another path, and writes nothing', async () => {
    const r = await room();
    const key = randomUUID();
    const first = await call('POST', `/v1/conversations/${r.cid}/events`, keyed(key, { body: text('a') }));
    expect(first.status).toBe(201);
    const before = await eventCount(r.cid);
    for (const [path, body] of [
      [`/v1/conversations/${r.cid}/events`, text('b')],
      ['/v1/conversations', {}],
    ] as const) {
      const res = await call('POST', path, keyed(key, { body }));
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({
        code: 'http:error:idempotency-key-reused',
        title: 'Unprocessable content.',
        type: expect.stringContaining('http:error:idempotency-key-reused'),
        detail: expect.any(String),
        instance: expect.any(String),
      });
    }
    expect(await eventCount(r.cid)).toBe(before);
  });

  it('scopes keys to the caller: the same key from another caller is its own request', async () => {
    const r = await room();
    const key = randomUUID();
    const admin = await call('POST', `/v1/conversations/${r.cid}/events`, keyed(key, { body: text('x') }));
    const user = await call(
      'POST',
      `/v1/conversations/${r.cid}/events`,
      keyed(key, { body: text('x'), token: r.token }),
    );
    expect(admin.status).toBe(201);
    expect(user.status).toBe(201);
    expect(user.headers['idempotent-replayed']).toBeUndefined();
    expect(user.body.id).toBe(admin.body.id + 1);
    expect(user.body.from).toBe(r.member);
    expect(await record('admin', key)).toBeDefined();
    expect(await record(`user:${r.name}`, key)).toBeDefined();
  });

  it('stores nothing for a refused write, so its retry runs again', async () => {
    const r = await room();
    const key = randomUUID();
    const body = { state: 'invited', user: { name: `later-${randomUUID()}` }, channel: { type: 'app' } };
    const refused = await call('POST', `/v1/conversations/${r.cid}/members`, keyed(key, { body }));
    expect(refused.status, refused.text).toBe(404);
    expect(await record('admin', key)).toBeUndefined();
    await call('POST', '/v1/users', { body: { name: body.user.name } });
    const retried = await call('POST', `/v1/conversations/${r.cid}/members`, keyed(key, { body }));
    expect(retried.status).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
  });

  it('executes concurrent requests with one key once; every one gets the same answer', async () => {
    const r = await room();
    const key = randomUUID();
    const before = await eventCount(r.cid);
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        call('POST', `/v1/conversations/${r.cid}/events`, keyed(key, { body: text('once') })),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(201));
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect(answers.filter((a) => a.headers['idempotent-replayed'] === 'true')).toHaveLength(7);
    expect(await eventCount(r.cid)).toBe(before + 1);

    const name = `racer-${randomUUID()}`;
    const userKey = randomUUID();
    const users = await Promise.all(
      Array.from({ length: 4 }, () => call('POST', '/v1/users', keyed(userKey, { body: { name } }))),
    );
    expect(users.map((u) => u.status)).toEqual([201, 201, 201, 201]);
    expect(new Set(users.map((u) => u.body.id)).size).toBe(1);
  });

  it('keeps a record 24 hours (TTL) and runs the request again once it expired', async () => {
    const r = await room();
    const key = randomUUID();
    const first = await call('POST', `/v1/conversations/${r.cid}/events`, keyed(key, { body: text('t') }));
    const stored = await record('admin', key);
    const ttl = Number(stored?.expiresAt) - Date.now() / 1000;
    expect(ttl).toBeGreaterThan(86_400 - 60);
    expect(ttl).toBeLessThanOrEqual(86_400);
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.idempotency('admin', key),
        UpdateExpression: 'SET expires_at = :past',
        ExpressionAttributeValues: { ':past': new Date(Date.now() - 1000).toISOString() },
      }),
    );
    const later = await call('POST', `/v1/conversations/${r.cid}/events`, keyed(key, { body: text('t') }));
    expect(later.status).toBe(201);
    expect(later.headers['idempotent-replayed']).toBeUndefined();
    expect(later.body.id).toBe(first.body.id + 1);
  });

  it('refuses a key that is not 1–255 visible ASCII characters with a 400 naming the header', async () => {
    for (const bad of ['', 'a b', 'é', 'k'.repeat(256)]) {
      const res = await call('POST', '/v1/conversations', keyed(bad, { body: {} }));
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.invalid_parameters).toEqual([{ name: 'Idempotency-Key', reason: expect.any(String) }]);
    }
    const quoted = await call('POST', '/v1/conversations', keyed('"abc-123"', { body: {} }));
    expect(quoted.status).toBe(201);
  });

  it('adds no item to a write sent without the header', async () => {
    const r = await room();
    const seen: unknown[] = [];
    const client = db();
    client.middlewareStack.add(
      (next) => async (args) => {
        seen.push(args.input);
        return next(args);
      },
      { step: 'initialize', name: 'idempotency-test-spy' },
    );
    try {
      const res = await call('POST', `/v1/conversations/${r.cid}/events`, { body: text('plain') });
      expect(res.status).toBe(201);
    } finally {
      client.middlewareStack.remove('idempotency-test-spy');
    }
    expect(JSON.stringify(seen)).toContain('EVT#');
    expect(JSON.stringify(seen)).not.toContain('IDEM#');
  });
});
