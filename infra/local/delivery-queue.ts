/**
 * The local stand-in for the SQS FIFO delivery queue and its Lambda event source: messages are kept in
 * memory per message group (conversation), deduplicated by id for five minutes as SQS does, and handed
 * to the same sender handler the Lambda runs, in SQS event shape, up to ten at a time. As with SQS FIFO, a
 * group's next message is not handed out while an earlier one is in flight or hidden, a hidden message
 * comes back when its visibility ends (`postpone` sets it, as ChangeMessageVisibility does), and several
 * invocations run side by side, so one slow conversation does not hold up the others.
 */
import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { DeliveryQueue } from '../../functions/domain/webhook-ports.ts';
import { messageBody, type QueuedDelivery } from '../../functions/domain/webhooks.ts';

type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;

interface Message {
  id: string;
  group: string;
  body: string;
  item: QueuedDelivery;
  visibleAt: number;
  inFlight: boolean;
  receipt?: string;
  receives: number;
  sentAt: number;
}

export interface LocalDeliveryQueueOptions {
  /** How often the queue looks for visible messages. @default 20 ms */
  intervalMs?: number;
  /** Messages per invocation (the event source's batch size). @default 10 */
  batchSize?: number;
  /** Invocations at a time. @default 10 */
  concurrency?: number;
  /** How long a message reported failed without a postponement stays hidden. @default 1000 ms */
  visibilityMs?: number;
  /** Receives after which a message moves to the dead-letter list (the redrive policy). @default 100 */
  maxReceiveCount?: number;
}

export interface LocalDeliveryQueue extends DeliveryQueue {
  /** What reached the dead-letter queue: by the sender's decision, or after too many receives. */
  readonly deadLettered: { item: QueuedDelivery; reason: string }[];
  /** Messages waiting or in flight. */
  size(): number;
  stop(): Promise<void>;
}

const DEDUP_WINDOW_MS = 5 * 60_000;

export const startLocalDeliveryQueue = (
  handler: SqsHandler,
  options: LocalDeliveryQueueOptions = {},
): LocalDeliveryQueue => {
  const intervalMs = options.intervalMs ?? 20;
  const batchSize = options.batchSize ?? 10;
  const concurrency = options.concurrency ?? 10;
  const visibilityMs = options.visibilityMs ?? 1000;
  const maxReceiveCount = options.maxReceiveCount ?? 100;
  /** Each group's messages in the order they were sent. */
  const groups = new Map<string, Message[]>();
  const seen = new Map<string, number>();
  const deadLettered: { item: QueuedDelivery; reason: string }[] = [];
  const running = new Set<Promise<void>>();
  let stopped = false;

  const remove = (m: Message) => {
    const list = groups.get(m.group);
    if (!list) return;
    const i = list.indexOf(m);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) groups.delete(m.group);
  };

  /** The messages one invocation gets: each group whose head is free and visible, its leading run. */
  const receive = (now: number): Message[] => {
    const batch: Message[] = [];
    for (const list of groups.values()) {
      if (batch.length >= batchSize) break;
      if (list.some((m) => m.inFlight)) continue;
      for (const m of list) {
        if (batch.length >= batchSize || m.visibleAt > now) break;
        batch.push(m);
      }
    }
    for (const m of batch) {
      m.inFlight = true;
      m.receives++;
      m.receipt = randomUUID();
      m.visibleAt = now + visibilityMs;
    }
    return batch;
  };

  const record = (m: Message): SQSRecord => ({
    messageId: m.id,
    receiptHandle: m.receipt ?? '',
    body: m.body,
    attributes: {
      ApproximateReceiveCount: String(m.receives),
      SentTimestamp: String(m.sentAt),
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: String(m.sentAt),
      MessageGroupId: m.group,
      MessageDeduplicationId: m.item.dedupId,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:local:000000000000:parley-deliveries.fifo',
    awsRegion: 'local',
  });

  const invoke = async (batch: Message[]) => {
    let failed = new Set(batch.map((m) => m.id));
    try {
      const out = await handler({ Records: batch.map(record) });
      failed = new Set((out?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch {
      // A thrown handler fails the whole batch, as with Lambda.
    }
    for (const m of batch) {
      m.inFlight = false;
      if (!failed.has(m.id)) remove(m);
      else if (m.receives >= maxReceiveCount) {
        remove(m);
        deadLettered.push({ item: m.item, reason: `received ${m.receives} times` });
      }
    }
  };

  const tick = () => {
    if (stopped) return;
    const now = Date.now();
    for (const [id, at] of seen) if (at + DEDUP_WINDOW_MS < now) seen.delete(id);
    while (running.size < concurrency) {
      const batch = receive(now);
      if (batch.length === 0) break;
      const run = invoke(batch).finally(() => running.delete(run));
      running.add(run);
    }
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();

  return {
    deadLettered,
    size: () => [...groups.values()].reduce((n, list) => n + list.length, 0),

    async enqueue(items) {
      const now = Date.now();
      for (const item of items) {
        if (seen.has(item.dedupId)) continue;
        seen.set(item.dedupId, now);
        const message: Message = {
          id: randomUUID(),
          group: item.conversationId,
          body: messageBody(item),
          item,
          visibleAt: now,
          inFlight: false,
          receives: 0,
          sentAt: now,
        };
        const list = groups.get(item.conversationId);
        if (list) list.push(message);
        else groups.set(item.conversationId, [message]);
      }
    },

    async postpone(receipt, delayMs) {
      for (const list of groups.values())
        for (const m of list) if (m.receipt === receipt) m.visibleAt = Date.now() + delayMs;
    },

    async deadLetter(item, reason) {
      deadLettered.push({ item, reason });
    },

    async stop() {
      stopped = true;
      clearInterval(timer);
      await Promise.allSettled([...running]);
    },
  };
};
