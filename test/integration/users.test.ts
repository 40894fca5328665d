import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { db, tableName } from '../../functions/store/client.ts';
import { keys } from '../../functions/store/keys.ts';
import { type ApiResponse, call } from '../support/api.ts';
import { userToken } from '../support/tokens.ts';

const createUser = (body: Record<string, unknown>, token?: string) =>
  call('POST', '/v1/users', { body, ...(token ? { token } : {}) });

const allUserIds = async (): Promise<string[]> => {
  const ids: string[] = [];
  let url: string | undefined = '/v1/users?page_size=100';
  while (url) {
    const page: ApiResponse = await call('GET', url);
    ids.push(...page.body._embedded.users.map((u: { id: string }) => u.id));
    url = page.body._links.next?.href.replace('http://parley.test', '');
  }
  return ids;
};

describe('users', () => {
  it('creates a user with 201 and every field, readable by id and by name', async () => {
    const body = {
      name: 'alice',
      display_name: 'Alice',
      image_url: 'https://example.com/alice.png',
      properties: { custom_data: { plan: 'gold' } },
      channels: { pstn: [{ number: 447700900000 }], websocket: [{ uri: 'wss://example.com/ws' }] },
    };
    const created = await createUser(body);
    expect(created.status).toBe(201);
    expect(created.body.id).toMatch(/^USR-[0-9a-f-]{36}$/);
    expect(created.body).toMatchObject(body);
    expect(created.body._links.self.href).toBe(`http://parley.test/v1/users/${created.body.id}`);
    const byId = await call('GET', `/v1/users/${created.body.id}`);
    expect(byId.status).toBe(200);
    expect(byId.body).toEqual(created.body);
    const byName = await call('GET', '/v1/users/alice/');
    expect(byName.status).toBe(200);
    expect(byName.body).toEqual(created.body);
  });

  it('names a user without a name after nothing it can collide with', async () => {
    const created = await createUser({ display_name: 'Anonymous' });
    expect(created.status).toBe(201);
    expect(typeof created.body.name).toBe('string');
    expect(created.body.name.length).toBeGreaterThan(0);
    expect((await call('GET', `/v1/users/${created.body.id}`)).body.name).toBe(created.body.name);
  });

  it('refuses a duplicate name with 409 user:error:duplicate-name and writes nothing', async () => {
    expect((await createUser({ name: 'bob' })).status).toBe(201);
    const before = await allUserIds();
    const dup = await createUser({ name: 'bob', display_name: 'Other Bob' });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ code: 'user:error:duplicate-name', title: 'Conflict.' });
    expect(await allUserIds()).toEqual(before);
  });

  it.each(['me', 'USR-123', 'USR-00000000-0000-4000-8000-000000000000'])(
    'refuses the name %s (§2.2) and writes nothing',
    async (name) => {
      const before = await allUserIds();
      const res = await createUser({ name });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('user:error:invalid-user-name');
      expect(await allUserIds()).toEqual(before);
    },
  );

  it('needs an admin token to create a user', async () => {
    const res = await createUser({ name: 'sneaky' }, await userToken('bob'));
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('system:error:permission');
    expect((await call('GET', '/v1/users/sneaky')).status).toBe(404);
  });

  it('answers 404 user:error:not-found for an unknown id or name', async () => {
    for (const ref of ['USR-00000000-0000-4000-8000-000000000000', 'nobody']) {
      for (const method of ['GET', 'PATCH', 'DELETE']) {
        const res = await call(method, `/v1/users/${ref}`, method === 'PATCH' ? { body: {} } : {});
        expect(res.status, `${method} ${ref}`).toBe(404);
        expect(res.body.code).toBe('user:error:not-found');
      }
    }
  });

  it('updates with PATCH: fields sent change, properties merge, the name moves', async () => {
    const created = await createUser({
      name: 'carol',
      display_name: 'Carol',
      properties: { custom_data: { a: 1 } },
    });
    const patched = await call('PATCH', `/v1/users/${created.body.id}`, {
      body: { name: 'caroline', image_url: 'https://example.com/c.png' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      id: created.body.id,
      name: 'caroline',
      display_name: 'Carol',
      image_url: 'https://example.com/c.png',
      properties: { custom_data: { a: 1 } },
    });
    expect(patched.body.timestamp.updated).toBeDefined();
    expect((await call('GET', '/v1/users/caroline')).body).toEqual(patched.body);
    expect((await call('GET', '/v1/users/carol')).status).toBe(404);
    expect((await createUser({ name: 'carol' })).status).toBe(201);
  });

  it('builds a PATCH or a DELETE on the user as stored, not on a copy that is behind it', async () => {
    // Prepare: the user item changes behind Parley's back, as a write the index has not caught up with
    // would look: the copy on the user's index entry still holds the old display name and version.
    const id = (await createUser({ name: 'ivy', display_name: 'Ivy' })).body.id;
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.user(id),
        UpdateExpression: 'SET display_name = :d, image_url = :i, updatedAt = :v, #t.updated = :v',
        ExpressionAttributeNames: { '#t': 'timestamp' },
        ExpressionAttributeValues: {
          ':d': 'Ivy B.',
          ':i': 'https://example.com/ivy.png',
          ':v': '2030-01-01T00:00:00.000Z',
        },
      }),
    );

    // Act
    const patched = await call('PATCH', `/v1/users/${id}`, {
      body: { properties: { custom_data: { a: 1 } } },
    });

    // Assess: the answer and the store keep the change made behind the copy's back.
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      display_name: 'Ivy B.',
      image_url: 'https://example.com/ivy.png',
      properties: { custom_data: { a: 1 } },
    });
    expect((await call('GET', `/v1/users/${id}`)).body).toMatchObject({ display_name: 'Ivy B.' });
    expect((await call('GET', '/v1/users/ivy')).body).toMatchObject({ display_name: 'Ivy B.' });

    // A delete behind a change the copy has not seen still deletes the user and frees its name.
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.user(id),
        UpdateExpression: 'SET updatedAt = :v, #t.updated = :v',
        ExpressionAttributeNames: { '#t': 'timestamp' },
        ExpressionAttributeValues: { ':v': '2031-01-01T00:00:00.000Z' },
      }),
    );
    expect((await call('DELETE', `/v1/users/${id}`)).status).toBe(204);
    expect((await call('GET', `/v1/users/${id}`)).status).toBe(404);
    expect((await call('GET', '/v1/users/ivy')).status).toBe(404);
  });

  it('refuses a rename onto a taken name or an invalid name, changing nothing', async () => {
    const dave = await createUser({ name: 'dave', display_name: 'Dave' });
    await createUser({ name: 'erin' });
    const clash = await call('PATCH', `/v1/users/${dave.body.id}`, {
      body: { name: 'erin', display_name: 'X' },
    });
    expect(clash.status).toBe(409);
    expect(clash.body.code).toBe('user:error:duplicate-name');
    const bad = await call('PATCH', `/v1/users/${dave.body.id}`, { body: { name: 'me' } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('user:error:invalid-user-name');
    expect((await call('GET', `/v1/users/${dave.body.id}`)).body).toEqual(dave.body);
    expect((await call('GET', '/v1/users/dave')).body).toEqual(dave.body);
  });

  it('lets a user token PATCH its own user but not another one', async () => {
    const frank = await createUser({ name: 'frank' });
    const grace = await createUser({ name: 'grace', display_name: 'Grace' });
    const token = await userToken('frank');
    const own = await call('PATCH', `/v1/users/${frank.body.id}`, {
      token,
      body: { display_name: 'Franky' },
    });
    expect(own.status).toBe(200);
    expect(own.body.display_name).toBe('Franky');
    const ownByName = await call('PATCH', '/v1/users/frank', { token, body: { display_name: 'Frank' } });
    expect(ownByName.status).toBe(200);
    const other = await call('PATCH', `/v1/users/${grace.body.id}`, {
      token,
      body: { display_name: 'Hacked' },
    });
    expect(other.status).toBe(403);
    expect(other.body.code).toBe('system:error:permission');
    expect((await call('GET', `/v1/users/${grace.body.id}`)).body.display_name).toBe('Grace');
  });

  it('deletes with 204 (admin only), freeing the name', async () => {
    const heidi = await createUser({ name: 'heidi' });
    const asUser = await call('DELETE', `/v1/users/${heidi.body.id}`, { token: await userToken('heidi') });
    expect(asUser.status).toBe(403);
    expect((await call('GET', `/v1/users/${heidi.body.id}`)).status).toBe(200);
    const deleted = await call('DELETE', '/v1/users/heidi');
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect((await call('GET', `/v1/users/${heidi.body.id}`)).status).toBe(404);
    expect((await call('GET', '/v1/users/heidi')).status).toBe(404);
    expect(await allUserIds()).not.toContain(heidi.body.id);
    expect((await createUser({ name: 'heidi' })).status).toBe(201);
  });

  it('lists user_lite items, filtered by name', async () => {
    const ivan = await createUser({
      name: 'ivan',
      display_name: 'Ivan',
      properties: { custom_data: { x: 1 } },
    });
    const list = await call('GET', '/v1/users?name=ivan');
    expect(list.status).toBe(200);
    expect(list.body._embedded.users).toEqual([
      {
        id: ivan.body.id,
        name: 'ivan',
        display_name: 'Ivan',
        _links: { self: { href: `http://parley.test/v1/users/${ivan.body.id}` } },
      },
    ]);
    expect(list.body._links.next).toBeUndefined();
    expect(list.body._links.self.href).toContain('name=ivan');
    const none = await call('GET', '/v1/users?name=nobody-at-all');
    expect(none.status).toBe(200);
    expect(none.body._embedded.users).toEqual([]);
  });

  it('finds users whose names need URL encoding', async () => {
    for (const name of ['jo smith', '100%', 'zoë', 'a+b']) {
      const created = await createUser({ name });
      expect(created.status, name).toBe(201);
      const read = await call('GET', `/v1/users/${encodeURIComponent(name)}`);
      expect(read.status, name).toBe(200);
      expect(read.body.id).toBe(created.body.id);
    }
  });

  it('lets a user token read its own user, and leaves listing users to admins', async () => {
    const token = await userToken('ivan');
    expect((await call('GET', '/v1/users/ivan', { token })).status).toBe(200);
    const list = await call('GET', '/v1/users', { token });
    expect(list.status).toBe(403);
    expect(list.body.code).toBe('system:error:permission');
  });
});
