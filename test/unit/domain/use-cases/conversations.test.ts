import { describe, expect, it } from 'vitest';
import type { Actor } from '../../../../functions/domain/timeline-context.ts';
import {
  createConversation,
  deleteConversation,
  getConversation,
  getConversationWithMembers,
  listConversations,
  updateConversation,
} from '../../../../functions/domain/use-cases/conversations.ts';
import { codeOf, memoryPorts, NOW } from '../../../support/memory-ports.ts';

const admin: Actor = { kind: 'admin' };
const as = (name: string): Actor => ({ kind: 'user', name });
const PAST = '2026-04-30T10:00:00.000Z';
const LATER = '2026-05-02T10:00:00.000Z';
const page = { order: 'asc' as const, pageSize: 100 };

/** alice created the conversation; bob is JOINED, carol INVITED, dave LEFT, erin has no member. */
const world = (authorization: 'membership' | 'acl' = 'membership') => {
  const mem = memoryPorts();
  const deps = mem.deps({ authorization });
  const alice = mem.seedUser('alice');
  const bob = mem.seedUser('bob');
  const carol = mem.seedUser('carol');
  const dave = mem.seedUser('dave');
  mem.seedUser('erin');
  const conversation = mem.seedConversation({ name: 'chat', created_by: alice.id });
  mem.seedMember(conversation.id, bob, { state: 'JOINED' });
  mem.seedMember(conversation.id, carol, { state: 'INVITED' });
  mem.seedMember(conversation.id, dave, { state: 'LEFT' });
  return { mem, deps, conversation, alice, bob };
};

describe('Function: createConversation', () => {
  it("records the user token's user as created_by", async () => {
    // Prepare
    const { mem, deps, alice } = world();
    // Act
    const created = await createConversation(deps, as('alice'), { name: 'mine' });
    // Assess
    expect(created).toMatchObject({ name: 'mine', state: 'ACTIVE', created_by: alice.id });
    expect(mem.conversation(created.id)).toMatchObject({ created_by: alice.id });
    expect(mem.writes).toEqual([`conversations.create ${created.id}`]);
  });

  it('records no creator for an admin token', async () => {
    // Prepare
    const { mem, deps } = world();
    // Act
    const created = await createConversation(deps, admin, { display_name: 'Support' });
    // Assess
    expect(created.created_by).toBeUndefined();
    expect(created.name).toMatch(/^NAM-/);
    expect(mem.conversation(created.id)).not.toHaveProperty('created_by');
  });

  it('refuses a user token whose user does not exist with user:error:not-found, and writes nothing', async () => {
    // Prepare
    const { mem, deps } = world();
    const before = mem.snapshot();
    // Act
    const code = await codeOf(createConversation(deps, as('ghost'), { name: 'haunted' }));
    // Assess
    expect(code).toBe('user:error:not-found');
    expect(mem.writes).toEqual([]);
    expect(mem.snapshot()).toEqual(before);
  });

  it('creates without a creator for a user token naming no user in acl mode', async () => {
    // Prepare
    const { mem, deps } = world('acl');
    // Act
    const created = await createConversation(deps, as('ghost'), { name: 'haunted' });
    // Assess
    expect(created.created_by).toBeUndefined();
    expect(mem.conversationNamed('haunted')?.id).toBe(created.id);
  });

  it('refuses a taken name with conversation:error:duplicate-name', async () => {
    // Prepare
    const { mem, deps } = world();
    const before = mem.snapshot();
    // Act
    const code = await codeOf(createConversation(deps, as('alice'), { name: 'chat' }));
    // Assess
    expect(code).toBe('conversation:error:duplicate-name');
    expect(mem.snapshot()).toEqual(before);
  });
});

describe('Function: getConversation', () => {
  it('shows the conversation to a JOINED member, an INVITED member and the creator without a member', async () => {
    // Prepare
    const { deps, conversation } = world();
    // Act
    const seen = await Promise.all(
      ['bob', 'carol', 'alice'].map((name) => getConversation(deps, as(name), conversation.id)),
    );
    // Assess
    expect(seen.map((c) => c.id)).toEqual([conversation.id, conversation.id, conversation.id]);
  });

  it('tells a user without a member, one who LEFT and an unknown user that it does not exist', async () => {
    // Prepare
    const { deps, conversation } = world();
    // Act
    const codes = await Promise.all(
      ['erin', 'dave', 'ghost'].map((name) => codeOf(getConversation(deps, as(name), conversation.id))),
    );
    // Assess
    expect(codes).toEqual([
      'conversation:error:not-found',
      'conversation:error:not-found',
      'conversation:error:not-found',
    ]);
  });

  it('shows it to any token in acl mode', async () => {
    // Prepare
    const { deps, conversation } = world('acl');
    // Act
    const seen = await getConversation(deps, as('erin'), conversation.id);
    // Assess
    expect(seen.id).toBe(conversation.id);
  });

  it('treats an expired conversation as gone, even for an admin and its creator', async () => {
    // Prepare
    const { mem, deps, conversation } = world();
    mem.patchConversation(conversation.id, { state: 'INACTIVE', expires_at: NOW });
    // Act
    const codes = await Promise.all([
      codeOf(getConversation(deps, admin, conversation.id)),
      codeOf(getConversation(deps, as('alice'), conversation.id)),
      codeOf(getConversation(deps, as('bob'), conversation.id)),
    ]);
    // Assess
    expect(codes).toEqual([
      'conversation:error:not-found',
      'conversation:error:not-found',
      'conversation:error:not-found',
    ]);
  });

  it('still shows a conversation whose expiry is ahead', async () => {
    // Prepare
    const { mem, deps, conversation } = world();
    mem.patchConversation(conversation.id, { state: 'INACTIVE', expires_at: LATER });
    // Act
    const seen = await getConversation(deps, admin, conversation.id);
    // Assess
    expect(seen).toMatchObject({ state: 'INACTIVE', expires_at: LATER });
  });

  it('answers not found for an id that does not exist', async () => {
    // Prepare
    const { deps } = world();
    // Act
    const code = await codeOf(getConversation(deps, admin, 'CON-00000000-0000-4000-8000-000000000000'));
    // Assess
    expect(code).toBe('conversation:error:not-found');
  });
});

describe('Function: getConversationWithMembers', () => {
  it('answers the members to a member and not found to a user who may not see it', async () => {
    // Prepare
    const { deps, conversation } = world();
    // Act
    const found = await getConversationWithMembers(deps, as('bob'), conversation.id);
    const code = await codeOf(getConversationWithMembers(deps, as('erin'), conversation.id));
    // Assess
    expect(found.members.map((m) => m.user_name).sort()).toEqual(['bob', 'carol', 'dave']);
    expect(code).toBe('conversation:error:not-found');
  });
});

describe('Function: updateConversation', () => {
  it('lets the creator replace the fields sent, move the name and append conversation:updated', async () => {
    // Prepare
    const { mem, deps, conversation } = world();
    // Act
    const next = await updateConversation(deps, as('alice'), conversation.id, {
      name: 'renamed',
      display_name: 'Renamed',
    });
    // Assess
    expect(next).toMatchObject({ name: 'renamed', display_name: 'Renamed', sequence_number: 1 });
    expect(mem.conversationNamed('renamed')?.id).toBe(conversation.id);
    expect(mem.conversationNamed('chat')).toBeUndefined();
    expect(mem.events(conversation.id)).toMatchObject([
      { id: 1, type: 'conversation:updated', body: { name: 'renamed' } },
    ]);
  });

  it('refuses a JOINED member who did not create it with system:error:permission, and writes nothing', async () => {
    // Prepare
    const { mem, deps, conversation } = world();
    const before = mem.snapshot();
    // Act
    const code = await codeOf(updateConversation(deps, as('bob'), conversation.id, { display_name: 'x' }));
    // Assess
    expect(code).toBe('system:error:permission');
    expect(mem.writes).toEqual([]);
    expect(mem.snapshot()).toEqual(before);
  });

  it('tells a user without a member that it does not exist, and writes nothing', async () => {
    // Prepare
    const { mem, deps, conversation } = world();
    const before = mem.snapshot();
    // Act
    const code = await codeOf(updateConversation(deps, as('erin'), conversation.id, { display_name: 'x' }));
    // Assess
    expect(code).toBe('conversation:error:not-found');
    expect(mem.snapshot()).toEqual(before);
  });

  it('lets an admin, and any user token in acl mode, update it', async () => {
    // Prepare
    const membership = world();
    const acl = world('acl');
    // Act
    const byAdmin = await updateConversation(membership.deps, admin, membership.conversation.id, {
      display_name: 'by admin',
    });
    const byErin = await updateConversation(acl.deps, as('erin'), acl.conversation.id, {
      display_name: 'by erin',
    });
    // Assess
    expect(byAdmin.display_name).toBe('by admin');
    expect(byErin.display_name).toBe('by erin');
    expect(acl.mem.conversation(acl.conversation.id)?.display_name).toBe('by erin');
  });

  it('refuses an INACTIVE conversation with conversation:error:not-allowed', async () => {
    // Prepare
    const { mem, deps, conversation } = world();
    mem.patchConversation(conversation.id, { state: 'INACTIVE' });
    const before = mem.snapshot();
    // Act
    const code = await codeOf(updateConversation(deps, as('alice'), conversation.id, { display_name: 'x' }));
    // Assess
    expect(code).toBe('conversation:error:not-allowed');
    expect(mem.snapshot()).toEqual(before);
  });

  it('refuses a name another conversation holds', async () => {
    // Prepare
    const { mem, deps, conversation } = world();
    mem.seedConversation({ name: 'taken' });
    const before = mem.snapshot();
    // Act
    const code = await codeOf(updateConversation(deps, as('alice'), conversation.id, { name: 'taken' }));
    // Assess
    expect(code).toBe('conversation:error:duplicate-name');
    expect(mem.snapshot()).toEqual(before);
  });

  it('decides again when the conversation moved on between its read and its write', async () => {
    // Prepare
    const { mem, deps, conversation } = world();
    mem.beforeNextWrite(() => mem.seedEvent(conversation.id, { type: 'custom:ping' }));
    // Act
    const next = await updateConversation(deps, as('alice'), conversation.id, { display_name: 'x' });
    // Assess
    expect(next.sequence_number).toBe(2);
    expect(mem.events(conversation.id).map((e) => e.type)).toEqual(['custom:ping', 'conversation:updated']);
  });
});

describe('Function: deleteConversation', () => {
  it('lets the creator remove it with its members and events, and frees its name', async () => {
    // Prepare
    const { mem, deps, conversation } = world();
    mem.seedEvent(conversation.id, { type: 'message', body: { text: 'hi' } });
    // Act
    await deleteConversation(deps, as('alice'), conversation.id);
    // Assess
    expect(mem.conversation(conversation.id)).toBeUndefined();
    expect(mem.members(conversation.id)).toEqual([]);
    expect(mem.events(conversation.id)).toEqual([]);
    expect(mem.conversationNamed('chat')).toBeUndefined();
    expect(mem.writes).toEqual([`conversations.remove ${conversation.id}`]);
  });

  it('refuses a JOINED member who did not create it with system:error:permission, and keeps it', async () => {
    // Prepare
    const { mem, deps, conversation } = world();
    const before = mem.snapshot();
    // Act
    const code = await codeOf(deleteConversation(deps, as('bob'), conversation.id));
    // Assess
    expect(code).toBe('system:error:permission');
    expect(mem.snapshot()).toEqual(before);
  });

  it('tells a user without a member, or one who LEFT, that it does not exist, and keeps it', async () => {
    // Prepare
    const { mem, deps, conversation } = world();
    const before = mem.snapshot();
    // Act
    const codes = [
      await codeOf(deleteConversation(deps, as('erin'), conversation.id)),
      await codeOf(deleteConversation(deps, as('dave'), conversation.id)),
    ];
    // Assess
    expect(codes).toEqual(['conversation:error:not-found', 'conversation:error:not-found']);
    expect(mem.snapshot()).toEqual(before);
  });

  it('lets an admin, and any user token in acl mode, delete it', async () => {
    // Prepare
    const membership = world();
    const acl = world('acl');
    // Act
    await deleteConversation(membership.deps, admin, membership.conversation.id);
    await deleteConversation(acl.deps, as('erin'), acl.conversation.id);
    // Assess
    expect(membership.mem.conversation(membership.conversation.id)).toBeUndefined();
    expect(acl.mem.conversation(acl.conversation.id)).toBeUndefined();
  });

  it('answers not found for an expired conversation, even to an admin, and one that does not exist', async () => {
    // Prepare
    const { mem, deps, conversation } = world();
    mem.patchConversation(conversation.id, { expires_at: PAST });
    const before = mem.snapshot();
    // Act
    const codes = [
      await codeOf(deleteConversation(deps, admin, conversation.id)),
      await codeOf(deleteConversation(deps, admin, 'CON-00000000-0000-4000-8000-000000000000')),
    ];
    // Assess
    expect(codes).toEqual(['conversation:error:not-found', 'conversation:error:not-found']);
    expect(mem.snapshot()).toEqual(before);
  });
});

describe('Function: listConversations', () => {
  it('lists every conversation to an admin except the expired ones', async () => {
    // Prepare
    const { mem, deps, conversation } = world();
    const other = mem.seedConversation({ name: 'other' });
    const expired = mem.seedConversation({ name: 'expired', expires_at: PAST });
    // Act
    const listed = await listConversations(deps, admin, page);
    // Assess
    const ids = listed.items.map((c) => c.id);
    expect(ids.sort()).toEqual([conversation.id, other.id].sort());
    expect(ids).not.toContain(expired.id);
  });

  it('lists to a user token only the conversations of its live members, expired ones left out', async () => {
    // Prepare
    const { mem, deps, conversation, bob } = world();
    const invited = mem.seedConversation({ name: 'invited' });
    mem.seedMember(invited.id, bob, { state: 'INVITED' });
    const left = mem.seedConversation({ name: 'left' });
    mem.seedMember(left.id, bob, { state: 'LEFT' });
    const expired = mem.seedConversation({ name: 'expired' });
    mem.seedMember(expired.id, bob, { state: 'JOINED' });
    mem.patchConversation(expired.id, { expires_at: PAST });
    mem.seedConversation({ name: 'not mine' });
    // Act
    const listed = await listConversations(deps, as('bob'), page);
    // Assess
    expect(listed.items.map((c) => c.id).sort()).toEqual([conversation.id, invited.id].sort());
  });

  it('lists nothing to a user token naming no user, and refuses a date range that ends before it starts', async () => {
    // Prepare
    const { deps } = world();
    // Act
    const listed = await listConversations(deps, as('ghost'), page);
    const code = await codeOf(listConversations(deps, admin, { ...page, dateStart: LATER, dateEnd: PAST }));
    // Assess
    expect(listed.items).toEqual([]);
    expect(code).toBe('http:error:validation-fail');
  });
});
