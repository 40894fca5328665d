import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../support/api.ts';
import type { TestServer } from '../support/server.ts';
import { basicAuth, jsonOf, startTwilioServer, type twilioClient, twilioFailure } from '../support/twilio.ts';

let server: TestServer;
let client: ReturnType<typeof twilioClient>;

beforeAll(async () => {
  ({ server, client } = await startTwilioServer());
});
afterAll(() => server.close());

describe('Twilio Conversations: users', () => {
  it('creates a user with a friendly name and attributes, fetches it by SID and by identity, updates and deletes it', async () => {
    // Prepare
    const identity = `user-${randomUUID()}`;
    // Act
    const created = await client.conversations.v1.users.create({
      identity,
      friendlyName: 'Alice',
      attributes: '{"tier":"pro"}',
    });
    const bySid = await client.conversations.v1.users(created.sid).fetch();
    const byIdentity = await client.conversations.v1.users(identity).fetch();
    const updated = await client.conversations.v1.users(identity).update({ friendlyName: 'Alice B.' });
    const vonage = await call('GET', `/v1/users/${identity}`);
    const removed = await client.conversations.v1.users(created.sid).remove();
    const gone = await twilioFailure(client.conversations.v1.users(identity).fetch());
    // Assess
    expect(created.sid).toMatch(/^US[0-9a-f]{32}$/);
    expect(created.identity).toBe(identity);
    expect(JSON.parse(created.attributes)).toEqual({ tier: 'pro' });
    expect(bySid.identity).toBe(identity);
    expect(byIdentity.sid).toBe(created.sid);
    expect(updated.friendlyName).toBe('Alice B.');
    expect(vonage.body).toMatchObject({ name: identity, display_name: 'Alice B.' });
    expect(vonage.body.properties.custom_data).toEqual({ tier: 'pro' });
    expect(removed).toBe(true);
    expect(gone).toMatchObject({ code: 20404, status: 404 });
  });

  it('refuses a taken identity with 50201 and a missing one with 400', async () => {
    // Prepare
    const identity = `taken-${randomUUID()}`;
    await client.conversations.v1.users.create({ identity });
    // Act
    const taken = await twilioFailure(client.conversations.v1.users.create({ identity }));
    const missing = await fetch(`${server.baseUrl}/twilio/v1/Users`, {
      method: 'POST',
      headers: { authorization: basicAuth(), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'FriendlyName=nobody',
    });
    // Assess
    expect(taken).toMatchObject({ code: 50201, status: 409 });
    expect(missing.status).toBe(400);
    expect((await jsonOf(missing)).message).toContain('Identity');
  });

  it("lists a user's conversations with unread counts and read state (only the conversations it takes part in)", async () => {
    // Prepare
    const reader = `reader-${randomUUID()}`;
    const writer = `writer-${randomUUID()}`;
    const mine = await client.conversations.v1.conversations.create({
      friendlyName: 'mine',
      uniqueName: `m-${randomUUID()}`,
    });
    const notMine = await client.conversations.v1.conversations.create({ friendlyName: 'not mine' });
    const participants = client.conversations.v1.conversations(mine.sid).participants;
    const readerParticipant = await participants.create({ identity: reader });
    await participants.create({ identity: writer });
    await client.conversations.v1.conversations(notMine.sid).participants.create({ identity: writer });
    const sent = [];
    for (const body of ['one', 'two', 'three'])
      sent.push(
        await client.conversations.v1.conversations(mine.sid).messages.create({ author: writer, body }),
      );
    // Act
    const before = await client.conversations.v1.users(reader).userConversations.list();
    await participants(readerParticipant.sid).update({ lastReadMessageIndex: sent[0].index });
    const after = await client.conversations.v1.users(reader).userConversations.list();
    const one = await client.conversations.v1.users(reader).userConversations(mine.sid).fetch();
    const participant = await participants(reader).fetch();
    // Assess
    expect(before.map((u) => [u.conversationSid, u.friendlyName, u.unreadMessagesCount])).toEqual([
      [mine.sid, 'mine', 3],
    ]);
    expect(after[0].unreadMessagesCount).toBe(2);
    expect(after[0].lastReadMessageIndex).toBe(sent[0].index);
    expect(after[0].participantSid).toBe(readerParticipant.sid);
    expect(one.unreadMessagesCount).toBe(2);
    expect(one.uniqueName).toBe(mine.uniqueName);
    expect(participant.lastReadMessageIndex).toBe(sent[0].index);
  });

  it('lists the conversations of an identity and of an address (ParticipantConversations)', async () => {
    // Prepare
    const identity = `pc-${randomUUID()}`;
    const address = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    const a = await client.conversations.v1.conversations.create({ friendlyName: 'a' });
    const b = await client.conversations.v1.conversations.create({ friendlyName: 'b' });
    await client.conversations.v1.conversations(a.sid).participants.create({ identity });
    await client.conversations.v1.conversations(b.sid).participants.create({ identity });
    await client.conversations.v1.conversations(b.sid).participants.create({
      'messagingBinding.address': address,
      'messagingBinding.proxyAddress': '+15550004444',
    });
    // Act
    const byIdentity = await client.conversations.v1.participantConversations.list({ identity });
    const byAddress = await client.conversations.v1.participantConversations.list({ address });
    const nobody = await client.conversations.v1.participantConversations.list({
      identity: `no-${randomUUID()}`,
    });
    // Assess
    expect(byIdentity.map((p) => p.conversationSid).sort()).toEqual([a.sid, b.sid].sort());
    expect(byIdentity[0].participantIdentity).toBe(identity);
    expect(byAddress.map((p) => [p.conversationSid, p.conversationFriendlyName])).toEqual([[b.sid, 'b']]);
    expect(byAddress[0].participantMessagingBinding).toMatchObject({
      address,
      proxy_address: '+15550004444',
    });
    expect(nobody).toEqual([]);
  });

  it('pages the users list', async () => {
    // Prepare
    for (let i = 0; i < 3; i++)
      await client.conversations.v1.users.create({ identity: `page-${randomUUID()}` });
    // Act
    const first = await client.conversations.v1.users.page({ pageSize: 2 });
    const second = await first.nextPage();
    // Assess
    expect(first.instances).toHaveLength(2);
    expect(second?.instances.length).toBeGreaterThan(0);
    const firstSids = first.instances.map((u) => u.sid);
    for (const u of second?.instances ?? []) expect(firstSids).not.toContain(u.sid);
  });
});
