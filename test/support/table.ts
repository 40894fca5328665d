/** Writes straight to the table, as another process (or DynamoDB itself) would, behind the handlers' back. */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '../../functions/store/client.ts';
import { keys } from '../../functions/store/keys.ts';

/** Sets a conversation's TTL attribute `secondsFromNow` seconds away (negative: already past). */
export const expire = (conversationId: string, secondsFromNow: number) =>
  db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.conversation(conversationId),
      UpdateExpression: 'SET expiresAt = :t',
      ExpressionAttributeValues: { ':t': Math.floor(Date.now() / 1000) + secondsFromNow },
    }),
  );

/** Makes a member LEFT on both of its items (member and the user's pointer), with no event. */
export const markLeft = async (conversationId: string, memberId: string, userId: string): Promise<void> => {
  for (const key of [keys.member(conversationId, memberId), keys.memberOfUser(conversationId, userId)])
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: key,
        UpdateExpression: 'SET #s = :left',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':left': 'LEFT' },
      }),
    );
};
