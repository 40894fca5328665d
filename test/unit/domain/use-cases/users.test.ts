import { describe, expect, it } from 'vitest';
import type { Actor } from '../../../../functions/domain/timeline-context.ts';
import {
  createUser,
  deleteUser,
  getUser,
  listUserConversations,
  listUsers,
  updateUser,
} from '../../../../functions/domain/use-cases/users.ts';
import { codeOf, type MemoryDepsOptions, memoryPorts } from '../../../support/memory-ports.ts';

const admin: Actor = { kind: 'admin' };
const as = (name: string): Actor => ({ kind: 'user', name });
const page = { order: 'asc' as const, pageSize: 100 };
const PAST = '2026-04-30T10:00:00.000Z';

const world = (options: MemoryDepsOptions = {}) => {
  const mem = memoryPorts();
  const deps = mem.deps(options);
  const alice = mem.seedUser('alice', { display_name: 'Alice' });
  const bob = mem.seedUser('bob');
  return { mem, deps, alice, bob };
};

describe('Function: getUser', () => {
  it('shows a user its own user in full and other users by their public fields', async () => {
    // Prepare
    const { deps, alice, bob } = world();
    // Act
    const own = await getUser(deps, as('alice'), alice.id);
    const ownByName = await getUser(deps, as('alice'), 'alice');
    const other = await getUser(deps, as('alice'), bob.id);
    // Assess
    expect(own).toMatchObject({ user: { id: alice.id, display_name: 'Alice' }, full: true });
    expect(ownByName.full).toBe(true);
    expect(other).toMatchObject({ user: { id: bob.id }, full: false });
  });

  it('shows every user in full to an admin, and to any user token in acl mode', async () => {
    // Prepare
    const membership = world();
    const acl = world({ authorization: 'acl' });
    // Act
    const byAdmin = await getUser(membership.deps, admin, 'bob');
    const byAlice = await getUser(acl.deps, as('alice'), 'bob');
    // Assess
    expect([byAdmin.full, byAlice.full]).toEqual([true, true]);
  });

  it('answers user:error:not-found for an unknown id or name', async () => {
    // Prepare
    const { deps } = world();
    // Act
    const codes = [
      await codeOf(getUser(deps, admin, 'ghost')),
      await codeOf(getUser(deps, admin, 'USR-00000000-0000-4000-8000-000000000000')),
    ];
    // Assess
    expect(codes).toEqual(['user:error:not-found', 'user:error:not-found']);
  });
});

describe('Function: listUsers', () => {
  it('refuses a user token with system:error:permission in membership mode', async () => {
    // Prepare
    const { deps } = world();
    // Act
    const codes = [
      await codeOf(listUsers(deps, as('alice'), page)),
      await codeOf(listUsers(deps, as('alice'), { ...page, name: 'alice' })),
    ];
    // Assess
    expect(codes).toEqual(['system:error:permission', 'system:error:permission']);
  });

  it('lists to a user token in acl mode, every user in full (the ACL alone decides)', async () => {
    // Prepare
    const { deps } = world({ authorization: 'acl' });
    // Act
    const listed = await listUsers(deps, as('alice'), page);
    // Assess
    expect(listed.items.map((v) => [v.user.name, v.full]).sort()).toEqual([
      ['alice', true],
      ['bob', true],
    ]);
  });

  it('lists every user to an admin, or the one a name names', async () => {
    // Prepare
    const { deps, bob } = world();
    // Act
    const all = await listUsers(deps, admin, page);
    const named = await listUsers(deps, admin, { ...page, name: 'bob' });
    const none = await listUsers(deps, admin, { ...page, name: 'ghost' });
    // Assess
    expect(all.items.map((v) => v.user.name).sort()).toEqual(['alice', 'bob']);
    expect(named.items).toEqual([{ user: bob, full: true }]);
    expect(none.items).toEqual([]);
  });
});

describe('Function: updateUser', () => {
  it('lets a user change its own user', async () => {
    // Prepare
    const { mem, deps, alice } = world();
    // Act
    const next = await updateUser(deps, as('alice'), 'alice', { display_name: 'Al' });
    // Assess
    expect(next).toMatchObject({ id: alice.id, display_name: 'Al' });
    expect(mem.user(alice.id)?.display_name).toBe('Al');
  });

  it('refuses a user token changing another user with system:error:permission, in either mode', async () => {
    // Prepare
    const membership = world();
    const acl = world({ authorization: 'acl' });
    const before = [membership.mem.snapshot(), acl.mem.snapshot()];
    // Act
    const codes = [
      await codeOf(updateUser(membership.deps, as('alice'), membership.bob.id, { display_name: 'x' })),
      await codeOf(updateUser(acl.deps, as('alice'), 'bob', { display_name: 'x' })),
    ];
    // Assess
    expect(codes).toEqual(['system:error:permission', 'system:error:permission']);
    expect([membership.mem.snapshot(), acl.mem.snapshot()]).toEqual(before);
  });

  it('lets an admin rename a user, moving its name, and refuses a name another user holds', async () => {
    // Prepare
    const { mem, deps, bob } = world();
    // Act
    await updateUser(deps, admin, 'bob', { name: 'robert' });
    const code = await codeOf(updateUser(deps, admin, 'robert', { name: 'alice' }));
    // Assess
    expect(mem.userNamed('robert')?.id).toBe(bob.id);
    expect(mem.userNamed('bob')).toBeUndefined();
    expect(code).toBe('user:error:duplicate-name');
    expect(mem.writes).toEqual([`users.update ${bob.id}`]);
  });
});

describe('Function: createUser / deleteUser', () => {
  it('refuses a user token with system:error:permission, and writes nothing', async () => {
    // Prepare
    const { mem, deps } = world();
    const before = mem.snapshot();
    // Act
    const codes = [
      await codeOf(createUser(deps, as('alice'), { name: 'carol' })),
      await codeOf(deleteUser(deps, as('alice'), 'alice')),
      await codeOf(deleteUser(deps, as('alice'), 'bob')),
    ];
    // Assess
    expect(codes).toEqual(['system:error:permission', 'system:error:permission', 'system:error:permission']);
    expect(mem.writes).toEqual([]);
    expect(mem.snapshot()).toEqual(before);
  });

  it('lets an admin create and delete users, refusing a taken name and an unknown user', async () => {
    // Prepare
    const { mem, deps, bob } = world();
    // Act
    const carol = await createUser(deps, admin, { name: 'carol' });
    const taken = await codeOf(createUser(deps, admin, { name: 'alice' }));
    await deleteUser(deps, admin, bob.id);
    const gone = await codeOf(deleteUser(deps, admin, 'bob'));
    // Assess
    expect(mem.userNamed('carol')?.id).toBe(carol.id);
    expect(mem.user(bob.id)).toBeUndefined();
    expect([taken, gone]).toEqual(['user:error:duplicate-name', 'user:error:not-found']);
  });
});

describe('Function: listUserConversations', () => {
  const memberships = () => {
    const w = world();
    const chat = w.mem.seedConversation({ name: 'chat' });
    w.mem.seedMember(chat.id, w.alice, { state: 'JOINED' });
    const ended = w.mem.seedConversation({ name: 'ended', expires_at: PAST });
    w.mem.seedMember(ended.id, w.alice, { state: 'JOINED' });
    const left = w.mem.seedConversation({ name: 'left' });
    w.mem.seedMember(left.id, w.alice, { state: 'LEFT' });
    const bobs = w.mem.seedConversation({ name: 'bobs' });
    w.mem.seedMember(bobs.id, w.bob, { state: 'INVITED' });
    return { ...w, chat, left, bobs };
  };

  it('lists a user token its own conversations, by name or id, expired ones left out', async () => {
    // Prepare
    const { deps, alice, chat, left } = memberships();
    // Act
    const byName = await listUserConversations(deps, as('alice'), 'alice', page);
    const byId = await listUserConversations(deps, as('alice'), alice.id, page);
    const live = await listUserConversations(deps, as('alice'), alice.id, { ...page, liveOnly: true });
    // Assess
    expect(byName.items.map((m) => m.conversation.id).sort()).toEqual([chat.id, left.id].sort());
    expect(byId.items.map((m) => m.conversation.id).sort()).toEqual([chat.id, left.id].sort());
    expect(live.items.map((m) => m.conversation.id)).toEqual([chat.id]);
  });

  it("refuses a user token another user's conversations with system:error:permission", async () => {
    // Prepare
    const { deps, bob } = memberships();
    // Act
    const codes = [
      await codeOf(listUserConversations(deps, as('alice'), 'bob', page)),
      await codeOf(listUserConversations(deps, as('alice'), bob.id, page)),
    ];
    // Assess
    expect(codes).toEqual(['system:error:permission', 'system:error:permission']);
  });

  it("lists any user's conversations to an admin, and user:error:not-found for an unknown user", async () => {
    // Prepare
    const { deps, bob, bobs } = memberships();
    // Act
    const listed = await listUserConversations(deps, admin, bob.id, page);
    const code = await codeOf(listUserConversations(deps, admin, 'ghost', page));
    // Assess
    expect(listed.items).toMatchObject([{ conversation: { id: bobs.id }, member: { state: 'INVITED' } }]);
    expect(code).toBe('user:error:not-found');
  });
});
