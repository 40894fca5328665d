import { describe, expect, it } from 'vitest';
import {
  type Connection,
  connectionCacheInMemory,
  type Outgoing,
  readerCacheInMemory,
} from '../../../../functions/domain/sessions.ts';
import {
  connect,
  deliver,
  disconnect,
  heartbeat,
  logout,
  refresh,
  type SessionCaller,
  type SessionDeps,
} from '../../../../functions/domain/use-cases/sessions.ts';
import { codeOf, memoryPorts, NOW } from '../../../support/memory-ports.ts';
import { memorySessions } from '../../../support/memory-sessions.ts';

const START = Date.parse(NOW);
const SECOND = 1000;

/** A verified token of `name`, valid until `ms` after the test's start. */
const tokenOf = (name: string, ms: number): SessionCaller => ({
  actor: { kind: 'user', name },
  validUntilMs: START + ms,
});

const world = () => {
  const mem = memoryPorts();
  let now = NOW;
  // The users' store of these deps (read when a refresh asks who a name names).
  const sessions = memorySessions(async (name) => (await deps.ports.users.getByName(name))?.id);
  const deps: SessionDeps = {
    ...mem.deps({ now: () => now }),
    sessions: sessions.ports,
    applicationId: 'app',
  };
  const alice = mem.seedUser('alice');
  const bob = mem.seedUser('bob');
  const conversation = mem.seedConversation();
  const aliceMember = mem.seedMember(conversation.id, alice);
  mem.seedMember(conversation.id, bob);
  /** Moves the clock to `ms` after the test's start. */
  const at = (ms: number) => {
    now = new Date(START + ms).toISOString();
  };
  /** Alice logs in on connection `id` with a token valid for `ms`; her session id. */
  const login = async (id: string, ms: number) => {
    await connect(deps, tokenOf('alice', ms), { connectionId: id, protocol: 4 });
    return sessions.connection(id)?.sessionId as string;
  };
  /** Bob posts a message; it is handed to `deliver` as the fan-out would. */
  const bobPosts = async (text: string) => {
    const event = mem.seedEvent(conversation.id, { type: 'message', from: bob.id, body: { text } });
    await deliver(deps, [{ conversationId: conversation.id, event }]);
    return event;
  };
  const kindsSentTo = (id: string) => (sessions.sent.get(id) ?? []).map((m: Outgoing) => m.kind);
  return { mem, deps, sessions, alice, bob, conversation, aliceMember, at, login, bobPosts, kindsSentTo };
};

describe('Function: deliver, to a connection that is gone', () => {
  it('leaves the session resumable when the gateway answers gone before its $disconnect arrives', async () => {
    // Prepare: the socket is gone, but the gateway has not reported its disconnect yet
    const w = world();
    const sessionId = await w.login('c1', 60 * 60 * SECOND);
    w.sessions.refuse('c1');
    w.at(20 * SECOND);
    // Act
    await w.bobPosts('while away');
    await disconnect(w.deps, 'c1');
    // Assess: the connection is forgotten, and its session is recorded as dropped (so it can resume)
    expect(w.sessions.connection('c1')).toBeUndefined();
    expect(await w.sessions.ports.connections.session(sessionId)).toMatchObject({
      sessionId,
      disconnectedAt: new Date(START + 20 * SECOND).toISOString(),
    });
  });
});

describe('Function: refresh', () => {
  it('carries a session past its first token’s end: it is pinged, not ended, and still receives', async () => {
    // Prepare
    const w = world();
    const sessionId = await w.login('c1', 5 * SECOND);
    w.at(2 * SECOND);
    // Act
    await refresh(w.deps, tokenOf('alice', 60 * 60 * SECOND), sessionId);
    w.at(15 * SECOND);
    const round = await heartbeat(w.deps);
    const event = await w.bobPosts('still there?');
    // Assess
    expect(round).toEqual({ pinged: 1, ended: 0 });
    expect(w.sessions.connection('c1')?.validUntil).toBe(new Date(START + 60 * 60 * SECOND).toISOString());
    expect(w.sessions.sent.get('c1')?.at(-1)).toMatchObject({
      kind: 'event',
      item: { event: { id: event.id } },
    });
    expect(w.kindsSentTo('c1')).not.toContain('end');
  });

  it('leaves a session that is not refreshed to end at its token’s end', async () => {
    // Prepare
    const w = world();
    await w.login('c1', 5 * SECOND);
    // Act
    w.at(10 * SECOND);
    const round = await heartbeat(w.deps);
    await w.bobPosts('anyone?');
    // Assess
    expect(round).toEqual({ pinged: 0, ended: 1 });
    expect(w.kindsSentTo('c1')).toEqual(['end']);
    expect(w.sessions.connection('c1')).toBeUndefined();
  });

  it('ends a refreshed session at the new token’s end', async () => {
    // Prepare
    const w = world();
    const sessionId = await w.login('c1', 5 * SECOND);
    await refresh(w.deps, tokenOf('alice', 20 * SECOND), sessionId);
    // Act
    w.at(10 * SECOND);
    const early = await heartbeat(w.deps);
    w.at(30 * SECOND);
    const late = await heartbeat(w.deps);
    // Assess
    expect([early.ended, late.ended]).toEqual([0, 1]);
  });

  it('refuses another user’s token and an admin token (permission), writing nothing', async () => {
    // Prepare
    const w = world();
    const sessionId = await w.login('c1', 5 * SECOND);
    const before = w.sessions.snapshot();
    const writes = w.sessions.writes.length;
    // Act
    const codes = [
      await codeOf(refresh(w.deps, tokenOf('bob', 60 * SECOND), sessionId)),
      await codeOf(
        refresh(w.deps, { actor: { kind: 'admin' }, validUntilMs: START + 60 * SECOND }, sessionId),
      ),
      await codeOf(refresh(w.deps, tokenOf('nobody', 60 * SECOND), sessionId)),
    ];
    // Assess
    expect(codes).toEqual(['system:error:permission', 'system:error:permission', 'system:error:permission']);
    expect(w.sessions.snapshot()).toEqual(before);
    expect(w.sessions.writes).toHaveLength(writes);
  });

  it('answers not found for an unknown session and for one that logged out, writing nothing', async () => {
    // Prepare
    const w = world();
    const sessionId = await w.login('c1', 5 * SECOND);
    await logout(w.deps, 'c1');
    const before = w.sessions.snapshot();
    // Act
    const codes = [
      await codeOf(
        refresh(w.deps, tokenOf('alice', 60 * SECOND), 'SES-00000000-0000-4000-8000-000000000000'),
      ),
      await codeOf(refresh(w.deps, tokenOf('alice', 60 * SECOND), sessionId)),
    ];
    // Assess
    expect(codes).toEqual(['http:error:not-found', 'http:error:not-found']);
    expect(w.sessions.snapshot()).toEqual(before);
  });

  it('accepts a refresh of a dropped session inside the resume window, which the reconnect then resumes', async () => {
    // Prepare
    const w = world();
    const sessionId = await w.login('c1', 5 * SECOND);
    w.at(2 * SECOND);
    await disconnect(w.deps, 'c1');
    const before = w.sessions.snapshot();
    // Act
    const code = await codeOf(refresh(w.deps, tokenOf('alice', 60 * 60 * SECOND), sessionId));
    const unchanged = w.sessions.snapshot();
    w.at(3 * SECOND);
    await connect(w.deps, tokenOf('alice', 60 * 60 * SECOND), { connectionId: 'c2', protocol: 4, sessionId });
    w.at(15 * SECOND);
    const round = await heartbeat(w.deps);
    // Assess
    expect(code).toBe('resolved');
    expect(unchanged).toEqual(before);
    expect(w.sessions.connection('c2')?.sessionId).toBe(sessionId);
    expect(round).toEqual({ pinged: 1, ended: 0 });
  });

  it('answers not found for a dropped session past the resume window', async () => {
    // Prepare
    const w = world();
    const sessionId = await w.login('c1', 5 * SECOND);
    await disconnect(w.deps, 'c1');
    // Act
    w.at(2 * 60 * 60 * SECOND);
    const code = await codeOf(refresh(w.deps, tokenOf('alice', 3 * 60 * 60 * SECOND), sessionId));
    // Assess
    expect(code).toBe('http:error:not-found');
  });
});

describe('Function: heartbeat and deliver, during a greeting', () => {
  it('keep a connection the gateway still refuses while it may be in its greeting, and forget it after', async () => {
    // Prepare: the gateway refuses posts to a connection whose connect has not completed
    const w = world();
    await w.login('c1', 60 * 60 * SECOND);
    w.sessions.refuse('c1');
    // Act
    w.at(2 * SECOND);
    await heartbeat(w.deps);
    await w.bobPosts('too early');
    const during = w.sessions.connection('c1');
    w.at(20 * SECOND);
    await w.bobPosts('too late');
    // Assess
    expect(during?.id).toBe('c1');
    expect(w.sessions.connection('c1')).toBeUndefined();
  });
});

describe('Function: deliver, with the reader cache', () => {
  /** A world whose deliveries remember their readers, and a log of the reads they make. */
  const cachedWorld = () => {
    const w = world();
    const reads: string[] = [];
    const { conversations } = w.deps.ports;
    const { connections } = w.sessions.ports;
    w.deps.ports = {
      ...w.deps.ports,
      conversations: {
        ...conversations,
        withMembers: async (id) => {
          reads.push('members:start');
          const found = await conversations.withMembers(id);
          reads.push('members:done');
          return found;
        },
      },
    };
    w.deps.sessions = {
      ...w.sessions.ports,
      connections: {
        ...connections,
        ofUsers: (userIds) => {
          reads.push(`connections:${[...userIds].sort().join(',')}`);
          return connections.ofUsers(userIds);
        },
      },
      readers: readerCacheInMemory(10, 10),
      seen: connectionCacheInMemory(10, 10),
    };
    const cid = w.conversation.id;
    const carol = w.mem.seedUser('carol');
    /** Stores a message, as the fan-out finds it (not delivered yet). */
    const message = (text: string) =>
      w.mem.seedEvent(cid, { type: 'message', from: w.aliceMember.id, body: { text } });
    /** Stores a member event about `user`, with the member change it is written with. */
    const memberEvent = (type: 'member:invited' | 'member:left', user: { id: string; name: string }) => {
      if (type === 'member:left') w.mem.patchMember(cid, w.aliceMember.id, { state: 'LEFT' });
      else w.mem.seedMember(cid, carol, { state: 'INVITED' });
      return w.mem.seedEvent(cid, { type, body: { user: { id: user.id, name: user.name } } });
    };
    const delivered = (events: { id: number }[]) =>
      deliver(
        w.deps,
        events.map((event) => ({ conversationId: cid, event: event as never })),
      );
    return { ...w, reads, carol, message, memberEvent, delivered };
  };

  const eventIdsSentTo = (w: ReturnType<typeof world>, id: string) =>
    (w.sessions.sent.get(id) ?? []).flatMap((m) => (m.kind === 'event' ? [m.item.event.id] : []));

  /** Alice, bob and carol each logged in on a connection of their own (c1, c2, c3). */
  const everyoneOnline = async (w: ReturnType<typeof cachedWorld>) => {
    await w.login('c1', 60 * 60 * SECOND);
    await connect(w.deps, tokenOf('bob', 60 * 60 * SECOND), { connectionId: 'c2', protocol: 4 });
    await connect(w.deps, tokenOf('carol', 60 * 60 * SECOND), { connectionId: 'c3', protocol: 4 });
  };

  it('reads no members for the events right after the last ones delivered, and follows their member events', async () => {
    // Prepare: one delivery, which reads the members
    const w = cachedWorld();
    await everyoneOnline(w);
    const first = w.message('one');
    await w.delivered([first]);
    w.reads.length = 0;
    // Act: the next events: a message, alice leaves, a message, carol is invited, a message
    const next = [
      w.message('two'),
      w.memberEvent('member:left', w.alice),
      w.message('three'),
      w.memberEvent('member:invited', w.carol),
      w.message('four'),
    ];
    await w.delivered(next);
    // Assess: only connections were read; alice reads up to her leaving, carol from her invite on
    const ids = next.map((e) => e.id);
    expect(w.reads).toEqual([`connections:${[w.alice.id, w.bob.id, w.carol.id].sort().join(',')}`]);
    expect(eventIdsSentTo(w, 'c1')).toEqual([first.id, ids[0], ids[1]]);
    expect(eventIdsSentTo(w, 'c2')).toEqual([first.id, ...ids]);
    expect(eventIdsSentTo(w, 'c3')).toEqual([ids[3], ids[4]]);
  });

  it('reads the members when events were delivered elsewhere in between, the guessed connections meanwhile', async () => {
    // Prepare: a delivery here, then alice leaves in an event another process delivered
    const w = cachedWorld();
    await everyoneOnline(w);
    const first = w.message('one');
    await w.delivered([first]);
    w.memberEvent('member:left', w.alice);
    const after = w.message('two');
    w.reads.length = 0;
    // Act
    await w.delivered([after]);
    // Assess: the last readers' connections were asked for before the members came back, and alice,
    // whom the members read no longer names, receives nothing
    expect(w.reads).toEqual([
      `connections:${[w.alice.id, w.bob.id].sort().join(',')}`,
      'members:start',
      'members:done',
    ]);
    expect(eventIdsSentTo(w, 'c1')).toEqual([first.id]);
    expect(eventIdsSentTo(w, 'c2')).toEqual([first.id, after.id]);
  });

  it('reads the members again for events delivered a second time (a retried batch)', async () => {
    // Prepare
    const w = cachedWorld();
    await everyoneOnline(w);
    const first = w.message('one');
    await w.delivered([first]);
    w.reads.length = 0;
    // Act
    await w.delivered([first]);
    // Assess
    expect(w.reads).toContain('members:start');
  });

  it('reads the members every time without a cache', async () => {
    // Prepare
    const w = cachedWorld();
    await everyoneOnline(w);
    w.deps.sessions = { ...w.deps.sessions, readers: undefined };
    const first = w.message('one');
    await w.delivered([first]);
    w.reads.length = 0;
    // Act
    await w.delivered([w.message('two')]);
    // Assess
    expect(w.reads).toEqual([
      'members:start',
      'members:done',
      `connections:${[w.alice.id, w.bob.id].sort().join(',')}`,
    ]);
  });
});

describe('Function: deliver, with the connection cache', () => {
  /** A world whose deliveries remember connections, with the read of the connections held until `release`. */
  const heldWorld = () => {
    const w = world();
    const { connections, gateway } = w.sessions.ports;
    const attempts: string[] = [];
    let held: Promise<void> | undefined;
    let release = () => {};
    let sendsHeld: Promise<void> | undefined;
    let releaseSends = () => {};
    let reads = 0;
    w.deps.sessions = {
      ...w.sessions.ports,
      connections: {
        ...connections,
        ofUsers: async (userIds) => {
          reads++;
          await held;
          return connections.ofUsers(userIds);
        },
      },
      gateway: {
        ...gateway,
        send: async (connection, messages) => {
          attempts.push(connection.id);
          await sendsHeld;
          return gateway.send(connection, messages);
        },
      },
      seen: connectionCacheInMemory(10, 10),
    };
    const hold = () => {
      held = new Promise((res) => {
        release = res;
      });
    };
    const holdSends = () => {
      sendsHeld = new Promise((res) => {
        releaseSends = res;
      });
    };
    const idsSentTo = (id: string) =>
      (w.sessions.sent.get(id) ?? []).flatMap((m) => (m.kind === 'event' ? [m.item.event.id] : []));
    /** How many times the gateway was asked to send to this connection. */
    const attemptsAt = (id: string) => attempts.filter((a) => a === id).length;
    return {
      ...w,
      hold,
      release: () => release(),
      holdSends,
      releaseSends: () => releaseSends(),
      reads: () => reads,
      idsSentTo,
      attemptsAt,
    };
  };
  const turns = async (n = 20) => {
    for (let i = 0; i < n; i++) await new Promise((res) => setImmediate(res));
  };

  it('sends to the connections it knows before its read of them is back, and to a new one once it is', async () => {
    // Prepare: alice on c1 and bob on c2 have had a delivery; then bob opens c3
    const w = heldWorld();
    await w.login('c1', 60 * 60 * SECOND);
    await connect(w.deps, tokenOf('bob', 60 * 60 * SECOND), { connectionId: 'c2', protocol: 4 });
    const first = await w.bobPosts('one');
    await connect(w.deps, tokenOf('bob', 60 * 60 * SECOND), { connectionId: 'c3', protocol: 4 });
    // Act: the next delivery, its read of the connections held
    w.hold();
    const second = w.bobPosts('two');
    await turns();
    const whileReading = ['c1', 'c2', 'c3'].map((id) => w.idsSentTo(id));
    w.release();
    const two = await second;
    // Assess: the known ones had it during the read, the new one after it; each exactly once
    expect(whileReading).toEqual([[first.id, two.id], [first.id, two.id], []]);
    expect(['c1', 'c2', 'c3'].map((id) => w.idsSentTo(id))).toEqual([
      [first.id, two.id],
      [first.id, two.id],
      [two.id],
    ]);
  });

  it('reads the connections once the sends to the ones it knows are done, not beside them', async () => {
    // Prepare: alice on c1 has had a delivery; the gateway then holds its sends
    const w = heldWorld();
    await w.login('c1', 60 * 60 * SECOND);
    const first = await w.bobPosts('one');
    const readsBefore = w.reads();
    w.holdSends();
    // Act: the next delivery, its send to c1 held for a while, then let go
    const second = w.bobPosts('two');
    await turns();
    const whileSending = { reads: w.reads() - readsBefore, tried: w.attemptsAt('c1') };
    w.releaseSends();
    const two = await second;
    // Assess: c1 was being sent to with no read under way; the read came after, and c1 had it once
    expect(whileSending).toEqual({ reads: 0, tried: 2 });
    expect(w.reads() - readsBefore).toBe(1);
    expect(w.idsSentTo('c1')).toEqual([first.id, two.id]);
  });

  it('tries a known connection the read no longer finds once, and leaves its recorded drop as it is', async () => {
    // Prepare: alice's c1 had a delivery, then dropped (recorded at 2 s); the gateway answers it gone
    const w = heldWorld();
    const sessionId = await w.login('c1', 60 * 60 * SECOND);
    await w.bobPosts('one');
    w.at(2 * SECOND);
    await disconnect(w.deps, 'c1');
    w.sessions.refuse('c1');
    const writes = w.sessions.writes.length;
    // Act: two more deliveries
    w.at(30 * SECOND);
    await w.bobPosts('two');
    const afterTwo = w.attemptsAt('c1');
    await w.bobPosts('three');
    // Assess: tried from memory for the first, not at all for the second; nothing written, so the
    // session is still resumable from its drop at 2 s
    expect([afterTwo, w.attemptsAt('c1')]).toEqual([2, 2]);
    expect(w.sessions.writes).toHaveLength(writes);
    expect(await w.sessions.ports.connections.session(sessionId)).toMatchObject({
      disconnectedAt: new Date(START + 2 * SECOND).toISOString(),
    });
  });

  it('sends nothing before the read to a user whose connections it has not read yet', async () => {
    // Prepare: nothing delivered yet, alice online
    const w = heldWorld();
    await w.login('c1', 60 * 60 * SECOND);
    // Act
    w.hold();
    const first = w.bobPosts('one');
    await turns();
    const whileReading = w.idsSentTo('c1');
    w.release();
    const one = await first;
    // Assess
    expect(whileReading).toEqual([]);
    expect(w.idsSentTo('c1')).toEqual([one.id]);
  });
});

describe('Function: connectionCacheInMemory', () => {
  it('keeps the most recently used users up to its limit, and none with too many connections', () => {
    // Prepare
    const cache = connectionCacheInMemory(2, 2);
    const c = (id: string, userId: string) => ({ id, userId }) as Connection;
    // Act
    cache.set('u1', [c('a', 'u1')]);
    cache.set('u2', [c('b', 'u2')]);
    cache.set('u1', [c('a', 'u1'), c('c', 'u1')]);
    cache.set('u3', []);
    cache.set('u4', [c('d', 'u4'), c('e', 'u4'), c('f', 'u4')]);
    // Assess
    expect(['u1', 'u2', 'u3', 'u4'].map((u) => cache.get(u)?.map((x) => x.id))).toEqual([
      ['a', 'c'],
      undefined,
      [],
      undefined,
    ]);
  });
});

describe('Function: readerCacheInMemory', () => {
  it('keeps the most recently used conversations up to its limit, and none with too many readers', () => {
    // Prepare
    const cache = readerCacheInMemory(2, 3);
    // Act
    cache.set('CON-a', { users: ['u1'], asOf: 1 });
    cache.set('CON-b', { users: ['u2'], asOf: 1 });
    cache.set('CON-a', { users: ['u1', 'u3'], asOf: 4 });
    cache.set('CON-c', { users: ['u4'], asOf: 2 });
    cache.set('CON-big', { users: ['u1', 'u2', 'u3', 'u4'], asOf: 9 });
    // Assess
    expect(['CON-a', 'CON-b', 'CON-c', 'CON-big'].map((id) => cache.get(id))).toEqual([
      { users: ['u1', 'u3'], asOf: 4 },
      undefined,
      { users: ['u4'], asOf: 2 },
      undefined,
    ]);
  });
});
