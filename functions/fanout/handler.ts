/**
 * The fan-out: the one place events leave the table. Fed by the table's stream (new event items only, by
 * the event source's filter), it hands each conversation's new events to every sink, conversations side
 * by side and each conversation's events in id order. A conversation whose delivery fails is reported from
 * its first record on, so the stream retries it (and, as streams do, what came after it in the shard);
 * the others are done.
 */
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { log } from '../http/log.ts';
import { eventsOfRecords, type SequencedEvent } from '../store/stream.ts';
import { sinks as defaultSinks, type Sink } from './sinks.ts';

const byConversation = (events: readonly SequencedEvent[]): SequencedEvent[][] => {
  const groups = new Map<string, SequencedEvent[]>();
  for (const e of events) {
    const group = groups.get(e.conversationId);
    if (group) group.push(e);
    else groups.set(e.conversationId, [e]);
  }
  return [...groups.values()];
};

/** Delivers one conversation's events to every sink; resolves with whether all of them took them. */
const deliverGroup = async (sinks: readonly Sink[], group: readonly SequencedEvent[]): Promise<boolean> => {
  const events = group.map(({ conversationId, event, edit }) => ({
    conversationId,
    event,
    ...(edit && { edit }),
  }));
  const results = await Promise.allSettled(sinks.map((s) => s.deliver(events)));
  let ok = true;
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') return;
    ok = false;
    log('error', 'fan-out sink failed', {
      sink: sinks[i].name,
      conversationId: group[0].conversationId,
      firstEventId: group[0].event.id,
      error: r.reason instanceof Error ? r.reason.message : String(r.reason),
    });
  });
  return ok;
};

/** The fan-out handler over a set of sinks (the Lambda uses every registered sink). */
export const fanOut =
  (sinks: readonly Sink[]) =>
  async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const groups = byConversation(eventsOfRecords(event.Records));
    const done = await Promise.all(groups.map((g) => deliverGroup(sinks, g)));
    const batchItemFailures = groups
      .filter((_, i) => !done[i])
      .map((g) => ({ itemIdentifier: g[0].sequenceNumber }));
    return { batchItemFailures };
  };

export const handler = fanOut(defaultSinks);
