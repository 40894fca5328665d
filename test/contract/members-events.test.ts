/**
 * The official Vonage Node SDK (`@vonage/server-sdk` v3, `apiHost`) against the dev server: members and
 * events as an SDK user sees them.
 */
import { Auth } from '@vonage/auth';
import { type Event, EventType, MemberState } from '@vonage/conversations';
import { Vonage } from '@vonage/server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetConfig } from '../../functions/config.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { testApplication } from '../support/tokens.ts';

let server: TestServer;
let admin: Vonage;
const sdk = (jwtOptions?: Record<string, unknown>) =>
  new Vonage(
    new Auth({
      applicationId: testApplication.applicationId,
      privateKey: testApplication.privateKeyPem,
      ...(jwtOptions ? { jwtOptions } : {}),
    }),
    { apiHost: server.baseUrl },
  );

beforeAll(async () => {
  server = await startTestServer();
  process.env.PUBLIC_BASE_URL = server.baseUrl;
  resetConfig();
  admin = sdk();
});

afterAll(async () => {
  await server.close();
});

const collect = async <T>(it: AsyncGenerator<T, unknown, undefined>): Promise<T[]> => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};

describe('SDK contract: members and events', () => {
  let conversationId: string;
  const users: { id: string; name: string }[] = [];
  const memberIds: string[] = [];

  beforeAll(async () => {
    const conversation = await admin.conversations.createConversation({ displayName: 'SDK room' } as never);
    conversationId = conversation.id as string;
    for (let i = 0; i < 5; i++) {
      const user = await admin.users.createUser({ name: `sdk-user-${i}` } as never);
      users.push({ id: user.id as string, name: user.name as string });
    }
  });

  it('creates members (joined and invited) and reads them back', async () => {
    for (const [i, u] of users.entries()) {
      const member = await admin.conversations.createMember(conversationId, {
        state: i < 4 ? MemberState.JOINED : MemberState.INVITED,
        user: { id: u.id },
        channel: { type: 'app' },
      } as never);
      expect(member.id).toMatch(/^MEM-/);
      expect(member.state).toBe(i < 4 ? 'JOINED' : 'INVITED');
      expect(member.user).toMatchObject({ id: u.id, name: u.name });
      memberIds.push(member.id as string);
    }
    const got = await admin.conversations.getMember(conversationId, memberIds[0]);
    expect(got).toMatchObject({
      id: memberIds[0],
      conversationId,
      state: 'JOINED',
      user: { id: users[0].id },
    });
    expect(got.initiator).toEqual({ joined: { isSystem: true } });
  });

  it('lists members through the iterator across several pages', async () => {
    const page = await admin.conversations.getMemberPage(conversationId, { pageSize: 2 });
    expect(page.members).toHaveLength(2);
    expect(page.links?.next?.href).toContain(server.baseUrl);
    const all = await collect(admin.conversations.listAllMembers(conversationId, { pageSize: 2 }));
    expect(all.map((m) => m.id).sort()).toEqual([...memberIds].sort());
  });

  it('resolves getMe from a user token and lets the invited member join, then leave', async () => {
    const invited = sdk({ sub: users[4].name, acl: { paths: { '/*/conversations/**': {} } } });
    const me = await invited.conversations.getMe(conversationId);
    expect(me.id).toBe(memberIds[4]);
    const joined = await invited.conversations.updateMember(conversationId, memberIds[4], {
      state: MemberState.JOINED,
    } as never);
    expect(joined.state).toBe('JOINED');
    const left = await admin.conversations.updateMember(conversationId, memberIds[4], {
      state: MemberState.LEFT,
      reason: { code: 'done', text: 'bye' },
    } as never);
    expect(left.state).toBe('LEFT');
  });

  it('creates events, gets one, lists them with the iterator and deletes one', async () => {
    const alice = sdk({ sub: users[0].name, acl: { paths: { '/*/conversations/**': {} } } });
    const created: Event[] = [];
    for (let i = 0; i < 3; i++)
      created.push(
        await alice.conversations.createEvent(conversationId, {
          type: EventType.MESSAGE,
          body: { messageType: 'text', text: `hello ${i}` },
        } as never),
      );
    expect(created[0]).toMatchObject({
      type: 'message',
      from: memberIds[0],
      body: { messageType: 'text', text: 'hello 0' },
      fromMember: { id: memberIds[0] },
      fromUser: { id: users[0].id, name: users[0].name },
    });
    const ids = created.map((e) => e.id);
    expect(ids[1]).toBe(ids[0] + 1);
    expect(ids[2]).toBe(ids[0] + 2);

    const custom = await admin.conversations.createEvent(conversationId, {
      type: 'custom:sdk',
      from: memberIds[1],
      body: { anything: 'goes' },
    } as never);
    expect(custom.fromMember).toEqual({ id: memberIds[1] });

    const got = await admin.conversations.getEvent(conversationId, String(ids[1]));
    expect(got).toMatchObject({ id: ids[1], type: 'message', body: { text: 'hello 1' } });

    const page = await admin.conversations.getEventPage(conversationId, { pageSize: 3 });
    expect(page.events).toHaveLength(3);
    const all = await collect(admin.conversations.listAllEvents(conversationId, { pageSize: 3 }));
    const conversation = await admin.conversations.getConversation(conversationId);
    expect(all.map((e) => e.id)).toEqual(
      Array.from({ length: conversation.sequenceNumber as number }, (_, i) => i + 1),
    );
    const types = all.map((e) => e.type as string);
    expect(types.filter((t) => t === 'member:joined')).toHaveLength(5);
    expect(types).toContain('member:invited');
    expect(types).toContain('member:left');

    await alice.conversations.deleteEvent(conversationId, String(ids[2]));
    const tomb = await admin.conversations.getEvent(conversationId, String(ids[2]));
    expect(tomb.body).toEqual({});
    const after = await admin.conversations.getEventPage(conversationId, {
      excludeDeletedEvents: true,
      startId: String(ids[0]),
      pageSize: 100,
    });
    expect(after.events.map((e) => e.id)).not.toContain(ids[2]);
    // The SDK types it a string (`MessageEventBody.eventId: string`), as the v1 document does.
    expect(after.events.at(-1)).toMatchObject({ type: 'event:delete', body: { eventId: String(ids[2]) } });
  });

  it("lists a user's conversations through the iterator", async () => {
    const more: string[] = [conversationId];
    for (let i = 0; i < 2; i++) {
      const c = await admin.conversations.createConversation({} as never);
      await admin.conversations.createMember(
        c.id as string,
        {
          state: MemberState.JOINED,
          user: { id: users[1].id },
          channel: { type: 'app' },
        } as never,
      );
      more.push(c.id as string);
    }
    const all = await collect(
      admin.conversations.listAllUserConversations(users[1].id, { pageSize: 1 } as never),
    );
    expect(all.map((c) => c.id)).toEqual(more);
  });
});
