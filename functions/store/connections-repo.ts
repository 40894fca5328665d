/**
 * Socket connections and dropped sessions in the one table. A connection lives in one of a few shard
 * partitions (read by id, or all of them for the heartbeat), is indexed by user on GSI1 (who receives a
 * conversation's events), and carries a TTL a little past its token's end, so a connection whose
 * disconnect never arrived is cleared by DynamoDB.
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  type Connection,
  type ConnectionStore,
  type DroppedSession,
  RESUME_WINDOW_S,
} from '../domain/sessions.ts';
import { db, tableName } from './client.ts';
import { dataOf, meta } from './item.ts';
import { CONNECTION_SHARDS, connectionKeys } from './keys.ts';
import { TABLE } from './table.ts';

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
  [TABLE.ttlAttribute]: epochSeconds(c.validUntil) + CONNECTION_TTL_MARGIN_S,
  ...c,
});

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
    await db().send(new PutCommand({ TableName: tableName(), Item: connectionItem(connection) }));
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
          ...connectionKeys.droppedSession(session.sessionId),
          ...meta('dropped-session', session.disconnectedAt),
          [TABLE.ttlAttribute]: epochSeconds(session.disconnectedAt) + RESUME_WINDOW_S,
          ...session,
        },
      }),
    );
  },

  async droppedSession(sessionId) {
    const out = await db().send(
      new GetCommand({
        TableName: tableName(),
        Key: connectionKeys.droppedSession(sessionId),
        ConsistentRead: true,
      }),
    );
    return out.Item ? dataOf<DroppedSession>(out.Item) : undefined;
  },
};
