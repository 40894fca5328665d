/**
 * The delivery queue: an SQS FIFO queue whose message group is the conversation, so SQS hands the sender
 * a conversation's deliveries one after the other in the order they were queued, and other conversations
 * side by side. Local runs and tests replace it with the in-process queue of infra/local (the same
 * interface, the same sender handler behind it).
 */
import {
  ChangeMessageVisibilityCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { DeliveryQueue } from '../domain/webhook-ports.ts';
import { messageBody } from '../domain/webhooks.ts';

/** SQS's longest visibility timeout: 12 hours (the retry schedule's cap stays below it). */
const MAX_VISIBILITY_SECONDS = 43_200;
/** SQS takes at most 10 messages per SendMessageBatch. */
const BATCH = 10;

let client: SQSClient | undefined;
const sqs = (): SQSClient => {
  client ??= new SQSClient({});
  return client;
};

/** The SQS FIFO queue (and its dead-letter queue) at these URLs. */
export const sqsDeliveryQueue = (
  queueUrl: string,
  deadLetterQueueUrl: string | undefined,
): DeliveryQueue => ({
  async enqueue(items) {
    // Batches go one after the other, so each conversation's messages reach SQS in the order given
    // (SQS keeps a FIFO batch's order too).
    for (let i = 0; i < items.length; i += BATCH) {
      const chunk = items.slice(i, i + BATCH);
      const out = await sqs().send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((item, n) => ({
            Id: String(n),
            MessageBody: messageBody(item),
            MessageGroupId: item.conversationId,
            MessageDeduplicationId: item.dedupId,
          })),
        }),
      );
      if (out.Failed && out.Failed.length > 0)
        throw new Error(
          `SQS refused ${out.Failed.length} of ${chunk.length} deliveries: ${out.Failed[0].Code}`,
        );
    }
  },

  async postpone(receipt, delayMs) {
    await sqs().send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: receipt,
        VisibilityTimeout: Math.min(MAX_VISIBILITY_SECONDS, Math.max(1, Math.ceil(delayMs / 1000))),
      }),
    );
  },

  async deadLetter(item, reason) {
    if (!deadLetterQueueUrl) return;
    await sqs().send(
      new SendMessageCommand({
        QueueUrl: deadLetterQueueUrl,
        MessageBody: messageBody(item),
        MessageGroupId: item.conversationId,
        MessageDeduplicationId: item.dedupId,
        MessageAttributes: { reason: { DataType: 'String', StringValue: reason.slice(0, 256) } },
      }),
    );
  },
});

let override: DeliveryQueue | undefined;

/** Puts another queue in place of SQS (the local in-process queue); `undefined` restores SQS. */
export const setDeliveryQueue = (queue: DeliveryQueue | undefined): void => {
  override = queue;
};

/** The queue of this process: the one set locally, else SQS at the configured URLs. */
export const deliveryQueue = (urls: { queueUrl?: string; deadLetterQueueUrl?: string }): DeliveryQueue => {
  if (override) return override;
  if (!urls.queueUrl) throw new Error('WEBHOOK_QUEUE_URL is not set and no local delivery queue runs');
  return sqsDeliveryQueue(urls.queueUrl, urls.deadLetterQueueUrl);
};
