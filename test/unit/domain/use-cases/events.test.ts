import { describe, expect, it } from 'vitest';
import type { Actor } from '../../../../functions/domain/timeline-context.ts';
import {
  deleteEvent,
  getEvent,
  listEvents,
  postEvent,
} from '../../../../functions/domain/use-cases/events.ts';
import { codeOf, type MemoryDepsOptions, memoryPorts, NOW } from '../../../support/memory-ports.ts';

const admin: Actor = { kind: 'admin' };
const as = (name: string): Actor => ({ kind: 'user', name });
const text = (t: string) => ({ type: 'message', body: { message_type: 'text', text: t } });

/**
 * alice created the conversation; bob and carol are JOINED, dave INVITED, erin LEFT, frank has no member.
 * The timeline holds two messages: 1 by carol, 2 by bob; then a member event 3.
 */
const world = (options: MemoryDepsOptions = {}) => {
  const mem = memoryPorts();
  const deps = mem.deps(options);
  const alice = mem.seedUser('alice');
  const bob = mem.seedUser('bob', { display_name: 'Bob' });
  const carol = mem.seedUser('carol');
  const dave = mem.seedUser('dave');
  const erin = mem.seedUser('erin');
  mem.seedUser('frank');
  const conversation = mem.seedConversation({ name: 'chat', created_by: alice.id });
  const bobs = mem.seedMember(conversation.id, bob, { state: 'JOINED' });
  const carols = mem.seedMember(conversation.id, carol, { state: 'JOINED' });
  const daves = mem.seedMember(conversation.id, dave, { state: 'INVITED' });
  mem.seedMember(conversation.id, erin, { state: 'LEFT' });
  const carolsMessage = mem.seedEvent(conversation.id, {
    ...text('hi'),
    from: carols.id,
    from_user: { id: carol.id, name: 'carol' },
  });
  const bobsMessage = mem.seedEvent(conversation.id, {
    ...text('hello'),
    from: bobs.id,
    from_user: { id: bob.id, name: 'bob' },
  });
  const memberEvent = mem.seedEvent(conversation.id, { type: 'member:joined', from: carols.id });
  return {
    mem,
    deps,
    conversation,
    alice,
    bob,
    carol,
    bobs,
    carols,
    daves,
    carolsMessage,
    bobsMessage,
    memberEvent,
  };
};

describe('Function: postEvent', () => {
  it("appends a JOINED member's message with the next id, counts it and marks it read for its sender", async () => {
    // Prepare
    const { mem, deps, conversation, bob, bobs } = world();
    // Act
    const posted = await postEvent(deps, as('bob'), conversation.id, text('new'));
    // Assess
    expect(posted).toMatchObject({
      id: 4,
      type: 'message',
      from: bobs.id,
      message_index: 3,
      timestamp: NOW,
      from_user: { id: bob.id, name: 'bob', display_name: 'Bob' },
    });
    expect(mem.conversation(conversation.id)).toMatchObject({ sequence_number: 4, message_count: 3 });
    expect(mem.member(conversation.id, bobs.id)).toMatchObject({
      last_seen_event_id: 4,
      seen_message_count: 3,
    });
    expect(mem.currentMember(conversation.id, bob.id)).toMatchObject({ last_seen_event_id: 4 });
    expect(mem.writes).toEqual([`events.append ${conversation.id}#4`]);
  });

  it("moves the sender's horizon on message:seen, never backwards", async () => {
    // Prepare
    const { mem, deps, conversation, bobs, carolsMessage, bobsMessage } = world();
    // Act
    const seen = await postEvent(deps, as('bob'), conversation.id, {
      type: 'message:seen',
      body: { event_id: bobsMessage.id },
    });
    const older = await postEvent(deps, as('bob'), conversation.id, {
      type: 'message:seen',
      body: { event_id: carolsMessage.id },
    });
    // Assess
    expect(seen).toMatchObject({ id: 4, body: { event_id: '2' } });
    expect(older).toMatchObject({ id: 5, body: { event_id: '1' } });
    expect(mem.member(conversation.id, bobs.id)).toMatchObject({
      last_seen_event_id: 2,
      seen_message_count: 2,
    });
    expect(mem.conversation(conversation.id)?.message_count).toBe(2);
  });

  it('refuses a receipt naming an event that is not a message with event:error:not-found', async () => {
    // Prepare
    const { mem, deps, conversation, memberEvent } = world();
    const before = mem.snapshot();
    // Act
    const codes = [
      await codeOf(
        postEvent(deps, as('bob'), conversation.id, {
          type: 'message:seen',
          body: { event_id: memberEvent.id },
        }),
      ),
      await codeOf(
        postEvent(deps, as('bob'), conversation.id, { type: 'message:seen', body: { event_id: 99 } }),
      ),
    ];
    // Assess
    expect(codes).toEqual(['event:error:not-found', 'event:error:not-found']);
    expect(mem.snapshot()).toEqual(before);
  });

  it('answers an ephemeral event without an id and stores nothing', async () => {
    // Prepare
    const { mem, deps, conversation, bobs } = world();
    const before = mem.snapshot();
    // Act
    const typing = await postEvent(deps, as('bob'), conversation.id, { type: 'text:typing:on', body: {} });
    // Assess
    expect(typing).toMatchObject({ type: 'text:typing:on', from: bobs.id });
    expect(typing.id).toBeUndefined();
    expect(mem.snapshot()).toEqual(before);
  });

  it('refuses an INVITED member, and the creator without a member, with event:error:not-joined', async () => {
    // Prepare
    const { mem, deps, conversation } = world();
    const before = mem.snapshot();
    // Act
    const codes = [
      await codeOf(postEvent(deps, as('dave'), conversation.id, text('x'))),
      await codeOf(postEvent(deps, as('alice'), conversation.id, text('x'))),
    ];
    // Assess
    expect(codes).toEqual(['event:error:not-joined', 'event:error:not-joined']);
    expect(mem.writes).toEqual([]);
    expect(mem.snapshot()).toEqual(before);
  });

  it("refuses a from naming another user's member with event:error:permission-denied", async () => {
    // Prepare
    const { mem, deps, conversation, carols } = world();
    const before = mem.snapshot();
    // Act
    const code = await codeOf(postEvent(deps, as('bob'), conversation.id, { ...text('x'), from: carols.id }));
    // Assess
    expect(code).toBe('event:error:permission-denied');
    expect(mem.snapshot()).toEqual(before);
  });

  it('accepts from naming its own member, and refuses a from naming no member', async () => {
    // Prepare
    const { mem, deps, conversation, bobs } = world();
    // Act
    const posted = await postEvent(deps, as('bob'), conversation.id, { ...text('x'), from: bobs.id });
    const code = await codeOf(
      postEvent(deps, as('bob'), conversation.id, {
        ...text('x'),
        from: 'MEM-00000000-0000-4000-8000-000000000000',
      }),
    );
    // Assess
    expect(posted).toMatchObject({ id: 4, from: bobs.id });
    expect(code).toBe('conversation:error:member-not-found');
    expect(mem.events(conversation.id)).toHaveLength(4);
  });

  it('tells a user without a member, or one who LEFT, that the conversation does not exist', async () => {
    // Prepare
    const { mem, deps, conversation } = world();
    const before = mem.snapshot();
    // Act
    const codes = [
      await codeOf(postEvent(deps, as('frank'), conversation.id, text('x'))),
      await codeOf(postEvent(deps, as('erin'), conversation.id, text('x'))),
    ];
    // Assess
    expect(codes).toEqual(['conversation:error:not-found', 'conversation:error:not-found']);
    expect(mem.snapshot()).toEqual(before);
  });

  it('lets an admin post as the system, or as a JOINED member but not an INVITED one', async () => {
    // Prepare
    const { mem, deps, conversation, carols, daves } = world();
    // Act
    const system = await postEvent(deps, admin, conversation.id, { type: 'custom:note', body: { n: 1 } });
    const asCarol = await postEvent(deps, admin, conversation.id, { ...text('x'), from: carols.id });
    const code = await codeOf(postEvent(deps, admin, conversation.id, { ...text('x'), from: daves.id }));
    // Assess
    expect(system).toMatchObject({ id: 4, type: 'custom:note' });
    expect(system.from).toBeUndefined();
    expect(asCarol).toMatchObject({ id: 5, from: carols.id, from_user: { name: 'carol' } });
    expect(code).toBe('event:error:not-joined');
    expect(mem.events(conversation.id)).toHaveLength(5);
  });

  it('decides on the conversation as it is when it commits: expired by then is not found', async () => {
    // Prepare
    const { mem, deps, conversation } = world();
    mem.beforeNextWrite(() => mem.patchConversation(conversation.id, { expires_at: NOW }));
    // Act
    const code = await codeOf(postEvent(deps, as('bob'), conversation.id, text('x')));
    // Assess
    expect(code).toBe('conversation:error:not-found');
    expect(mem.events(conversation.id)).toHaveLength(3);
    expect(mem.conversation(conversation.id)?.sequence_number).toBe(3);
  });

  it('decides on the conversation as it is when it commits: INACTIVE by then is not allowed', async () => {
    // Prepare
    const { mem, deps, conversation } = world();
    mem.beforeNextWrite(() => mem.patchConversation(conversation.id, { state: 'INACTIVE' }));
    // Act
    const code = await codeOf(postEvent(deps, as('bob'), conversation.id, text('x')));
    // Assess
    expect(code).toBe('conversation:error:not-allowed');
    expect(mem.events(conversation.id)).toHaveLength(3);
  });

  it('takes the id after events appended between its read and its commit', async () => {
    // Prepare
    const { mem, deps, conversation } = world();
    mem.beforeNextWrite(() => mem.seedEvent(conversation.id, text('meanwhile')));
    // Act
    const posted = await postEvent(deps, as('bob'), conversation.id, text('x'));
    // Assess
    expect(posted).toMatchObject({ id: 5, message_index: 4 });
  });

  it('decides again when the sender left before its event committed', async () => {
    // Prepare
    const { mem, deps, conversation, bobs } = world();
    mem.beforeNextWrite(() => mem.patchMember(conversation.id, bobs.id, { state: 'LEFT' }));
    // Act
    const code = await codeOf(postEvent(deps, as('bob'), conversation.id, text('x')));
    // Assess
    expect(code).toBe('conversation:error:not-found');
    expect(mem.events(conversation.id)).toHaveLength(3);
  });

  it('refuses an INACTIVE conversation with conversation:error:not-allowed', async () => {
    // Prepare
    const { mem, deps, conversation } = world();
    mem.patchConversation(conversation.id, { state: 'INACTIVE' });
    const before = mem.snapshot();
    // Act
    const code = await codeOf(postEvent(deps, as('bob'), conversation.id, text('x')));
    // Assess
    expect(code).toBe('conversation:error:not-allowed');
    expect(mem.snapshot()).toEqual(before);
  });
});

describe('Function: deleteEvent', () => {
  it('lets the sender delete its own message: a tombstone and event:delete', async () => {
    // Prepare
    const { mem, deps, conversation, bob, bobs, bobsMessage } = world();
    // Act
    await deleteEvent(deps, as('bob'), conversation.id, bobsMessage.id);
    // Assess
    const [, tombstone, , deleted] = mem.events(conversation.id);
    expect(tombstone).toMatchObject({ id: 2, type: 'message', body: {}, deleted: NOW });
    expect(deleted).toMatchObject({
      id: 4,
      type: 'event:delete',
      from: bobs.id,
      body: { event_id: '2' },
      from_user: { id: bob.id, name: 'bob' },
    });
    expect(mem.writes).toEqual([`events.remove ${conversation.id}#2`]);
  });

  it("refuses another user's message with event:error:permission-denied, in either mode", async () => {
    // Prepare
    const membership = world();
    const acl = world({ authorization: 'acl' });
    const before = [membership.mem.snapshot(), acl.mem.snapshot()];
    // Act
    const codes = [
      await codeOf(
        deleteEvent(membership.deps, as('bob'), membership.conversation.id, membership.carolsMessage.id),
      ),
      await codeOf(deleteEvent(acl.deps, as('bob'), acl.conversation.id, acl.carolsMessage.id)),
    ];
    // Assess
    expect(codes).toEqual(['event:error:permission-denied', 'event:error:permission-denied']);
    expect([membership.mem.snapshot(), acl.mem.snapshot()]).toEqual(before);
  });

  it('refuses an event that is neither a message nor custom with event:error:delete-not-allowed', async () => {
    // Prepare
    const { mem, deps, conversation, memberEvent } = world();
    const before = mem.snapshot();
    // Act
    const codes = [
      await codeOf(deleteEvent(deps, admin, conversation.id, memberEvent.id)),
      await codeOf(deleteEvent(deps, as('carol'), conversation.id, memberEvent.id)),
    ];
    // Assess
    expect(codes).toEqual(['event:error:delete-not-allowed', 'event:error:delete-not-allowed']);
    expect(mem.snapshot()).toEqual(before);
  });

  it('lets an admin delete any message, and answers not found for one already deleted or absent', async () => {
    // Prepare
    const { mem, deps, conversation, carolsMessage } = world();
    // Act
    await deleteEvent(deps, admin, conversation.id, carolsMessage.id);
    const again = await codeOf(deleteEvent(deps, admin, conversation.id, carolsMessage.id));
    const absent = await codeOf(deleteEvent(deps, admin, conversation.id, 99));
    // Assess
    expect(mem.events(conversation.id)[3]).toMatchObject({ type: 'event:delete', body: { event_id: '1' } });
    expect(mem.events(conversation.id)[3].from).toBeUndefined();
    expect([again, absent]).toEqual(['event:error:not-found', 'event:error:not-found']);
    expect(mem.events(conversation.id)).toHaveLength(4);
  });

  it('lets a user who left and came back delete the messages it sent before', async () => {
    // Prepare
    const { mem, deps, conversation, bob, bobs, bobsMessage } = world();
    mem.patchMember(conversation.id, bobs.id, { state: 'LEFT' });
    const again = mem.seedMember(conversation.id, bob, { state: 'JOINED' });
    // Act
    await deleteEvent(deps, as('bob'), conversation.id, bobsMessage.id);
    // Assess
    expect(mem.events(conversation.id).at(-1)).toMatchObject({ type: 'event:delete', from: again.id });
  });

  it('tells a user who may not see the conversation that it does not exist', async () => {
    // Prepare
    const { mem, deps, conversation, carolsMessage } = world();
    const before = mem.snapshot();
    // Act
    const code = await codeOf(deleteEvent(deps, as('frank'), conversation.id, carolsMessage.id));
    // Assess
    expect(code).toBe('conversation:error:not-found');
    expect(mem.snapshot()).toEqual(before);
  });
});

describe('Function: getEvent / listEvents', () => {
  it('shows the timeline to whoever sees the conversation, and nothing to whoever does not', async () => {
    // Prepare
    const { deps, conversation } = world();
    // Act
    const event = await getEvent(deps, as('dave'), conversation.id, 2);
    const listed = await listEvents(deps, as('alice'), conversation.id, {
      order: 'asc',
      pageSize: 10,
      types: ['message'],
    });
    const codes = [
      await codeOf(getEvent(deps, as('frank'), conversation.id, 2)),
      await codeOf(listEvents(deps, as('erin'), conversation.id, { order: 'asc', pageSize: 10 })),
      await codeOf(getEvent(deps, admin, conversation.id, 99)),
    ];
    // Assess
    expect(event).toMatchObject({ id: 2, type: 'message' });
    expect(listed.items.map((e) => e.id)).toEqual([1, 2]);
    expect(codes).toEqual([
      'conversation:error:not-found',
      'conversation:error:not-found',
      'event:error:not-found',
    ]);
  });

  it('keeps the ChatEvents group to messages, member changes, deletions and custom events', async () => {
    // Prepare: legacy texts, receipts of both kinds, a custom event.
    const { mem, deps, conversation, carols } = world();
    mem.seedEvent(conversation.id, { type: 'text', from: carols.id, body: { text: 'old' } });
    mem.seedEvent(conversation.id, { type: 'text:seen', from: carols.id, body: { event_id: 4 } });
    mem.seedEvent(conversation.id, { type: 'message:delivered', from: carols.id, body: { event_id: 1 } });
    mem.seedEvent(conversation.id, { type: 'custom:wave', from: carols.id, body: {} });
    mem.seedEvent(conversation.id, { type: 'event:delete', from: carols.id, body: { event_id: '1' } });
    const page = { order: 'asc' as const, pageSize: 100 };

    // Act
    const chat = await listEvents(deps, as('bob'), conversation.id, { ...page, group: 'ChatEvents' });
    const narrowed = await listEvents(deps, as('bob'), conversation.id, {
      ...page,
      group: 'ChatEvents',
      types: ['text', 'custom:wave'],
    });
    const none = await listEvents(deps, as('bob'), conversation.id, {
      ...page,
      group: 'ChatEvents',
      types: ['text:seen'],
    });
    const hidden = await codeOf(
      listEvents(deps, as('frank'), conversation.id, { ...page, group: 'ChatEvents' }),
    );

    // Assess
    expect(chat.items.map((e) => e.type)).toEqual([
      'message',
      'message',
      'member:joined',
      'custom:wave',
      'event:delete',
    ]);
    expect(narrowed.items.map((e) => e.type)).toEqual(['custom:wave']);
    expect(none.items).toEqual([]);
    expect(hidden).toBe('conversation:error:not-found');
  });
});
