import { describe, expect, it } from 'vitest';
import type { MemberState } from '../../../../functions/domain/members.ts';
import type { Actor } from '../../../../functions/domain/timeline-context.ts';
import {
  type AddMemberInput,
  addMember,
  changeMemberState,
  getMember,
  getMyMember,
  listMembers,
} from '../../../../functions/domain/use-cases/members.ts';
import { codeOf, type MemoryDepsOptions, memoryPorts } from '../../../support/memory-ports.ts';

const admin: Actor = { kind: 'admin' };
const as = (name: string): Actor => ({ kind: 'user', name });
const app = { type: 'app' };
const invite = (name: string): AddMemberInput => ({ state: 'invited', user: { name }, channel: app });
const join = (name: string): AddMemberInput => ({ state: 'joined', user: { name }, channel: app });

/** alice created the conversation; bob is JOINED, carol INVITED, dave LEFT; erin and frank have no member. */
const world = (options: MemoryDepsOptions = {}) => {
  const mem = memoryPorts();
  const deps = mem.deps(options);
  const alice = mem.seedUser('alice');
  const bob = mem.seedUser('bob');
  const carol = mem.seedUser('carol');
  const dave = mem.seedUser('dave');
  const erin = mem.seedUser('erin');
  const frank = mem.seedUser('frank');
  const conversation = mem.seedConversation({ name: 'chat', created_by: alice.id });
  const bobs = mem.seedMember(conversation.id, bob, { state: 'JOINED' });
  const carols = mem.seedMember(conversation.id, carol, { state: 'INVITED' });
  const daves = mem.seedMember(conversation.id, dave, { state: 'LEFT' });
  return { mem, deps, conversation, alice, bob, carol, dave, erin, frank, bobs, carols, daves };
};

describe('Function: addMember', () => {
  it('lets a JOINED member invite another user, with its event and invited_by', async () => {
    // Prepare
    const { mem, deps, conversation, erin, bobs } = world();
    // Act
    const { member } = await addMember(deps, as('bob'), conversation.id, invite('erin'));
    // Assess
    expect(member).toMatchObject({
      user_id: erin.id,
      state: 'INVITED',
      invited_by: bobs.id,
      initiator: { invited: { is_system: false, member_id: bobs.id } },
    });
    expect(mem.currentMember(conversation.id, erin.id)).toMatchObject({ id: member.id, state: 'INVITED' });
    expect(mem.events(conversation.id)).toMatchObject([
      { id: 1, type: 'member:invited', from: bobs.id, body: { member_id: member.id, invited_by: bobs.id } },
    ]);
    expect(mem.conversation(conversation.id)).toMatchObject({ sequence_number: 1, member_count: 3 });
  });

  it('refuses a member crediting its invitation to another member (member_id_inviting), writing nothing', async () => {
    // Prepare: carol joins, so both she and bob are JOINED.
    const { mem, deps, conversation, carol } = world();
    const carolJoined = mem.seedMember(conversation.id, carol, { state: 'JOINED' });
    const before = mem.snapshot();
    // Act
    const code = await codeOf(
      addMember(deps, as('bob'), conversation.id, { ...invite('erin'), member_id_inviting: carolJoined.id }),
    );
    // Assess
    expect(code).toBe('system:error:permission');
    expect(mem.writes).toEqual([]);
    expect(mem.snapshot()).toEqual(before);
  });

  it('lets a member name itself as the inviter, and an admin name any member', async () => {
    // Prepare
    const { deps, conversation, bobs } = world();
    // Act
    const own = await addMember(deps, as('bob'), conversation.id, {
      ...invite('erin'),
      member_id_inviting: bobs.id,
    });
    const byAdmin = await addMember(deps, admin, conversation.id, {
      ...invite('frank'),
      member_id_inviting: bobs.id,
    });
    // Assess
    expect(own.member.invited_by).toBe(bobs.id);
    expect(byAdmin.member.invited_by).toBe(bobs.id);
  });

  it('refuses a JOINED member adding another user as JOINED with system:error:permission', async () => {
    // Prepare
    const { mem, deps, conversation } = world();
    const before = mem.snapshot();
    // Act
    const code = await codeOf(addMember(deps, as('bob'), conversation.id, join('erin')));
    // Assess
    expect(code).toBe('system:error:permission');
    expect(mem.writes).toEqual([]);
    expect(mem.snapshot()).toEqual(before);
  });

  it('refuses an INVITED member inviting another user with system:error:permission', async () => {
    // Prepare
    const { mem, deps, conversation } = world();
    const before = mem.snapshot();
    // Act
    const code = await codeOf(addMember(deps, as('carol'), conversation.id, invite('erin')));
    // Assess
    expect(code).toBe('system:error:permission');
    expect(mem.snapshot()).toEqual(before);
  });

  it('refuses the creator without a member inviting another user (only a JOINED member invites)', async () => {
    // Prepare
    const { mem, deps, conversation } = world();
    const before = mem.snapshot();
    // Act
    const code = await codeOf(addMember(deps, as('alice'), conversation.id, invite('erin')));
    // Assess
    expect(code).toBe('system:error:permission');
    expect(mem.snapshot()).toEqual(before);
  });

  it('lets the creator add itself as JOINED', async () => {
    // Prepare
    const { mem, deps, conversation, alice } = world();
    // Act
    const { member } = await addMember(deps, as('alice'), conversation.id, {
      state: 'joined',
      user: { id: alice.id },
      channel: app,
    });
    // Assess
    expect(member).toMatchObject({
      user_id: alice.id,
      state: 'JOINED',
      initiator: { joined: { user_id: alice.id } },
    });
    expect(mem.events(conversation.id).map((e) => e.type)).toEqual(['member:joined']);
  });

  it('refuses the creator adding itself as INVITED', async () => {
    // Prepare
    const { mem, deps, conversation } = world();
    const before = mem.snapshot();
    // Act
    const code = await codeOf(addMember(deps, as('alice'), conversation.id, invite('alice')));
    // Assess
    expect(code).toBe('system:error:permission');
    expect(mem.snapshot()).toEqual(before);
  });

  it('refuses a user who did not create it adding itself: permission when it sees it, else not found', async () => {
    // Prepare
    const { mem, deps, conversation } = world();
    const before = mem.snapshot();
    // Act
    const invitedJoins = await codeOf(addMember(deps, as('carol'), conversation.id, join('carol')));
    const outsiderJoins = await codeOf(addMember(deps, as('erin'), conversation.id, join('erin')));
    const leaverJoins = await codeOf(addMember(deps, as('dave'), conversation.id, join('dave')));
    // Assess
    expect(invitedJoins).toBe('system:error:permission');
    expect(outsiderJoins).toBe('conversation:error:not-found');
    expect(leaverJoins).toBe('conversation:error:not-found');
    expect(mem.snapshot()).toEqual(before);
  });

  it('lets any user token add anyone in any state in acl mode', async () => {
    // Prepare
    const { mem, deps, conversation, frank } = world({ authorization: 'acl' });
    // Act
    const { member } = await addMember(deps, as('erin'), conversation.id, join('frank'));
    // Assess
    expect(member).toMatchObject({ user_id: frank.id, state: 'JOINED' });
    expect(mem.currentMember(conversation.id, frank.id)?.state).toBe('JOINED');
  });

  it('refuses a user who already has a live member, found by id or by name', async () => {
    // Prepare
    const { mem, deps, conversation, bob, carol } = world();
    const before = mem.snapshot();
    // Act
    const byId = await codeOf(
      addMember(deps, admin, conversation.id, { state: 'invited', user: { id: bob.id }, channel: app }),
    );
    const byName = await codeOf(addMember(deps, admin, conversation.id, join('bob')));
    const invitedAgain = await codeOf(
      addMember(deps, admin, conversation.id, { state: 'invited', user: { id: carol.id }, channel: app }),
    );
    // Assess
    expect([byId, byName, invitedAgain]).toEqual([
      'conversation:error:member-already-joined',
      'conversation:error:member-already-joined',
      'conversation:error:member-already-invited',
    ]);
    expect(mem.snapshot()).toEqual(before);
  });

  it('adds a user who LEFT again as a new member', async () => {
    // Prepare
    const { mem, deps, conversation, dave, daves } = world();
    // Act
    const { member } = await addMember(deps, admin, conversation.id, invite('dave'));
    // Assess
    expect(member.id).not.toBe(daves.id);
    expect(mem.currentMember(conversation.id, dave.id)).toMatchObject({ id: member.id, state: 'INVITED' });
    expect(mem.member(conversation.id, daves.id)?.state).toBe('LEFT');
  });

  it('refuses a full conversation with conversation:error:maximum-number-of-members', async () => {
    // Prepare: bob and carol are live, and two members are the most allowed.
    const { mem, deps, conversation } = world({ maxMembersPerConversation: 2 });
    const before = mem.snapshot();
    // Act
    const code = await codeOf(addMember(deps, as('bob'), conversation.id, invite('erin')));
    // Assess
    expect(code).toBe('conversation:error:maximum-number-of-members');
    expect(mem.snapshot()).toEqual(before);
  });

  it('refuses an INACTIVE conversation with conversation:error:not-allowed', async () => {
    // Prepare
    const { mem, deps, conversation } = world();
    mem.patchConversation(conversation.id, { state: 'INACTIVE' });
    const before = mem.snapshot();
    // Act
    const code = await codeOf(addMember(deps, as('bob'), conversation.id, invite('erin')));
    // Assess
    expect(code).toBe('conversation:error:not-allowed');
    expect(mem.snapshot()).toEqual(before);
  });

  it('refuses a user that does not exist, or whose id and name disagree, with user:error:not-found', async () => {
    // Prepare
    const { mem, deps, conversation, erin } = world();
    const before = mem.snapshot();
    // Act
    const unknown = await codeOf(addMember(deps, admin, conversation.id, invite('ghost')));
    const mismatch = await codeOf(
      addMember(deps, admin, conversation.id, {
        state: 'invited',
        user: { id: erin.id, name: 'frank' },
        channel: app,
      }),
    );
    // Assess
    expect([unknown, mismatch]).toEqual(['user:error:not-found', 'user:error:not-found']);
    expect(mem.snapshot()).toEqual(before);
  });
});

describe('Function: changeMemberState', () => {
  const move = (state: MemberState) => ({ state: state.toLowerCase() as 'joined' | 'left' });

  it('lets a user join its own invitation, from where the conversation is', async () => {
    // Prepare
    const { mem, deps, conversation, carols } = world();
    mem.seedEvent(conversation.id, { type: 'message', body: { text: 'before' } });
    // Act
    const { member } = await changeMemberState(deps, as('carol'), conversation.id, carols.id, move('JOINED'));
    // Assess
    expect(member).toMatchObject({ state: 'JOINED', last_seen_event_id: 1, seen_message_count: 1 });
    expect(mem.member(conversation.id, carols.id)?.state).toBe('JOINED');
    expect(mem.events(conversation.id).map((e) => e.type)).toEqual(['message', 'member:joined']);
    expect(mem.conversation(conversation.id)?.member_count).toBe(2);
  });

  it('lets a user leave with its own member, counted out', async () => {
    // Prepare
    const { mem, deps, conversation, bob, bobs } = world();
    // Act
    const { member } = await changeMemberState(deps, as('bob'), conversation.id, bobs.id, {
      state: 'left',
      reason: { code: 'bye', text: 'done' },
    });
    // Assess
    expect(member).toMatchObject({ state: 'LEFT', reason: { code: 'bye', text: 'done' } });
    expect(mem.currentMember(conversation.id, bob.id)?.state).toBe('LEFT');
    expect(mem.events(conversation.id)).toMatchObject([
      { type: 'member:left', body: { reason: { code: 'bye' } } },
    ]);
    expect(mem.conversation(conversation.id)?.member_count).toBe(1);
  });

  it("refuses a user changing another user's member with system:error:permission", async () => {
    // Prepare
    const { mem, deps, conversation, carols } = world();
    const before = mem.snapshot();
    // Act
    const code = await codeOf(changeMemberState(deps, as('bob'), conversation.id, carols.id, move('LEFT')));
    // Assess
    expect(code).toBe('system:error:permission');
    expect(mem.snapshot()).toEqual(before);
  });

  it("lets an admin, and any user token in acl mode, change another user's member", async () => {
    // Prepare
    const membership = world();
    const acl = world({ authorization: 'acl' });
    // Act
    const byAdmin = await changeMemberState(
      membership.deps,
      admin,
      membership.conversation.id,
      membership.carols.id,
      move('LEFT'),
    );
    const byBob = await changeMemberState(
      acl.deps,
      as('bob'),
      acl.conversation.id,
      acl.carols.id,
      move('LEFT'),
    );
    // Assess
    expect(byAdmin.member).toMatchObject({ state: 'LEFT', initiator: { left: { is_system: true } } });
    expect(byBob.member).toMatchObject({ state: 'LEFT', initiator: { left: { is_system: false } } });
  });

  it('refuses moves the state machine does not allow, with the spec codes', async () => {
    // Prepare
    const { mem, deps, conversation, bobs, carols } = world();
    const before = mem.snapshot();
    // Act
    const codes = [
      await codeOf(changeMemberState(deps, as('bob'), conversation.id, bobs.id, move('JOINED'))),
      await codeOf(changeMemberState(deps, admin, conversation.id, carols.id, { state: 'invited' })),
      await codeOf(changeMemberState(deps, admin, conversation.id, bobs.id, { state: 'invited' })),
    ];
    // Assess
    expect(codes).toEqual([
      'conversation:error:member-already-joined',
      'conversation:error:member-already-invited',
      'conversation:error:invalid-member-state',
    ]);
    expect(mem.snapshot()).toEqual(before);
  });

  it('tells a user who LEFT that the conversation does not exist', async () => {
    // Prepare
    const { mem, deps, conversation, daves } = world();
    const before = mem.snapshot();
    // Act
    const code = await codeOf(changeMemberState(deps, as('dave'), conversation.id, daves.id, move('JOINED')));
    // Assess
    expect(code).toBe('conversation:error:not-found');
    expect(mem.snapshot()).toEqual(before);
  });

  it('refuses an INACTIVE conversation, and a member that does not exist', async () => {
    // Prepare
    const { mem, deps, conversation, bobs } = world();
    const other = world();
    mem.patchConversation(conversation.id, { state: 'INACTIVE' });
    const before = mem.snapshot();
    // Act
    const inactive = await codeOf(changeMemberState(deps, as('bob'), conversation.id, bobs.id, move('LEFT')));
    const missing = await codeOf(
      changeMemberState(
        other.deps,
        admin,
        other.conversation.id,
        'MEM-00000000-0000-4000-8000-000000000000',
        move('LEFT'),
      ),
    );
    // Assess
    expect(inactive).toBe('conversation:error:not-allowed');
    expect(missing).toBe('conversation:error:member-not-found');
    expect(mem.snapshot()).toEqual(before);
  });
});

describe('Function: getMyMember', () => {
  it("answers the caller's current member, and not found to a creator without one", async () => {
    // Prepare
    const { deps, conversation, bobs } = world();
    // Act
    const mine = await getMyMember(deps, as('bob'), conversation.id);
    const code = await codeOf(getMyMember(deps, as('alice'), conversation.id));
    const adminCode = await codeOf(getMyMember(deps, admin, conversation.id));
    // Assess
    expect(mine.member.id).toBe(bobs.id);
    expect(code).toBe('conversation:error:member-not-found');
    expect(adminCode).toBe('user:error:invalid-user-token');
  });
});

describe('Function: getMember / listMembers', () => {
  it('shows members to whoever sees the conversation, and nothing to whoever does not', async () => {
    // Prepare
    const { deps, conversation, carols } = world();
    // Act
    const member = await getMember(deps, as('carol'), conversation.id, carols.id);
    const listed = await listMembers(deps, as('alice'), conversation.id, { order: 'asc', pageSize: 10 });
    const codes = [
      await codeOf(getMember(deps, as('erin'), conversation.id, carols.id)),
      await codeOf(listMembers(deps, as('erin'), conversation.id, { order: 'asc', pageSize: 10 })),
    ];
    // Assess
    expect(member.member.state).toBe('INVITED');
    expect(listed.items).toHaveLength(3);
    expect(codes).toEqual(['conversation:error:not-found', 'conversation:error:not-found']);
  });
});
