/**
 * The reaper: fed by the table's stream, it reacts to DynamoDB's TTL deleting a conversation item (a
 * voice call's conversation, 48 hours after the call) and deletes what that conversation left: the rest
 * of its partition, its legs and its name claim. The event source's filter lets only such records through;
 * the same test is made here, so any other record (a user's DELETE, an event item) is ignored.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { log } from '../http/log.ts';
import { conversationPartition, keys } from '../store/keys.ts';
import { purgeConversationLeftovers } from '../store/reaper-repo.ts';

/** The identity DynamoDB puts on the records of the deletes its TTL makes. */
export const TTL_IDENTITY = { type: 'Service', principalId: 'dynamodb.amazonaws.com' } as const;

const CONVERSATION_PREFIX = conversationPartition('');
const CONVERSATION_SK = keys.conversation('').sk;

type Image = Record<string, AttributeValue>;

/** The conversation a record's TTL removal deleted (with its name), or nothing for any other record. */
export const expiredConversationOf = (record: DynamoDBRecord): { id: string; name?: string } | undefined => {
  const { eventName, userIdentity, dynamodb } = record;
  if (eventName !== 'REMOVE' || !dynamodb?.Keys) return undefined;
  if (userIdentity?.type !== TTL_IDENTITY.type || userIdentity.principalId !== TTL_IDENTITY.principalId)
    return undefined;
  const { pk, sk } = unmarshall(dynamodb.Keys as Image);
  if (sk !== CONVERSATION_SK || typeof pk !== 'string' || !pk.startsWith(CONVERSATION_PREFIX))
    return undefined;
  const id = pk.slice(CONVERSATION_PREFIX.length);
  if (id === '') return undefined;
  const old = dynamodb.OldImage ? unmarshall(dynamodb.OldImage as Image) : {};
  return { id, name: typeof old.name === 'string' ? old.name : undefined };
};

/**
 * Entry of the stream Lambda. Records are handled in order; at the first that fails, it is reported
 * (Lambda retries the shard from it, so the records after it come again anyway) and the rest is left.
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  for (const record of event.Records) {
    const conversation = expiredConversationOf(record);
    if (!conversation) continue;
    try {
      const purged = await purgeConversationLeftovers(conversation.id, conversation.name);
      log('info', 'reaper purged conversation', {
        conversationId: conversation.id,
        itemsDeleted: purged.partitionItems + purged.legs + (purged.nameReleased ? 1 : 0),
        ...purged,
      });
    } catch (error) {
      log('error', 'reaper could not purge conversation', {
        conversationId: conversation.id,
        eventId: record.eventID,
        error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
      });
      return { batchItemFailures: [{ itemIdentifier: record.eventID ?? '' }] };
    }
  }
  return { batchItemFailures: [] };
};
