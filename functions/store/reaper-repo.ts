/**
 * What a conversation leaves behind when DynamoDB's TTL deletes its item: the rest of its partition
 * (members, leg copies, events, users' pointers with their GSI1 entries), the leg items named by the leg
 * copies, and its name claim. Every step is a delete of something read just before, so running it twice,
 * or again after it stopped half-way, only deletes what is still there.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { batchDeleteKeys } from './batch-write.ts';
import { db, tableName } from './client.ts';
import { conversationPartition, type Key, keys } from './keys.ts';

/** What one purge deleted. */
export interface Purged {
  /** Items of the conversation's partition. */
  partitionItems: number;
  /** Leg items (`LEG#<id>`) named by the partition's leg copies. */
  legs: number;
  /** Whether the name claim still pointed at this conversation and was deleted. */
  nameReleased: boolean;
}

/** Deletes a leg item unless it belongs to another conversation; true when it was there to delete. */
const deleteLeg = async (legId: string, conversationId: string): Promise<boolean> => {
  try {
    const out = await db().send(
      new DeleteCommand({
        TableName: tableName(),
        Key: keys.leg(legId),
        ConditionExpression: 'attribute_not_exists(pk) OR conversation_id = :id',
        ExpressionAttributeValues: { ':id': conversationId },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return out.Attributes !== undefined;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
};

/** Deletes the name claim only while it is this conversation's (the name may have been taken again). */
const releaseName = async (name: string, conversationId: string): Promise<boolean> => {
  try {
    await db().send(
      new DeleteCommand({
        TableName: tableName(),
        Key: keys.conversationName(name),
        ConditionExpression: 'conversation_id = :id',
        ExpressionAttributeValues: { ':id': conversationId },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
};

/**
 * Deletes what a conversation whose item is gone left behind, page by page: the leg items a page's leg
 * copies name are deleted before the copies themselves, so a purge that stops half-way can still find
 * them next time. Nothing is added to a partition once its conversation item is gone (every write there
 * is conditioned on it), so reading the partition to its end reads all of it.
 */
export const purgeConversationLeftovers = async (
  conversationId: string,
  name?: string,
  /** Items per Query page (tests use a small one to cross pages); DynamoDB's 1 MB pages otherwise. */
  pageSize?: number,
): Promise<Purged> => {
  const purged: Purged = { partitionItems: 0, legs: 0, nameReleased: false };
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': conversationPartition(conversationId) },
        ProjectionExpression: 'pk, sk',
        ConsistentRead: true,
        Limit: pageSize,
        ExclusiveStartKey: start,
      }),
    );
    const found: Key[] = (page.Items ?? []).map((i) => ({ pk: String(i.pk), sk: String(i.sk) }));
    // The copy's sort key ends with the leg id (keys.legOfConversation).
    const legIds = found
      .filter((k) => k.sk.startsWith(keys.legsPrefix))
      .map((k) => k.sk.slice(keys.legsPrefix.length));
    for (const legId of legIds) if (await deleteLeg(legId, conversationId)) purged.legs++;
    await batchDeleteKeys(found);
    purged.partitionItems += found.length;
    start = page.LastEvaluatedKey;
  } while (start);
  if (name !== undefined) purged.nameReleased = await releaseName(name, conversationId);
  return purged;
};
