/**
 * The official Vonage Node SDK (v3), unmodified, pointed at Parley with `apiHost`: every call below is
 * what an application built on Vonage does, with the token the SDK mints itself from the private key.
 */
import { Auth } from '@vonage/auth';
import { Vonage } from '@vonage/server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetConfig } from '../../functions/config.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { testApplication } from '../support/tokens.ts';

let server: TestServer;
let vonage: Vonage;

/** The status and Vonage error body of a failed SDK call. */
const failure = async (promise: Promise<unknown>) => {
  const error = (await promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  )) as { response?: Response };
  expect(error.response, String(error)).toBeDefined();
  const response = error.response as Response;
  return { status: response.status, body: (await response.json()) as { code: string; detail: string } };
};

beforeAll(async () => {
  server = await startTestServer();
  process.env.PUBLIC_BASE_URL = server.baseUrl;
  resetConfig();
  vonage = new Vonage(
    new Auth({ applicationId: testApplication.applicationId, privateKey: testApplication.privateKeyPem }),
    { apiHost: server.baseUrl },
  );
});

afterAll(async () => {
  await server.close();
  process.env.PUBLIC_BASE_URL = 'http://parley.test';
  resetConfig();
});

describe('@vonage/server-sdk conversations', () => {
  it('creates, reads, updates and deletes a conversation', async () => {
    const created = await vonage.conversations.createConversation({
      name: 'sdk-room',
      displayName: 'SDK Room',
      imageUrl: 'https://example.com/room.png',
      properties: { ttl: 120, customData: { team: 'blue' } } as never,
    });
    const id = created.id as string;
    expect(created.id).toMatch(/^CON-/);
    expect(created).toMatchObject({
      name: 'sdk-room',
      displayName: 'SDK Room',
      imageUrl: 'https://example.com/room.png',
      state: 'ACTIVE',
      sequenceNumber: 0,
      properties: { ttl: 120, customData: { team: 'blue' } },
    });

    const read = await vonage.conversations.getConversation(id);
    expect(read).toEqual(created);

    // The usual SDK flow: change the object you read and send it back.
    const updated = await vonage.conversations.updateConversation({ ...read, displayName: 'Renamed Room' });
    expect(updated.displayName).toBe('Renamed Room');
    expect(updated.properties).toEqual({ ttl: 120, customData: { team: 'blue' } });
    expect(updated.timestamp?.updated).toBeDefined();
    expect((await vonage.conversations.getConversation(id)).displayName).toBe('Renamed Room');

    await vonage.conversations.deleteConversation(id);
    const gone = await failure(vonage.conversations.getConversation(id));
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('conversation:error:not-found');
  });

  it('lists every conversation, walking all pages with its own iterator', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++)
      ids.push((await vonage.conversations.createConversation({ displayName: `page ${i}` })).id as string);
    const seen: string[] = [];
    for await (const c of vonage.conversations.listAllConversations({ pageSize: 2 }))
      seen.push(c.id as string);
    expect(seen).toHaveLength(new Set(seen).size);
    expect(seen).toEqual(expect.arrayContaining(ids));
    const desc: string[] = [];
    for await (const c of vonage.conversations.listAllConversations({ pageSize: 3, order: 'desc' } as never))
      desc.push(c.id as string);
    expect(desc).toEqual([...seen].reverse());
  });

  it('gets conversation:error:duplicate-name for a taken name', async () => {
    await vonage.conversations.createConversation({ name: 'sdk-taken' });
    const dup = await failure(vonage.conversations.createConversation({ name: 'sdk-taken' }));
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('conversation:error:duplicate-name');
  });

  it('gets conversation:error:not-found for a missing id', async () => {
    const missing = 'CON-00000000-0000-4000-8000-000000000000';
    const res = await failure(vonage.conversations.getConversation(missing));
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('conversation:error:not-found');
    expect((await failure(vonage.conversations.deleteConversation(missing))).status).toBe(404);
  });
});

describe('@vonage/server-sdk users', () => {
  it('creates, reads (by id and name), updates and deletes a user', async () => {
    const created = await vonage.users.createUser({
      name: 'sdk-alice',
      displayName: 'Alice',
      imageUrl: 'https://example.com/alice.png',
      properties: { customData: { plan: 'gold' } },
      channels: { websocket: [{ uri: 'wss://example.com/socket', contentType: 'audio/l16;rate=16000' }] },
    } as never);
    expect(created.id).toMatch(/^USR-/);
    expect(created).toMatchObject({
      name: 'sdk-alice',
      displayName: 'Alice',
      properties: { customData: { plan: 'gold' } },
      channels: { websocket: [{ uri: 'wss://example.com/socket', contentType: 'audio/l16;rate=16000' }] },
    });
    expect(await vonage.users.getUser(created.id as string)).toEqual(created);
    expect(await vonage.users.getUser('sdk-alice')).toEqual(created);

    // The usual SDK flow: change the user you read (timestamp and all) and send it back.
    const updated = await vonage.users.updateUser({ ...created, displayName: 'Alice A.' });
    expect(updated.displayName).toBe('Alice A.');
    expect(updated.properties?.customData).toEqual({ plan: 'gold' });
    expect((await vonage.users.getUser(created.id as string)).displayName).toBe('Alice A.');

    await vonage.users.deleteUser(created.id as string);
    const gone = await failure(vonage.users.getUser(created.id as string));
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('user:error:not-found');
  });

  it('lists every user, walking all pages with its own iterator', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await vonage.users.createUser({ name: `sdk-user-${i}` })).id as string);
    const seen: string[] = [];
    for await (const u of vonage.users.listAllUsers({ pageSize: 2 })) seen.push(u.id as string);
    expect(seen).toHaveLength(new Set(seen).size);
    expect(seen).toEqual(expect.arrayContaining(ids));
    const page = await vonage.users.getUserPage({ name: 'sdk-user-3' });
    expect(page._embedded?.users.map((u) => u.id)).toEqual([ids[3]]);
  });

  it('gets user:error:duplicate-name for a taken name and user:error:not-found for a missing id', async () => {
    await vonage.users.createUser({ name: 'sdk-bob' });
    const dup = await failure(vonage.users.createUser({ name: 'sdk-bob' }));
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('user:error:duplicate-name');
    const missing = await failure(vonage.users.getUser('USR-00000000-0000-4000-8000-000000000000'));
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('user:error:not-found');
  });
});
