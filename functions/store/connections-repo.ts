/**
 * Socket connections and sessions in the one table. A connection lives in one of a few shard partitions
 * (read by id, or all of them for the heartbeat), is indexed by user on GSI1 (who receives a
 * conversation's events), and carries a TTL a little past its token's end, so a connection whose
 * disconnect never arrived is cleared by DynamoDB. A logged-in session also has a record by its id: the
 * connection carrying it (what a token refresh updates), replaced by the drop when its socket goes away.
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  type Connection,
  type ConnectionStore,
  type DroppedSession,
  type LiveSession,
  RESUME_WINDOW_S,
  type SessionRecord,
} from '../domain/sessions.ts';
import { batchGetItems } from './batch-get.ts';
import { db, tableName } from './client.ts';
import { dataOf, meta } from './item.ts';
import { CONNECTION_SHARDS, connectionKeys, keys } from './keys.ts';
import { TABLE } from './table.ts';
import { ConditionFailedError, transact } from './transact.ts';

/** A connection item outlives its token by this much before DynamoDB may remove it. */
const CONNECTION_TTL_MARGIN_S = 60 * 60;

const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

const connectionItem = (c: Connection) => ({
  ...connectionKeys.connection(c.id),
  ...(c.userId
    ? {
        ...connectionKeys.connectionsOfUser(c.userId),
        gsi1sk: connectionKeys.connectionOfUserSort(c.connectedAt, c.id),
      }
    : {}),
  ...meta('connection', c.connectedAt),
  [TABLE.ttlAttribute]: connectionTtl(c.validUntil),
  ...c,
});

/** The TTL of a connection, and of its session's live record: its token's end plus the margin. */
const connectionTtl = (validUntil: string) => epochSeconds(validUntil) + CONNECTION_TTL_MARGIN_S;

const liveSessionItem = (c: Connection, userId: string) => {
  const session: LiveSession = { sessionId: c.sessionId, userId, connectionId: c.id };
  return {
    ...connectionKeys.session(c.sessionId),
    ...meta('session', c.connectedAt),
    [TABLE.ttlAttribute]: connectionTtl(c.validUntil),
    ...session,
  };
};

const ofUser = async (userId: string): Promise<Connection[]> => {
  const found: Connection[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: TABLE.indexes.gsi1.name,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': connectionKeys.connectionsOfUser(userId).gsi1pk },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of out.Items ?? []) found.push(dataOf<Connection>(item));
    start = out.LastEvaluatedKey;
  } while (start);
  return found;
};

async function* all(): AsyncIterable<Connection[]> {
  for (let shard = 0; shard < CONNECTION_SHARDS; shard++) {
    let start: Record<string, unknown> | undefined;
    do {
      const out = await db().send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': connectionKeys.connectionShard(shard) },
          ExclusiveStartKey: start,
        }),
      );
      const page = (out.Items ?? []).map((item) => dataOf<Connection>(item));
      if (page.length > 0) yield page;
      start = out.LastEvaluatedKey;
    } while (start);
  }
}

export const connectionStore: ConnectionStore = {
  async put(connection) {
    const items: Record<string, unknown>[] = [connectionItem(connection)];
    if (connection.userId) items.push(liveSessionItem(connection, connection.userId));
    await Promise.all(items.map((Item) => db().send(new PutCommand({ TableName: tableName(), Item }))));
  },

  async get(connectionId) {
    const out = await db().send(
      new GetCommand({
        TableName: tableName(),
        Key: connectionKeys.connection(connectionId),
        ConsistentRead: true,
      }),
    );
    return out.Item ? dataOf<Connection>(out.Item) : undefined;
  },

  async remove(connectionId) {
    const out = await db().send(
      new DeleteCommand({
        TableName: tableName(),
        Key: connectionKeys.connection(connectionId),
        ReturnValues: 'ALL_OLD',
      }),
    );
    return out.Attributes ? dataOf<Connection>(out.Attributes) : undefined;
  },

  async ofUsers(userIds) {
    const found = await Promise.all(userIds.map(ofUser));
    return found.flat();
  },

  all,

  async dropped(session: DroppedSession) {
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...connectionKeys.session(session.sessionId),
          ...meta('dropped-session', session.disconnectedAt),
          [TABLE.ttlAttribute]: epochSeconds(session.disconnectedAt) + RESUME_WINDOW_S,
          ...session,
        },
      }),
    );
  },

  async session(sessionId) {
    const out = await db().send(
      new GetCommand({
        TableName: tableName(),
        Key: connectionKeys.session(sessionId),
        ConsistentRead: true,
      }),
    );
    return out.Item ? dataOf<SessionRecord>(out.Item) : undefined;
  },

  async sessionOfUser(sessionId, userName) {
    const sessionKey = connectionKeys.session(sessionId);
    const nameKey = keys.userName(userName);
    const found = await batchGetItems([sessionKey, nameKey]);
    const record = found.get(sessionKey);
    const user = found.get(nameKey);
    return {
      session: record ? dataOf<SessionRecord>(record) : undefined,
      userId: typeof user?.id === 'string' ? user.id : undefined,
    };
  },

  async extend(session, { validUntil, now }) {
    const set = { ':ttl': connectionTtl(validUntil), ':now': now, ':user': session.userId };
    try {
      await transact([
        {
          Update: {
            TableName: tableName(),
            Key: connectionKeys.connection(session.connectionId),
            UpdateExpression: 'SET validUntil = :until, #ttl = :ttl, updatedAt = :now',
            ConditionExpression: 'sessionId = :session AND userId = :user',
            ExpressionAttributeNames: { '#ttl': TABLE.ttlAttribute },
            ExpressionAttributeValues: { ...set, ':until': validUntil, ':session': session.sessionId },
          },
        },
        {
          Update: {
            TableName: tableName(),
            Key: connectionKeys.session(session.sessionId),
            UpdateExpression: 'SET #ttl = :ttl, updatedAt = :now',
            // Still live on that connection: a drop in the meantime replaced the record.
            ConditionExpression: 'connectionId = :connection AND userId = :user',
            ExpressionAttributeNames: { '#ttl': TABLE.ttlAttribute },
            ExpressionAttributeValues: { ...set, ':connection': session.connectionId },
          },
        },
      ]);
      return true;
    } catch (error) {
      if (error instanceof ConditionFailedError) return false;
      throw error;
    }
  },
};
