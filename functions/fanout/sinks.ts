/**
 * Where new events go once they are in the table. Each sink gets the events of one conversation at a time,
 * in id order, and may get them again (a failed batch is retried from its first failed conversation):
 * delivery is at least once, so a sink must tolerate repeats.
 */
import type { StreamedEvent } from '../domain/events.ts';
import { webhookSink } from './webhook-sink.ts';

export interface Sink {
  /** Named in logs when it fails. */
  name: string;
  /** Delivers the new events of one conversation, in id order; throws to have them retried. */
  deliver(events: readonly StreamedEvent[]): Promise<void>;
}

/** Every sink the fan-out Lambda runs. */
export const sinks: Sink[] = [webhookSink];
