/**
 * The fan-out's application-webhook sink: each new event becomes one delivery record and one message on
 * the delivery queue (SQS FIFO, the conversation as message group, the delivery id as deduplication id),
 * in the order the stream gives them. The sender Lambda does the rest. A batch handled twice makes the
 * same deliveries (their ids derive from the events), so the at-least-once stream sends each event once.
 */
import type { StreamedEvent } from '../domain/events.ts';
import { parleyWebhooks } from '../parley-webhooks.ts';

export const webhookSink = {
  name: 'webhooks',
  deliver: async (events: readonly StreamedEvent[]): Promise<void> => {
    await parleyWebhooks.deliveries.queueEvents(events);
  },
};
