/**
 * Client SDK sessions: open one on a socket connection, greet it, end it, keep it alive, and deliver to it
 * the events of every conversation its user may read. Who receives an event follows the read rule of
 * `access.ts`: a user with an INVITED or JOINED member in the conversation (INVITED from its
 * `member:invited` on).
 */
import { randomUUID } from 'node:crypto';
import { authError, DomainError } from '../errors.ts';
import type { ConversationEvent } from '../events.ts';
import type { Deps } from '../ports.ts';
import {
  type Connection,
  type DroppedSession,
  isDropped,
  type Outgoing,
  RESUME_OVERLAP_MS,
  RESUME_WINDOW_S,
  type Readers,
  type SessionEvent,
  type SessionPorts,
} from '../sessions.ts';
import type { Actor } from '../timeline-context.ts';
import { listEvents } from './events.ts';
import { listUserConversations } from './users.ts';

export interface SessionDeps extends Deps {
  sessions: SessionPorts;
  /** The application id, given to the SDK as the session's `api_key`. */
  applicationId: string;
}

/** A verified token: who it names and until when it is valid (epoch ms). */
export interface SessionCaller {
  actor: Actor;
  validUntilMs: number;
}

export interface ConnectInput {
  connectionId: string;
  protocol: 3 | 4;
  /** The session a reconnecting client names (`session_id` in the query). */
  sessionId?: string;
}

const newSessionId = () => `SES-${randomUUID()}`;

/** The user a session's token names; admin tokens name none, and a session is a user's. */
const userOf = async (deps: SessionDeps, caller: SessionCaller) => {
  if (caller.actor.kind !== 'user') throw authError.permission();
  const user = await deps.ports.users.getByName(caller.actor.name);
  if (!user) throw authError.invalid();
  return user;
};

/** Whether a dropped session may still be picked up (by its own user) now. */
const resumable = (dropped: DroppedSession, nowMs: number) =>
  nowMs - Date.parse(dropped.disconnectedAt) < RESUME_WINDOW_S * 1000;

/**
 * A new socket connection. With a token (engine.io 4 clients put it in the query) the session is logged in
 * at once and greeted as soon as the gateway lets the server speak; without one (nexmo-client ≤ 8) it
 * waits for `session:login`.
 */
export const connect = async (
  deps: SessionDeps,
  caller: SessionCaller | undefined,
  input: ConnectInput,
): Promise<void> => {
  if (!caller && input.protocol === 4) throw authError.missing();
  const now = deps.now();
  const connection: Connection = {
    id: input.connectionId,
    sessionId: newSessionId(),
    protocol: input.protocol,
    connectedAt: now,
    validUntil: new Date(caller?.validUntilMs ?? Date.parse(now) + 60_000).toISOString(),
  };
  if (caller) {
    const user = await userOf(deps, caller);
    connection.userId = user.id;
    connection.userName = user.name;
    if (input.sessionId) {
      const found = await deps.sessions.connections.session(input.sessionId);
      if (found && isDropped(found) && found.userId === user.id && resumable(found, Date.parse(now))) {
        connection.sessionId = found.sessionId;
        connection.resumes = { disconnectedAt: found.disconnectedAt };
      }
    }
  }
  await deps.sessions.connections.put(connection);
  await deps.sessions.gateway.greetLater(connection.id);
};

/**
 * The events a resumed session missed: those of its user's conversations stored since shortly before its
 * socket dropped (the SDK drops the ones it already has, by id).
 */
const missedEvents = async (deps: SessionDeps, connection: Connection): Promise<SessionEvent[]> => {
  if (!connection.resumes || !connection.userName) return [];
  const actor: Actor = { kind: 'user', name: connection.userName };
  const since = new Date(Date.parse(connection.resumes.disconnectedAt) - RESUME_OVERLAP_MS).toISOString();
  const memberships = await listUserConversations(deps, actor, connection.userName, {
    order: 'desc',
    pageSize: 100,
    liveOnly: true,
  });
  const perConversation = await Promise.all(
    memberships.items.map(async ({ conversation }) => {
      const page = await listEvents(deps, actor, conversation.id, { order: 'desc', pageSize: 100 }).catch(
        () => ({ items: [] as ConversationEvent[] }),
      );
      return page.items
        .filter((e) => e.timestamp >= since)
        .reverse()
        .map((event) => ({ conversationId: conversation.id, event }));
    }),
  );
  return perConversation.flat();
};

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

/** How often a greeting tries, and its pause before each next try (ms): 8.75 s in all. */
const GREETING_ATTEMPTS = 20;
const greetingPause = (attempt: number) => Math.min(50 * 2 ** attempt, 500);
/**
 * A connection younger than this may not be greeted yet: the gateway still refuses posts to it (410),
 * which must not be taken for a connection that went away.
 */
const GREETING_WINDOW_MS = 10_000;

/**
 * The greeting of a new connection: the transport handshake and, for a logged-in session,
 * `session:success` (with the events a resumed session missed). The gateway may refuse posts for a moment
 * after the connect (it is still completing): tried again for a few seconds, inside the SDKs' login deadline.
 */
export const greet = async (deps: SessionDeps, connectionId: string): Promise<void> => {
  const connection = await deps.sessions.connections.get(connectionId);
  if (!connection) return;
  const messages: Outgoing[] = [{ kind: 'open' }];
  if (connection.userId) {
    messages.push({
      kind: 'session',
      apiKey: deps.applicationId,
      pending: await missedEvents(deps, connection),
    });
  }
  for (let attempt = 0; attempt < GREETING_ATTEMPTS; attempt++) {
    if (await deps.sessions.gateway.send(connection, messages)) return;
    await sleep(greetingPause(attempt));
  }
  await deps.sessions.connections.remove(connectionId);
};

/**
 * `session:login` (nexmo-client ≤ 8 sends its token in a message, not in the query): the connection's
 * session becomes the token's user's, until the token's end, and is answered `session:success` (naming the
 * request it answers). A connection already logged in stays its user's: another user's token is refused.
 */
export const login = async (
  deps: SessionDeps,
  connectionId: string,
  caller: SessionCaller,
  replyTo: unknown,
): Promise<void> => {
  const user = await userOf(deps, caller);
  const connection = await deps.sessions.connections.get(connectionId);
  if (!connection) return;
  if (connection.userId && connection.userId !== user.id) throw authError.permission();
  const session: Connection = {
    ...connection,
    userId: user.id,
    userName: user.name,
    validUntil: new Date(caller.validUntilMs).toISOString(),
  };
  await deps.sessions.connections.put(session);
  await deps.sessions.gateway.send(session, [
    { kind: 'session', apiKey: deps.applicationId, pending: [], replyTo },
  ]);
};

/** `session:logout`: the session ends for good (no resume); the client closes the socket after the reply. */
export const logout = async (deps: SessionDeps, connectionId: string): Promise<void> => {
  await deps.sessions.connections.remove(connectionId);
};

/**
 * The socket closed: the session stays resumable for a while, so a reconnect misses nothing. Also what a
 * delivery or the heartbeat does with a connection the gateway answers gone for, which may come before
 * the gateway's own `$disconnect`: whichever is first records the drop, the other finds nothing to do.
 */
export const disconnect = async (deps: SessionDeps, connectionId: string): Promise<void> => {
  const removed = await deps.sessions.connections.remove(connectionId);
  if (!removed?.userId) return;
  await deps.sessions.connections.dropped({
    sessionId: removed.sessionId,
    userId: removed.userId,
    disconnectedAt: deps.now(),
  });
};

/** What a token refresh needs: the users (who the token names) and the connections. */
export interface RefreshDeps extends Deps {
  sessions: Pick<SessionPorts, 'connections'>;
}

const sessionNotFound = () =>
  new DomainError('http:error:not-found', 'Session does not exist, or it has ended.');

const notYourSession = () =>
  new DomainError(
    'system:error:permission',
    "A session is refreshed with a token of the session's own user.",
  );

/**
 * A token refresh (`PUT /v0.2/sessions/{id}` with the new token as the bearer): the session goes on until
 * the new token's end instead of the old one's. Only a token of the session's own user refreshes it (else
 * permission refused); a session that is neither live nor resumable is not found. A dropped, resumable
 * session needs nothing written: the reconnect that resumes it carries the new token, which sets its end.
 */
export const refresh = async (deps: RefreshDeps, caller: SessionCaller, sessionId: string): Promise<void> => {
  if (caller.actor.kind !== 'user') throw notYourSession();
  const { session: found, userId } = await deps.sessions.connections.sessionOfUser(
    sessionId,
    caller.actor.name,
  );
  if (!found) throw sessionNotFound();
  if (found.userId !== userId) throw notYourSession();
  if (isDropped(found)) {
    if (!resumable(found, Date.parse(deps.now()))) throw sessionNotFound();
    return;
  }
  const change = { validUntil: new Date(caller.validUntilMs).toISOString(), now: deps.now() };
  if (!(await deps.sessions.connections.extend(found, change))) throw sessionNotFound();
};

/** Ends a session whose token is no longer valid: socket.io disconnect (`41`), then the socket closes. */
const end = async (deps: SessionDeps, connection: Connection): Promise<void> => {
  await deps.sessions.gateway.send(connection, [{ kind: 'end' }]).catch(() => false);
  await deps.sessions.connections.remove(connection.id);
  await deps.sessions.gateway.close(connection.id).catch(() => undefined);
};

const expired = (connection: Connection, nowMs: number) => Date.parse(connection.validUntil) <= nowMs;

/** Whether a connection may still be in its greeting (posts to it refused, yet it is no gone connection). */
const greeting = (connection: Connection, nowMs: number) =>
  nowMs - Date.parse(connection.connectedAt) < GREETING_WINDOW_MS;

/**
 * One heartbeat round: a ping to every live session, the end of every session whose token expired. A
 * connection still inside its greeting window is not pinged: a refused ping would forget it mid-greeting.
 */
export const heartbeat = async (deps: SessionDeps): Promise<{ pinged: number; ended: number }> => {
  const nowMs = Date.parse(deps.now());
  let pinged = 0;
  let ended = 0;
  for await (const page of deps.sessions.connections.all()) {
    await Promise.all(
      page.map(async (c) => {
        if (expired(c, nowMs)) {
          ended++;
          return end(deps, c);
        }
        // engine.io 3 clients ping the server themselves.
        if (c.protocol !== 4 || !c.userId) return;
        if (greeting(c, nowMs)) return;
        if (await deps.sessions.gateway.send(c, [{ kind: 'ping' }])) pinged++;
        else await disconnect(deps, c.id);
      }),
    );
  }
  return { pinged, ended };
};

/** The user a `member:*` event is about. */
const subjectOf = (event: SessionEvent['event']): string | undefined => {
  if (!event.type.startsWith('member:')) return undefined;
  const user = event.body.user as { id?: unknown } | undefined;
  return typeof user?.id === 'string' ? user.id : undefined;
};

/**
 * Who may read each event of one conversation, in order, going forward from the readers before the first
 * one: a member event about a user who is invited or joins adds that user from that event on, one about a
 * user who leaves removes the user after it; the user a member event is about reads that event. Also
 * answers the readers after the last event.
 */
const readersFrom = (before: Iterable<string>, events: readonly SessionEvent[]) => {
  const state = new Set(before);
  const each = events.map(({ event }) => {
    const subject = subjectOf(event);
    if (subject && (event.type === 'member:invited' || event.type === 'member:joined')) state.add(subject);
    if (subject && event.type === 'member:left') state.delete(subject);
    const readers = new Set(state);
    if (subject) readers.add(subject);
    return readers;
  });
  return { each, after: state };
};

/**
 * Who may read each event of one conversation, in order, going back from the readers read after them: a
 * user who left later in the batch still reads what came before; an invited one reads from its invite on;
 * the user a member event is about reads that event.
 */
const readersUntil = (live: ReadonlySet<string>, events: readonly SessionEvent[]): Set<string>[] => {
  const state = new Set(live);
  const out: Set<string>[] = new Array(events.length);
  for (let i = events.length - 1; i >= 0; i--) {
    const { event } = events[i];
    const subject = subjectOf(event);
    out[i] = new Set(state);
    if (subject) out[i].add(subject);
    if (subject && event.type === 'member:left') state.add(subject);
    if (subject && event.type === 'member:invited') state.delete(subject);
  }
  return out;
};

/** Whether the events are the stored ones right after event `asOf`, with no gap. */
const follow = (events: readonly SessionEvent[], asOf: number): boolean =>
  events.every(({ event }, i) => event.id === asOf + 1 + i);

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** A promise that never rejects, holding its outcome: started early, awaited (and thrown) later. */
const settled = <T>(p: Promise<T>): Promise<Outcome<T>> =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

const unwrap = <T>(outcome: Outcome<T>): T => {
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
};

/** The readers of events that follow the cache's own: no read, and the cache moves on past them. */
const readersFollowing = (
  deps: SessionDeps,
  known: Readers,
  events: readonly SessionEvent[],
): Set<string>[] => {
  const { each, after } = readersFrom(known.users, events);
  deps.sessions.readers?.set(events[0].conversationId, {
    users: [...after],
    asOf: known.asOf + events.length,
  });
  return each;
};

/**
 * The readers of events from the conversation's members read now, which the cache then keeps as of the
 * sequence number read with them, when that is past these events (an eventually consistent read may lag
 * behind them).
 */
const readersRead = async (deps: SessionDeps, events: readonly SessionEvent[]): Promise<Set<string>[]> => {
  const { conversationId } = events[0];
  const found = await deps.ports.conversations.withMembers(conversationId);
  const live = new Set(
    (found?.members ?? []).filter((m) => m.state === 'INVITED' || m.state === 'JOINED').map((m) => m.user_id),
  );
  const asOf = found?.conversation.sequence_number;
  const last = events.at(-1)?.event.id;
  if (asOf !== undefined && (last === undefined || asOf >= last))
    deps.sessions.readers?.set(conversationId, { users: [...live], asOf });
  return readersUntil(live, events);
};

/**
 * Who may read each of these events (one conversation's, in id order), and the connections of the users
 * the reader cache guessed, when it guessed: from the cache when it knows the readers as of the event just
 * before these (no read of the members: see `ReaderCache`); otherwise from the members, read while the
 * connections of the users the cache last knew are (a guess that only saves a round trip: the members
 * read decide).
 */
const readersOf = async (deps: SessionDeps, events: readonly SessionEvent[]) => {
  const known = deps.sessions.readers?.get(events[0].conversationId);
  if (known !== undefined && follow(events, known.asOf))
    return { readers: readersFollowing(deps, known, events), guessed: [] };
  const guessed = known?.users ?? [];
  const early = guessed.length > 0 ? settled(deps.sessions.connections.ofUsers(guessed)) : undefined;
  const readers = await readersRead(deps, events);
  return { readers, guessed, early };
};

/**
 * Delivers the new events of one conversation (in id order) to the live sessions of the users who may
 * read them, each session's events in order. The connections this process knows of those users (see
 * `ConnectionCache`) are sent to at once; once those sends are done, the connections read decide: one that
 * was not known is sent to once found, one that is no longer found is left alone whatever it answered. A
 * session that is gone is forgotten (unless it may still be in its greeting, which the gateway refuses
 * posts before); one whose token expired is ended. Throws when a read fails or the gateway fails otherwise, so the batch is retried
 * (sessions drop repeats by id).
 */
export const deliver = async (deps: SessionDeps, events: readonly SessionEvent[]): Promise<void> => {
  if (events.length === 0) return;
  const { connections: store, seen: cache } = deps.sessions;
  const { readers, guessed, early } = await readersOf(deps, events);
  const everyone = new Set(readers.flatMap((r) => [...r]));
  const nowMs = Date.parse(deps.now());
  /** Sends a connection the events its user reads; undefined when there are none. */
  const sendTo = async (c: Connection): Promise<boolean | undefined> => {
    const mine = events.filter((_, i) => readers[i].has(c.userId as string));
    if (mine.length === 0) return undefined;
    return deps.sessions.gateway.send(
      c,
      mine.map((item) => ({ kind: 'event', item })),
    );
  };
  const sent = new Map<string, Promise<Outcome<boolean | undefined>>>();
  for (const user of everyone)
    for (const c of cache?.get(user) ?? []) if (!expired(c, nowMs)) sent.set(c.id, settled(sendTo(c)));
  // Those sends go out with nothing beside them; the read that confirms them comes once they are done.
  await Promise.all(sent.values());
  const asked = new Set(guessed);
  const missing = [...everyone].filter((u) => !asked.has(u));
  const found = await Promise.all([
    early?.then(unwrap) ?? [],
    missing.length > 0 ? store.ofUsers(missing) : [],
  ]);
  // Who receives is decided by the readers just found: a guessed user who is no reader gets nothing.
  // What a known connection the read no longer finds answered says nothing: it went away meanwhile.
  const connections = found.flat().filter((c) => c.userId !== undefined && everyone.has(c.userId));
  for (const user of everyone)
    cache?.set(
      user,
      connections.filter((c) => c.userId === user),
    );
  await Promise.all(
    connections.map(async (c) => {
      const before = sent.get(c.id);
      if (expired(c, nowMs)) return end(deps, c);
      const live = before ? unwrap(await before) : await sendTo(c);
      if (live === false && !greeting(c, nowMs)) await disconnect(deps, c.id);
    }),
  );
};
