/**
 * The ports only the Twilio Conversations root wires (`ExtensionPorts`): a conversation by its unique
 * name, a binding's claim, and message edits.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ExtensionPorts } from '../domain/ports.ts';
import { db, tableName } from './client.ts';
import { keys } from './keys.ts';

const get = async (key: { pk: string; sk: string }) =>
  (await db().send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }))).Item;

export const extensionPorts: ExtensionPorts = {
  async conversationIdByName(name) {
    const item = await get(keys.conversationName(name));
    return typeof item?.conversation_id === 'string' ? item.conversation_id : undefined;
  },

  async bindingOwner({ address, proxyAddress }) {
    const item = await get(keys.binding(address, proxyAddress));
    return item && typeof item.conversation_id === 'string' && typeof item.member_id === 'string'
      ? { conversationId: item.conversation_id, memberId: item.member_id }
      : undefined;
  },

  async editEvent({ conversationId, eventId, body, now }) {
    try {
      await db().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.event(conversationId, eventId),
          UpdateExpression: 'SET body = :body, edited = :now, updatedAt = :now',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deleted)',
          ExpressionAttributeValues: { ':body': body, ':now': now },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  },
};
