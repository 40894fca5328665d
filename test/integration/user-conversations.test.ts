/**
 * A user's conversation list is read by the user id this process last saw for a name, and that id is
 * confirmed in the same batch as the conversations: a name that changed owner must never show the
 * previous owner's conversations.
 */
import { describe, expect, it } from 'vitest';
import { call } from '../support/api.ts';
import { userToken } from '../support/tokens.ts';

const newUser = async (name: string) => {
  const res = await call('POST', '/v1/users', { body: { name } });
  expect(res.status).toBe(201);
  return res.body.id as string;
};
/** A conversation the user has joined. */
const joinedConversation = async (userId: string, name: string) => {
  const cid = (await call('POST', '/v1/conversations', { body: { name } })).body.id as string;
  const member = await call('POST', `/v1/conversations/${cid}/members`, {
    body: { state: 'joined', user: { id: userId }, channel: { type: 'app' } },
  });
  expect(member.status).toBe(201);
  return cid;
};
const names = (res: { body: { _embedded: { conversations: { name: string }[] } } }) =>
  res.body._embedded.conversations.map((c) => c.name);

describe("a user's conversations", () => {
  it('follows a name to its new owner after the user was deleted and the name taken again', async () => {
    // Prepare: the first "gil", listed once so that this process knows its id
    const first = await newUser('gil');
    await joinedConversation(first, 'gil-first');
    const token = await userToken('gil');
    expect(names(await call('GET', '/v1/conversations', { token }))).toEqual(['gil-first']);
    expect(names(await call('GET', '/v1/users/gil/conversations'))).toEqual(['gil-first']);
    expect((await call('DELETE', `/v1/users/${first}`)).status).toBe(204);
    // Act: a new user takes the name
    const second = await newUser('gil');
    await joinedConversation(second, 'gil-second');
    // Assess
    expect(names(await call('GET', '/v1/conversations', { token }))).toEqual(['gil-second']);
    expect(names(await call('GET', '/v1/users/gil/conversations'))).toEqual(['gil-second']);
    expect(names(await call('GET', `/v1/users/${second}/conversations`, { token }))).toEqual(['gil-second']);
    expect(names(await call('GET', '/v1/users/gil/conversations', { token }))).toEqual(['gil-second']);
    const old = await call('GET', `/v1/users/${first}/conversations`);
    expect(old.status).toBe(404);
    expect(old.body.code).toBe('user:error:not-found');
  });

  it('follows a rename: the old name lists nothing, the new name lists the same conversations', async () => {
    const hal = await newUser('hal');
    await joinedConversation(hal, 'hal-talk');
    expect(names(await call('GET', '/v1/conversations', { token: await userToken('hal') }))).toEqual([
      'hal-talk',
    ]);
    expect((await call('PATCH', `/v1/users/${hal}`, { body: { name: 'hal-renamed' } })).status).toBe(200);
    const stale = await call('GET', '/v1/conversations', { token: await userToken('hal') });
    expect(stale.status).toBe(200);
    expect(names(stale)).toEqual([]);
    expect((await call('GET', '/v1/users/hal/conversations')).status).toBe(404);
    const renamed = await call('GET', '/v1/conversations', { token: await userToken('hal-renamed') });
    expect(names(renamed)).toEqual(['hal-talk']);
    // The name taken by someone else shows only theirs
    await newUser('hal');
    expect(names(await call('GET', '/v1/conversations', { token: await userToken('hal') }))).toEqual([]);
  });

  it("refuses a user token another user's list, and 404s a user that does not exist", async () => {
    const ivy = await newUser('ivy');
    const jon = await newUser('jon');
    await joinedConversation(jon, 'jon-only');
    const token = await userToken('ivy');
    expect((await call('GET', '/v1/conversations', { token })).status).toBe(200);
    const other = await call('GET', `/v1/users/${jon}/conversations`, { token });
    expect(other.status).toBe(403);
    expect((await call('GET', '/v1/users/jon/conversations', { token })).status).toBe(403);
    expect(names(await call('GET', `/v1/users/${ivy}/conversations`, { token }))).toEqual([]);
    const nobody = await call('GET', '/v1/users/USR-00000000-0000-4000-8000-000000000000/conversations');
    expect(nobody.status).toBe(404);
    expect((await call('GET', '/v1/users/nobody/conversations')).status).toBe(404);
  });
});
