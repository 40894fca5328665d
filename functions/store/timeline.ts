/**
 * The one way anything is added to a conversation's timeline. Every write that appends events also moves
 * the conversation's `sequence_number` from the value it was read at to the last new event id, in the same
 * transaction, conditioned on the value read. Two writers that read the same sequence number cannot both
 * commit, so event ids are strictly increasing and gap-free; the loser re-reads and tries again.
 */
import type { Conversation } from '../domain/conversations.ts';
import type { ConversationEvent, NewEvent } from '../domain/events.ts';
import { ConversationChangedError } from '../domain/retry.ts';
import { tableName } from './client.ts';
import { forgetHead } from './heads.ts';
import { meta } from './item.ts';
import { keys } from './keys.ts';
import { ConditionFailedError, type TransactItem, TransactionConflictError, transact } from './transact.ts';

export interface TimelineWrite {
  /** The conversation as read; its `sequence_number` is the one the write expects. */
  conversation: Conversation;
  /** Events to append, in order; they get ids sequence_number + 1, + 2, … */
  events: NewEvent[];
  /** Counter changes on the conversation item (`member_count`, `message_count`). */
  counters?: { member_count?: number; message_count?: number };
  /** With a positive `member_count` change: the most members the conversation may then hold. */
  maxMembers?: number;
  /** Other attributes of the conversation item to set (state, timestamps, expiry). */
  set?: Record<string, unknown>;
  /** Other items written in the same transaction (members, legs, …). */
  items?: TransactItem[];
}

export const eventItem = (conversationId: string, event: ConversationEvent) => ({
  ...keys.event(conversationId, event.id),
  ...meta('event', event.timestamp),
  ...event,
});

/** The transaction items of a timeline write, and the events with their ids. */
export const timelineItems = (
  write: TimelineWrite,
): { items: TransactItem[]; events: ConversationEvent[] } => {
  const { conversation } = write;
  const first = conversation.sequence_number + 1;
  const events = write.events.map((e, i) => ({ ...e, id: first + i }));
  const last = conversation.sequence_number + events.length;

  const names: Record<string, string> = { '#seq': 'sequence_number' };
  const values: Record<string, unknown> = { ':prev': conversation.sequence_number, ':next': last };
  const set = ['#seq = :next'];
  const conditions = ['#seq = :prev'];
  for (const [k, v] of Object.entries(write.set ?? {})) {
    names[`#s_${k}`] = k;
    values[`:s_${k}`] = v;
    set.push(`#s_${k} = :s_${k}`);
  }
  for (const [k, delta] of Object.entries(write.counters ?? {})) {
    if (!delta) continue;
    names[`#c_${k}`] = k;
    values[`:c_${k}`] = delta;
    values[':zero'] = 0;
    set.push(`#c_${k} = if_not_exists(#c_${k}, :zero) + :c_${k}`);
  }
  const memberDelta = write.counters?.member_count ?? 0;
  if (memberDelta > 0 && write.maxMembers !== undefined) {
    values[':room'] = write.maxMembers - memberDelta;
    conditions.push('(attribute_not_exists(#c_member_count) OR #c_member_count <= :room)');
  }
  const items: TransactItem[] = [
    {
      Update: {
        TableName: tableName(),
        Key: keys.conversation(conversation.id),
        UpdateExpression: `SET ${set.join(', ')}`,
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    },
    ...events.map(
      (event): TransactItem => ({
        Put: {
          TableName: tableName(),
          Item: eventItem(conversation.id, event),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      }),
    ),
    ...(write.items ?? []),
  ];
  return { items, events };
};

/**
 * Commits a timeline write. Throws `ConversationChangedError` when the conversation moved on since it was
 * read (the use-case reads again and retries), or `ConditionFailedError` with the index among
 * `write.items` when one of the other items' conditions failed.
 */
export const commitTimeline = async (write: TimelineWrite): Promise<ConversationEvent[]> => {
  const { items, events } = timelineItems(write);
  if (items.length > 100) throw new Error(`a timeline write of ${items.length} items exceeds a transaction`);
  // The conversation item changes here behind the back of the cached head: the next append reads it.
  forgetHead(write.conversation.id);
  try {
    await transact(items);
    forgetHead(write.conversation.id);
  } catch (error) {
    if (error instanceof ConditionFailedError) {
      if (error.index <= events.length) throw new ConversationChangedError();
      throw new ConditionFailedError(error.index - 1 - events.length);
    }
    if (error instanceof TransactionConflictError) throw new ConversationChangedError();
    throw error;
  }
  return events;
};
