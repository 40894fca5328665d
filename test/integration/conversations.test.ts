import { describe, expect, it } from 'vitest';
import { type ApiResponse, call } from '../support/api.ts';
import { userToken } from '../support/tokens.ts';

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const create = (body: Record<string, unknown>) => call('POST', '/v1/conversations', { body });

/** Every conversation id in the table, read through the API. */
const allIds = async (): Promise<string[]> => {
  const ids: string[] = [];
  let url: string | undefined = '/v1/conversations?page_size=100';
  while (url) {
    const page: ApiResponse = await call('GET', url);
    expect(page.status).toBe(200);
    ids.push(...page.body._embedded.conversations.map((c: { id: string }) => c.id));
    url = page.body._links.next?.href.replace('http://parley.test', '');
  }
  return ids;
};

describe('conversations', () => {
  it('creates a conversation with a generated name and reads it back', async () => {
    const created = await create({ display_name: 'Nexmo Chat' });
    expect(created.status).toBe(201);
    expect(created.headers['content-type']).toBe('application/json');
    expect(created.body.id).toMatch(
      /^CON-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(created.body.name).toMatch(/^NAM-[0-9a-f-]{36}$/);
    expect(created.body.state).toBe('ACTIVE');
    expect(created.body.sequence_number).toBe(0);
    expect(created.body.timestamp.created).toMatch(ISO_MS);
    expect(created.body._links.self.href).toBe(`http://parley.test/v1/conversations/${created.body.id}`);
    const read = await call('GET', `/v1/conversations/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
  });

  it('keeps every field it was given', async () => {
    const body = {
      name: 'support-room',
      display_name: 'Support',
      image_url: 'https://example.com/room.png',
      properties: { ttl: 60, custom_data: { team: 'blue', nested: { n: 1 } } },
    };
    const created = await create(body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject(body);
    const read = await call('GET', `/v1/conversations/${created.body.id}/`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject(body);
  });

  it('refuses a duplicate name with 409 and writes nothing', async () => {
    const first = await create({ name: 'unique-once' });
    expect(first.status).toBe(201);
    const before = await allIds();
    const second = await create({ name: 'unique-once', display_name: 'again' });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({
      title: 'Conflict.',
      code: 'conversation:error:duplicate-name',
      type: 'https://developer.nexmo.com/api/conversation#conversation:error:duplicate-name',
    });
    expect(typeof second.body.instance).toBe('string');
    expect(await allIds()).toEqual(before);
  });

  it('answers 404 conversation:error:not-found for an unknown id, on every method', async () => {
    const missing = 'CON-00000000-0000-4000-8000-000000000000';
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await call(method, `/v1/conversations/${missing}`, method === 'PUT' ? { body: {} } : {});
      expect(res.status, method).toBe(404);
      expect(res.body.code).toBe('conversation:error:not-found');
      expect(res.body.detail).toBe('Conversation does not exist, or you do not have access.');
    }
  });

  it('updates with PUT: fields sent replace, others stay, properties merge, updated is set', async () => {
    const created = await create({
      name: 'to-update',
      display_name: 'Before',
      properties: { ttl: 10, custom_data: { a: 1 } },
    });
    const updated = await call('PUT', `/v1/conversations/${created.body.id}`, {
      body: { display_name: 'After', properties: { custom_data: { b: 2 } } },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      id: created.body.id,
      name: 'to-update',
      display_name: 'After',
      properties: { ttl: 10, custom_data: { b: 2 } },
    });
    expect(updated.body.timestamp.created).toBe(created.body.timestamp.created);
    expect(updated.body.timestamp.updated).toMatch(ISO_MS);
    const read = await call('GET', `/v1/conversations/${created.body.id}`);
    expect(read.body).toEqual(updated.body);
  });

  it('renames: the old name is free again, a taken name is a 409 that changes nothing', async () => {
    const a = await create({ name: 'rename-a' });
    const b = await create({ name: 'rename-b' });
    const clash = await call('PUT', `/v1/conversations/${a.body.id}`, {
      body: { name: 'rename-b', display_name: 'should not stick' },
    });
    expect(clash.status).toBe(409);
    expect(clash.body.code).toBe('conversation:error:duplicate-name');
    expect((await call('GET', `/v1/conversations/${a.body.id}`)).body).toEqual(a.body);

    const renamed = await call('PUT', `/v1/conversations/${a.body.id}`, { body: { name: 'rename-c' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('rename-c');
    const reuse = await create({ name: 'rename-a' });
    expect(reuse.status).toBe(201);
    const taken = await create({ name: 'rename-c' });
    expect(taken.status).toBe(409);
    expect(b.status).toBe(201);
  });

  it('deletes with 204, after which the conversation and its name are gone', async () => {
    const created = await create({ name: 'short-lived' });
    const deleted = await call('DELETE', `/v1/conversations/${created.body.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect((await call('GET', `/v1/conversations/${created.body.id}`)).status).toBe(404);
    expect(await allIds()).not.toContain(created.body.id);
    expect((await create({ name: 'short-lived' })).status).toBe(201);
    expect((await call('DELETE', `/v1/conversations/${created.body.id}/`)).status).toBe(404);
  });

  it('accepts a trailing slash on the collection', async () => {
    const created = await call('POST', '/v1/conversations/', { body: { display_name: 'slash' } });
    expect(created.status).toBe(201);
    const list = await call('GET', '/v1/conversations/?page_size=100');
    expect(list.status).toBe(200);
    expect(list.body._embedded.conversations.map((c: { id: string }) => c.id)).toContain(created.body.id);
  });

  it('lists conversation_lite items for an admin', async () => {
    const created = await create({ display_name: 'listed', image_url: 'https://example.com/i.png' });
    const list = await call('GET', '/v1/conversations?page_size=100');
    const item = list.body._embedded.conversations.find((c: { id: string }) => c.id === created.body.id);
    expect(item).toEqual({
      id: created.body.id,
      name: created.body.name,
      display_name: 'listed',
      image_url: 'https://example.com/i.png',
      timestamp: created.body.timestamp,
      _links: { self: { href: `http://parley.test/v1/conversations/${created.body.id}` } },
    });
    expect(list.body.page_size).toBe(100);
  });

  it('lists nothing for a user token of a user that is a member of nothing', async () => {
    await create({ display_name: 'not yours' });
    const user = await call('POST', '/v1/users', { body: { name: 'lonely' } });
    expect(user.status).toBe(201);
    const list = await call('GET', '/v1/conversations', { token: await userToken('lonely') });
    expect(list.status).toBe(200);
    expect(list.body._embedded.conversations).toEqual([]);
    expect(list.body._links.next).toBeUndefined();
  });

  it('lets a user token create and read a conversation', async () => {
    const token = await userToken('lonely');
    const created = await call('POST', '/v1/conversations', { token, body: { display_name: 'mine' } });
    expect(created.status).toBe(201);
    expect((await call('GET', `/v1/conversations/${created.body.id}`, { token })).status).toBe(200);
  });
});
