/**
 * What the table's stream says happened, in the domain's terms: the new events of conversations. The one
 * place that knows how an event item looks on the stream (keys, entity tag, bookkeeping attributes).
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, StreamRecord } from 'aws-lambda';
import type { ConversationEvent, StreamedEvent } from '../domain/events.ts';
import { dataOf } from './item.ts';
import { conversationPartition, keys } from './keys.ts';

/** A streamed event with the sequence number of its record (where a retry of the shard resumes). */
export interface SequencedEvent extends StreamedEvent {
  sequenceNumber: string;
}

const CONVERSATION_PREFIX = conversationPartition('');

/** An image's item, when it is an event item of a conversation. */
const eventItemOf = (image: StreamRecord['NewImage']) => {
  if (!image) return undefined;
  let item: Record<string, unknown>;
  try {
    item = unmarshall(image as Record<string, AttributeValue>);
  } catch {
    // Only a number JavaScript cannot hold makes unmarshall throw; validation keeps those out of events.
    return undefined;
  }
  if (item._et !== 'event' || typeof item.pk !== 'string' || !item.pk.startsWith(CONVERSATION_PREFIX))
    return undefined;
  if (typeof item.sk !== 'string' || !item.sk.startsWith(keys.eventsPrefix)) return undefined;
  return item as Record<string, unknown> & { pk: string };
};

/**
 * The event a record brings: the INSERT of an event item (a new event), or the MODIFY of a message whose
 * edit time it changes (an edit, with `edit`: the message as it now is). Anything else is not an event:
 * a deletion's tombstone, a receipt's or a count's update.
 */
export const eventOfRecord = (record: DynamoDBRecord): SequencedEvent | undefined => {
  const item = eventItemOf(record.dynamodb?.NewImage);
  if (!item) return undefined;
  const found = {
    conversationId: item.pk.slice(CONVERSATION_PREFIX.length),
    event: dataOf<ConversationEvent>(item),
    sequenceNumber: record.dynamodb?.SequenceNumber ?? '',
  };
  if (record.eventName === 'INSERT') return found;
  if (record.eventName !== 'MODIFY') return undefined;
  const { event } = found;
  const before = eventItemOf(record.dynamodb?.OldImage);
  const edited = event.type === 'message' && !event.deleted && event.edited !== undefined;
  return edited && before?.edited !== event.edited ? { ...found, edit: true } : undefined;
};

/** The new events a batch of stream records brings, in stream order. */
export const eventsOfRecords = (records: readonly DynamoDBRecord[]): SequencedEvent[] =>
  records.flatMap((r) => eventOfRecord(r) ?? []);
