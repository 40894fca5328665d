/**
 * Client SDK sessions: one live WebSocket connection of one user, and what the realtime use-cases need
 * from storage and from the socket gateway. Nothing here knows engine.io, API Gateway or DynamoDB.
 */
import type { ConversationEvent } from './events.ts';

/** One socket connection, as the gateway names it, and the session it carries. */
export interface Connection {
  /** The gateway's connection id (API Gateway's `connectionId`; the dev server's own). */
  id: string;
  /** The SDK's session id (`session:success` body `id`); kept across reconnects of the same session. */
  sessionId: string;
  /** Set once the session is logged in: at connect for a token in the query, at `session:login` else. */
  userId?: string;
  userName?: string;
  /** engine.io protocol revision the client speaks: 3 (nexmo-client ≤ 8) or 4. */
  protocol: 3 | 4;
  connectedAt: string;
  /** When the session's token stops being valid: the session ends then (ISO). */
  validUntil: string;
  /** The session this connection resumes, when the client came back with a `session_id`. */
  resumes?: { disconnectedAt: string };
}

/** A session whose socket went away: a reconnect with its id within the resume window picks it up. */
export interface DroppedSession {
  sessionId: string;
  userId: string;
  disconnectedAt: string;
}

/** A logged-in session on a socket: the connection that carries it now. */
export interface LiveSession {
  sessionId: string;
  userId: string;
  connectionId: string;
}

/** Where a session is, found by its id: on a live connection, or dropped (and perhaps resumable). */
export type SessionRecord = LiveSession | DroppedSession;

export const isDropped = (session: SessionRecord): session is DroppedSession => 'disconnectedAt' in session;

/** How long a dropped session may be resumed, and how far back a resume replays events. */
export const RESUME_WINDOW_S = 60 * 60;
/** Events this long before the drop are replayed too: they may still have been in flight to the socket. */
export const RESUME_OVERLAP_MS = 30_000;

export interface ConnectionStore {
  /** Stores a connection; a logged-in one also as its session's record (`session` finds it by session id). */
  put(connection: Connection): Promise<void>;
  get(connectionId: string): Promise<Connection | undefined>;
  /** Removes a connection; what was stored, if anything. */
  remove(connectionId: string): Promise<Connection | undefined>;
  /** The live connections of these users. */
  ofUsers(userIds: readonly string[]): Promise<Connection[]>;
  /** Every connection, a page at a time (the heartbeat's round). */
  all(): AsyncIterable<Connection[]>;
  /** Remembers a dropped session for `RESUME_WINDOW_S` (it replaces the session's live record). */
  dropped(session: DroppedSession): Promise<void>;
  /** Where the session of this id is: live on a connection, or dropped; undefined when it is unknown. */
  session(sessionId: string): Promise<SessionRecord | undefined>;
  /** The session of this id and the id of the user `userName` names (undefined: none), in one read. */
  sessionOfUser(sessionId: string, userName: string): Promise<{ session?: SessionRecord; userId?: string }>;
  /**
   * Moves the end of a live session to `validUntil` (ISO), on its connection and its record; false (and
   * nothing written) when that connection no longer carries this session of this user.
   */
  extend(session: LiveSession, change: { validUntil: string; now: string }): Promise<boolean>;
}

/** The gateway's side: frames to a connection, closing it, and the follow-up after a connect. */
export interface SocketGateway {
  /** Sends messages in order; false when the connection is gone (the gateway answered 410). */
  send(connection: Connection, messages: readonly Outgoing[]): Promise<boolean>;
  /** Closes a connection from the server's side. */
  close(connectionId: string): Promise<void>;
  /** Has the greeting of a new connection sent once the connect completed (the gateway refuses it before). */
  greetLater(connectionId: string): Promise<void>;
}

/**
 * Who may read a conversation, as this process last knew it: the users with an INVITED or JOINED member
 * once the conversation's event `asOf` was stored.
 */
export interface Readers {
  users: readonly string[];
  asOf: number;
}

/**
 * The readers of the conversations this process delivered to last. Every change to a conversation's
 * members is stored together with a member event, and event ids have no gaps, so readers known as of event
 * N are exact for a delivery that starts at event N + 1: that delivery needs no read of the members. For
 * any other delivery they are only a guess, whose connections are read while the members are.
 */
export interface ReaderCache {
  get(conversationId: string): Readers | undefined;
  set(conversationId: string, readers: Readers): void;
}

/**
 * Readers in memory, for the `limit` conversations delivered to most recently that have at most
 * `maxReaders` readers (a larger one is forgotten: it would cost memory, and its connection reads are many
 * anyway).
 */
export const readerCacheInMemory = (limit: number, maxReaders: number): ReaderCache => {
  const known = new Map<string, Readers>();
  return {
    get: (conversationId) => known.get(conversationId),
    set(conversationId, readers) {
      // Deleted first, so that the Map's order is the order of use and the oldest goes first.
      known.delete(conversationId);
      if (readers.users.length > maxReaders) return;
      known.set(conversationId, { users: [...readers.users], asOf: readers.asOf });
      if (known.size > limit) known.delete(known.keys().next().value as string);
    },
  };
};

/**
 * The live connections of users as this process last read them. A connection belongs to one user for its
 * whole life, so a delivery may send to the ones known before its own read of the connections returns:
 * that read still decides (a connection it finds that was not known is sent to then, one it no longer
 * finds is not treated as gone on the strength of the earlier send).
 */
export interface ConnectionCache {
  get(userId: string): readonly Connection[] | undefined;
  set(userId: string, connections: readonly Connection[]): void;
}

/**
 * Connections in memory, of the `limit` users delivered to most recently who have at most
 * `maxConnections` of them (one with more is forgotten).
 */
export const connectionCacheInMemory = (limit: number, maxConnections: number): ConnectionCache => {
  const known = new Map<string, readonly Connection[]>();
  return {
    get: (userId) => known.get(userId),
    set(userId, connections) {
      known.delete(userId);
      if (connections.length > maxConnections) return;
      known.set(userId, [...connections]);
      if (known.size > limit) known.delete(known.keys().next().value as string);
    },
  };
};

export interface SessionPorts {
  connections: ConnectionStore;
  gateway: SocketGateway;
  /** Absent: every delivery reads the members, then the connections. */
  readers?: ReaderCache;
  /** Absent: every delivery sends only once its read of the connections is back. */
  seen?: ConnectionCache;
}

/** An event of a conversation as a session receives it: stored ones with their id, ephemeral ones without. */
export interface SessionEvent {
  conversationId: string;
  event: Omit<ConversationEvent, 'id'> & { id?: number };
}

/** What the server says to a session; the socket surface turns each into the protocol's frames. */
export type Outgoing =
  /** The transport handshake (engine.io open, then socket.io connect). */
  | { kind: 'open' }
  /** The session is logged in (`session:success`), with the events it missed while away. */
  | { kind: 'session'; apiKey: string; pending: readonly SessionEvent[]; replyTo?: unknown }
  | { kind: 'event'; item: SessionEvent }
  | { kind: 'ping' }
  /** The server ends the session (token expired, logged out elsewhere): socket.io disconnect. */
  | { kind: 'end' };
