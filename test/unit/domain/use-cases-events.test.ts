import { describe, expect, it } from 'vitest';
import type { Conversation } from '../../../functions/domain/conversations.ts';
import type { DomainError } from '../../../functions/domain/errors.ts';
import type { ConversationEvent } from '../../../functions/domain/events.ts';
import type { Deps, EventDecision, EventStore, Ports } from '../../../functions/domain/ports.ts';
import type { StoredMember, TimelineContext } from '../../../functions/domain/timeline-context.ts';
import { deleteEvent, postEvent } from '../../../functions/domain/use-cases/events.ts';

const conversation: Conversation = {
  id: 'CON-1',
  name: 'n',
  state: 'ACTIVE',
  sequence_number: 10,
  message_count: 3,
  properties: {},
  timestamp: { created: 't' },
};
const alice: StoredMember = {
  id: 'MEM-A',
  conversation_id: 'CON-1',
  user_id: 'USR-A',
  user_name: 'alice',
  state: 'JOINED',
  channel: { type: 'app' },
  initiator: {},
  timestamp: {},
  last_seen_event_id: 2,
  seen_message_count: 0,
  createdAt: 't',
};
const message: ConversationEvent = {
  id: 8,
  type: 'message',
  from: 'MEM-B',
  body: { message_type: 'text', text: 'x' },
  timestamp: 't',
  message_index: 2,
  from_user: { id: 'USR-B', name: 'bob' },
};

/**
 * An in-memory store: the context it is given, and the writes it was asked for, decided against `head`
 * (the conversation as it is when the write commits; by default the one loaded).
 */
const fakeStore = (ctx: TimelineContext, head = ctx.conversation as Conversation) => {
  const appended: EventDecision[] = [];
  const removed: Parameters<EventStore['remove']>[0][] = [];
  const store: EventStore = {
    load: async () => ctx,
    append: async (w) => {
      const decision = w.decide(head);
      appended.push(decision);
      return { ...decision.event, id: head.sequence_number + 1 };
    },
    remove: async (w) => {
      removed.push(w);
    },
  };
  const deps: Deps = {
    ports: { context: store, events: { ...store, list: async () => ({ items: [] }) } } as unknown as Ports,
    settings: { authorization: 'membership', maxMembersPerConversation: 100, maxCallSeconds: 7200 },
    now: () => 'now',
  };
  return { store: deps, appended, removed };
};

const aliceCtx: TimelineContext = {
  conversation,
  callerUser: { id: 'USR-A', name: 'alice', properties: {}, timestamp: { created: 't' } },
  callerMember: alice,
  event: message,
};
const asAlice = { kind: 'user', name: 'alice' } as const;
const errorOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (error) {
    return (error as DomainError).code;
  }
  return undefined;
};

describe('Function: postEvent', () => {
  it("counts a message and moves its sender's horizon to it", async () => {
    const { store, appended } = fakeStore(aliceCtx);
    const posted = await postEvent(store, asAlice, 'CON-1', { type: 'message', body: { text: 'hi' } });
    expect(posted).toMatchObject({ id: 11, from: 'MEM-A', message_index: 4 });
    expect(appended[0].messageDelta).toBe(1);
    expect(appended[0].senderNext).toMatchObject({ last_seen_event_id: 11, seen_message_count: 4 });
  });

  it('decides against the conversation as it is at commit, not as it was loaded', async () => {
    const later = { ...conversation, sequence_number: 20, message_count: 7 };
    const { store, appended } = fakeStore(aliceCtx, later);
    const posted = await postEvent(store, asAlice, 'CON-1', { type: 'message', body: { text: 'hi' } });
    expect(posted).toMatchObject({ id: 21, message_index: 8 });
    expect(appended[0].senderNext).toMatchObject({ last_seen_event_id: 21, seen_message_count: 8 });
  });

  it('refuses at commit when the conversation became INACTIVE meanwhile', async () => {
    const { store } = fakeStore(aliceCtx, { ...conversation, state: 'INACTIVE' });
    expect(await errorOf(postEvent(store, asAlice, 'CON-1', { type: 'message', body: {} }))).toBe(
      'conversation:error:not-allowed',
    );
  });

  it('moves the horizon on message:seen and writes nothing for an ephemeral event', async () => {
    const { store, appended } = fakeStore(aliceCtx);
    await postEvent(store, asAlice, 'CON-1', { type: 'message:seen', body: { event_id: 8 } });
    expect(appended[0]).toMatchObject({
      messageDelta: 0,
      senderNext: { last_seen_event_id: 8, seen_message_count: 2 },
    });
    const typing = await postEvent(store, asAlice, 'CON-1', { type: 'text:typing:on', body: {} });
    expect(typing.id).toBeUndefined();
    expect(appended).toHaveLength(1);
  });

  it('refuses a sender that is not JOINED', async () => {
    const { store, appended } = fakeStore({ ...aliceCtx, callerMember: { ...alice, state: 'INVITED' } });
    expect(await errorOf(postEvent(store, asAlice, 'CON-1', { type: 'message', body: {} }))).toBe(
      'event:error:not-joined',
    );
    expect(appended).toHaveLength(0);
  });
});

describe('Function: deleteEvent', () => {
  it("lets only the sender's user or an admin delete", async () => {
    const { store, removed } = fakeStore(aliceCtx);
    expect(await errorOf(deleteEvent(store, asAlice, 'CON-1', 8))).toBe('event:error:permission-denied');
    await deleteEvent(store, { kind: 'admin' }, 'CON-1', 8);
    expect(removed[0].event).toMatchObject({ type: 'event:delete', body: { event_id: 8 } });
  });
});
