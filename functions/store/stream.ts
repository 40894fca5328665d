/**
 * What the table's stream says happened, in the domain's terms: the new events of conversations. The one
 * place that knows how an event item looks on the stream (keys, entity tag, bookkeeping attributes).
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { ConversationEvent, StreamedEvent } from '../domain/events.ts';
import { dataOf } from './item.ts';
import { conversationPartition, keys } from './keys.ts';

/** A streamed event with the sequence number of its record (where a retry of the shard resumes). */
export interface SequencedEvent extends StreamedEvent {
  sequenceNumber: string;
}

const CONVERSATION_PREFIX = conversationPartition('');

/** The event a record brings, if it is the INSERT of an event item; anything else is not an event. */
export const eventOfRecord = (record: DynamoDBRecord): SequencedEvent | undefined => {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || !image) return undefined;
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
  return {
    conversationId: item.pk.slice(CONVERSATION_PREFIX.length),
    event: dataOf<ConversationEvent>(item),
    sequenceNumber: record.dynamodb?.SequenceNumber ?? '',
  };
};

/** The new events a batch of stream records brings, in stream order. */
export const eventsOfRecords = (records: readonly DynamoDBRecord[]): SequencedEvent[] =>
  records.flatMap((r) => eventOfRecord(r) ?? []);
