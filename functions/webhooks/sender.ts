/**
 * The sender Lambda: fed by the SQS FIFO delivery queue (message group = conversation), it makes one
 * attempt of each delivery it receives. A batch may hold several conversations: each is worked through
 * in queue order, side by side with the others. When a delivery is to be tried again later, the use-case
 * hides its message for the schedule's wait (ChangeMessageVisibility), and this reports it and the rest
 * of its conversation's messages in the batch as failed: SQS gives none of that conversation's later
 * messages to anyone until it is visible again, so order holds and other conversations flow.
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { queuedOfBody } from '../domain/webhooks.ts';
import { log } from '../http/log.ts';
import { parleyWebhooks } from '../parley-webhooks.ts';

const byGroup = (records: readonly SQSRecord[]): SQSRecord[][] => {
  const groups = new Map<string, SQSRecord[]>();
  for (const r of records) {
    const key = r.attributes.MessageGroupId ?? r.messageId;
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()];
};

/** Works through one conversation's messages in order; the ids of those left for later. */
const sendGroup = async (records: readonly SQSRecord[]): Promise<string[]> => {
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    try {
      const message = { ...queuedOfBody(record.body), receipt: record.receiptHandle };
      const outcome = await parleyWebhooks.deliveries.attempt(message);
      log('info', 'webhook attempt', {
        deliveryId: message.deliveryId,
        conversationId: message.conversationId,
        ...(outcome.kind === 'retry' ? { retryInMs: outcome.delayMs } : { status: outcome.status }),
      });
      if (outcome.kind === 'retry') return records.slice(i).map((r) => r.messageId);
    } catch (error) {
      log('error', 'webhook attempt failed', {
        messageId: record.messageId,
        error: error instanceof Error ? { message: error.message, stack: error.stack } : String(error),
      });
      return records.slice(i).map((r) => r.messageId);
    }
  }
  return [];
};

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const left = await Promise.all(byGroup(event.Records).map(sendGroup));
  return { batchItemFailures: left.flat().map((itemIdentifier) => ({ itemIdentifier })) };
};
