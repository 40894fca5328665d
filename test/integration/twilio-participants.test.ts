import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../support/api.ts';
import type { TestServer } from '../support/server.ts';
import { parleyIdOf, startTwilioServer, type twilioClient, twilioFailure } from '../support/twilio.ts';

let server: TestServer;
let client: ReturnType<typeof twilioClient>;

beforeAll(async () => {
  ({ server, client } = await startTwilioServer());
});
afterAll(() => server.close());

/** A phone number no other test uses. */
const phone = () => `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;

const conversation = () => client.conversations.v1.conversations.create({ friendlyName: 'participants' });

describe('Twilio Conversations: participants', () => {
  it('adds a chat participant by identity (its user made on first use) and a non-chat one by address', async () => {
    // Prepare
    const c = await conversation();
    const identity = `alice-${randomUUID()}`;
    const address = phone();
    // Act
    const chat = await client.conversations.v1.conversations(c.sid).participants.create({ identity });
    const sms = await client.conversations.v1.conversations(c.sid).participants.create({
      'messagingBinding.address': address,
      'messagingBinding.proxyAddress': '+15550009999',
    });
    const listed = await client.conversations.v1.conversations(c.sid).participants.list();
    const user = await client.conversations.v1.users(identity).fetch();
    // Assess
    expect(chat.sid).toMatch(/^MB[0-9a-f]{32}$/);
    expect(chat.identity).toBe(identity);
    expect(chat.messagingBinding).toBeNull();
    expect(chat.conversationSid).toBe(c.sid);
    expect(sms.identity).toBeNull();
    expect(sms.messagingBinding).toEqual({ type: 'sms', address, proxy_address: '+15550009999' });
    expect(listed.map((p) => p.sid).sort()).toEqual([chat.sid, sms.sid].sort());
    expect(user.identity).toBe(identity);
  });

  it('shows the participants as JOINED members through /v1', async () => {
    // Prepare
    const c = await conversation();
    const identity = `bob-${randomUUID()}`;
    const chat = await client.conversations.v1.conversations(c.sid).participants.create({ identity });
    // Act
    const member = await call(
      'GET',
      `/v1/conversations/${parleyIdOf('CON', c.sid)}/members/${parleyIdOf('MEM', chat.sid)}`,
    );
    // Assess
    expect(member.status).toBe(200);
    expect(member.body.state).toBe('JOINED');
    expect(member.body._embedded.user.name).toBe(identity);
    expect(member.body.channel.type).toBe('app');
  });

  it('fetches a participant by SID and by identity, and removes it', async () => {
    // Prepare
    const c = await conversation();
    const identity = `carol-${randomUUID()}`;
    const chat = await client.conversations.v1.conversations(c.sid).participants.create({ identity });
    // Act
    const bySid = await client.conversations.v1.conversations(c.sid).participants(chat.sid).fetch();
    const byIdentity = await client.conversations.v1.conversations(c.sid).participants(identity).fetch();
    const removed = await client.conversations.v1.conversations(c.sid).participants(identity).remove();
    const after = await client.conversations.v1.conversations(c.sid).participants.list();
    const gone = await twilioFailure(
      client.conversations.v1.conversations(c.sid).participants(chat.sid).fetch(),
    );
    // Assess
    expect(bySid.identity).toBe(identity);
    expect(byIdentity.sid).toBe(chat.sid);
    expect(removed).toBe(true);
    expect(after).toEqual([]);
    expect(gone).toMatchObject({ code: 50432, status: 404 });
  });

  it('refuses a second participant of the same identity with 50433', async () => {
    // Prepare
    const c = await conversation();
    const identity = `dave-${randomUUID()}`;
    await client.conversations.v1.conversations(c.sid).participants.create({ identity });
    // Act
    const twice = await twilioFailure(
      client.conversations.v1.conversations(c.sid).participants.create({ identity }),
    );
    // Assess
    expect(twice).toMatchObject({ code: 50433, status: 409 });
  });

  it('allows one active conversation per address and proxy address: 50416 names the one that holds it', async () => {
    // Prepare
    const first = await conversation();
    const second = await conversation();
    const address = phone();
    const binding = { 'messagingBinding.address': address, 'messagingBinding.proxyAddress': '+15550001111' };
    const held = await client.conversations.v1.conversations(first.sid).participants.create(binding);
    // Act
    const refused = await twilioFailure(
      client.conversations.v1.conversations(second.sid).participants.create(binding),
    );
    const otherProxy = await client.conversations.v1.conversations(second.sid).participants.create({
      ...binding,
      'messagingBinding.proxyAddress': '+15550002222',
    });
    const inSecond = await client.conversations.v1.conversations(second.sid).participants.list();
    // Once the first participant is removed, the pair is free.
    await client.conversations.v1.conversations(first.sid).participants(held.sid).remove();
    const third = await conversation();
    const moved = await client.conversations.v1.conversations(third.sid).participants.create(binding);
    // Assess
    expect(refused).toMatchObject({ code: 50416, status: 409 });
    expect(refused.message).toBe(
      `A binding for this participant and proxy address already exists in Conversation ${first.sid}`,
    );
    expect(inSecond.map((p) => p.sid)).toEqual([otherProxy.sid]);
    expect(moved.messagingBinding).toMatchObject({ address, proxy_address: '+15550001111' });
  });

  it('frees a binding when its conversation is deleted', async () => {
    // Prepare
    const first = await conversation();
    const binding = { 'messagingBinding.address': phone(), 'messagingBinding.proxyAddress': '+15550003333' };
    await client.conversations.v1.conversations(first.sid).participants.create(binding);
    await client.conversations.v1.conversations(first.sid).remove();
    const second = await conversation();
    // Act
    const added = await client.conversations.v1.conversations(second.sid).participants.create(binding);
    // Assess
    expect(added.conversationSid).toBe(second.sid);
  });

  it('refuses a participant without identity or address, and one in a conversation that is not there', async () => {
    // Prepare
    const c = await conversation();
    // Act
    const neither = await twilioFailure(client.conversations.v1.conversations(c.sid).participants.create({}));
    const noProxy = await twilioFailure(
      client.conversations.v1
        .conversations(c.sid)
        .participants.create({ 'messagingBinding.address': phone() }),
    );
    const nowhere = await twilioFailure(
      client.conversations.v1.conversations(`CH${'0'.repeat(32)}`).participants.create({ identity: 'erin' }),
    );
    // Assess
    expect(neither).toMatchObject({ code: 20001, status: 400 });
    expect(noProxy.message).toContain('ProxyAddress');
    expect(nowhere).toMatchObject({ code: 20404, status: 404 });
  });
});
