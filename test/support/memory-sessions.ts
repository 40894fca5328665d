/**
 * In-memory session ports (`functions/domain/sessions.ts`) for unit tests of the session use-cases: a
 * connection store that keeps the contract the DynamoDB one does (a logged-in connection is also its
 * session's record; `dropped` replaces that record; `extend` writes nothing unless the connection still
 * carries that session of that user) and a gateway that records what each connection was sent. Every write
 * through the store is recorded in `writes`.
 */
import {
  type Connection,
  type ConnectionStore,
  isDropped,
  type Outgoing,
  type SessionRecord,
  type SocketGateway,
} from '../../functions/domain/sessions.ts';

const clone = <T>(value: T): T => (value === undefined ? value : structuredClone(value));

/** `userIdOf`: the id of the user a name names, as the users' store has it. */
export const memorySessions = (
  userIdOf: (name: string) => Promise<string | undefined> = async () => undefined,
) => {
  const connections = new Map<string, Connection>();
  const sessions = new Map<string, SessionRecord>();
  const writes: string[] = [];
  /** What each connection was sent, in order. */
  const sent = new Map<string, Outgoing[]>();
  /** Connections the gateway answers as gone (410). */
  const gone = new Set<string>();

  const store: ConnectionStore = {
    async put(connection) {
      writes.push(`connections.put ${connection.id}`);
      connections.set(connection.id, clone(connection));
      if (connection.userId)
        sessions.set(connection.sessionId, {
          sessionId: connection.sessionId,
          userId: connection.userId,
          connectionId: connection.id,
        });
    },
    async get(id) {
      return clone(connections.get(id));
    },
    async remove(id) {
      const found = connections.get(id);
      if (found) writes.push(`connections.remove ${id}`);
      connections.delete(id);
      return clone(found);
    },
    async ofUsers(userIds) {
      return [...connections.values()].filter((c) => c.userId && userIds.includes(c.userId)).map(clone);
    },
    async *all() {
      yield [...connections.values()].map(clone);
    },
    async dropped(session) {
      writes.push(`connections.dropped ${session.sessionId}`);
      sessions.set(session.sessionId, clone(session));
    },
    async session(sessionId) {
      return clone(sessions.get(sessionId));
    },
    async sessionOfUser(sessionId, userName) {
      return { session: clone(sessions.get(sessionId)), userId: (await userIdOf(userName)) ?? undefined };
    },
    async extend(session, { validUntil }) {
      const connection = connections.get(session.connectionId);
      const record = sessions.get(session.sessionId);
      if (
        connection?.sessionId !== session.sessionId ||
        connection.userId !== session.userId ||
        !record ||
        isDropped(record) ||
        record.connectionId !== session.connectionId
      )
        return false;
      writes.push(`connections.extend ${session.sessionId}`);
      connections.set(connection.id, { ...connection, validUntil });
      return true;
    },
  };

  const gateway: SocketGateway = {
    async send(connection, messages) {
      if (gone.has(connection.id)) return false;
      sent.set(connection.id, [...(sent.get(connection.id) ?? []), ...clone(messages)]);
      return true;
    },
    async close(id) {
      gone.add(id);
    },
    async greetLater() {},
  };

  return {
    ports: { connections: store, gateway },
    writes,
    sent,
    /** Has the gateway refuse posts to this connection from now on (410: gone, or not connected yet). */
    refuse: (id: string) => gone.add(id),
    /** The stored connection of this id. */
    connection: (id: string) => clone(connections.get(id)),
    /** Everything stored: equal before and after a call that wrote nothing. */
    snapshot: () =>
      clone({ connections: Object.fromEntries(connections), sessions: Object.fromEntries(sessions) }),
  };
};
