/**
 * The table's stream, locally: tails DynamoDB Local's Streams API into a stream handler (the fan-out
 * Lambda's export), the way Lambda's event source mapping does in AWS. Each shard is read in order; a
 * batch the handler reports failed is retried from its first failed record, as Lambda retries a shard.
 * New shards (DynamoDB Local rolls them) are picked up from their start, the ones that existed when the
 * tail began from their end: the tail delivers what is written after it starts.
 *
 * A shard that keeps having nothing new is polled less and less often (from 5 ms up to `idleMaxMs`), so an
 * idle dev server leaves DynamoDB Local idle too; `poke()` (called once a handler that may have written has
 * returned) has every shard polled at once, so what was written is delivered without waiting for that.
 */
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { localEndpoint } from '../../functions/store/client.ts';

export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;

export interface StreamTailOptions {
  endpoint: string;
  tableName: string;
  /** The longest pause between polls of a shard that keeps having nothing new (ms). */
  idleMaxMs?: number;
  /** Pause before a failed batch is handed over again (ms). */
  retryMs?: number;
}

export interface StreamTail {
  /** Something may have been written: every shard is polled now, not at the end of its idle pause. */
  poke(): void;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

/** The first pause after a poll that found nothing (ms); each further one doubles it, up to `idleMaxMs`. */
const IDLE_FIRST_MS = 5;

/**
 * A handler that pokes `tail` once it has returned (whatever it answered): a handler's writes are in the
 * table by then.
 */
export const pokingAfter =
  <A extends unknown[], R>(handler: (...args: A) => Promise<R>, poke: () => void) =>
  async (...args: A): Promise<R> => {
    try {
      return await handler(...args);
    } finally {
      poke();
    }
  };

/** A Streams API record in the shape Lambda hands to a stream handler. */
const asLambdaRecord = (r: _Record, streamArn: string): DynamoDBRecord => ({
  eventID: r.eventID,
  eventName: r.eventName as DynamoDBRecord['eventName'],
  eventSource: 'aws:dynamodb',
  eventVersion: r.eventVersion,
  awsRegion: r.awsRegion,
  eventSourceARN: streamArn,
  userIdentity: r.userIdentity,
  dynamodb: {
    ...(r.dynamodb as DynamoDBRecord['dynamodb']),
    ApproximateCreationDateTime: r.dynamodb?.ApproximateCreationDateTime
      ? r.dynamodb.ApproximateCreationDateTime.getTime() / 1000
      : undefined,
  },
});

/** Starts tailing the table's stream into `handler`; `stop()` ends it after the batch in hand. */
export const startStreamTail = async (
  handler: StreamHandler,
  options: StreamTailOptions,
): Promise<StreamTail> => {
  const { endpoint, tableName, idleMaxMs = 100, retryMs = 200 } = options;
  const config = localEndpoint(endpoint);
  const dynamo = new DynamoDBClient(config);
  const streams = new DynamoDBStreamsClient(config);
  const table = await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
  const streamArn = table.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${tableName} has no stream`);

  let running = true;
  /** How many pokes there have been, and the pauses they cut short. */
  let pokes = 0;
  const sleepers = new Set<() => void>();
  /** A pause that a poke ends early. */
  const idle = (ms: number) =>
    new Promise<void>((res) => {
      const wake = () => {
        clearTimeout(timer);
        sleepers.delete(wake);
        res();
      };
      const timer = setTimeout(wake, ms);
      sleepers.add(wake);
    });
  /** Shards being read, by id; a shard whose iterator ran out is closed and stays in `finished`. */
  const reading = new Map<string, Promise<void>>();
  const finished = new Set<string>();

  const readShard = async (shardId: string, fromStart: boolean): Promise<void> => {
    let iterator = (
      await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shardId,
          ShardIteratorType: fromStart ? 'TRIM_HORIZON' : 'LATEST',
        }),
      )
    ).ShardIterator;
    let pending: DynamoDBRecord[] = [];
    let pause = IDLE_FIRST_MS;
    while (running && iterator) {
      if (pending.length === 0) {
        const pokesBefore = pokes;
        const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
        iterator = page.NextShardIterator;
        pending = (page.Records ?? []).map((r) => asLambdaRecord(r, streamArn));
        if (pending.length === 0) {
          // Poked while this poll was on its way: what was written may have missed it, so poll again now.
          if (pokes !== pokesBefore) {
            pause = IDLE_FIRST_MS;
            continue;
          }
          const pokesAsleep = pokes;
          await idle(pause);
          pause = pokes !== pokesAsleep ? IDLE_FIRST_MS : Math.min(pause * 2, idleMaxMs);
          continue;
        }
        pause = IDLE_FIRST_MS;
      }
      const result = await handler({ Records: pending }).catch((error: unknown) => {
        console.error('parley: stream handler failed:', error);
        return { batchItemFailures: [{ itemIdentifier: pending[0].dynamodb?.SequenceNumber ?? '' }] };
      });
      const failed = (result?.batchItemFailures ?? []).map((f) => f.itemIdentifier);
      if (failed.length === 0) {
        pending = [];
        continue;
      }
      // Resume from the earliest failed record, as Lambda does with a reported batch item failure.
      const from = pending.findIndex((r) => failed.includes(r.dynamodb?.SequenceNumber ?? ''));
      pending = pending.slice(Math.max(0, from));
      await sleep(retryMs);
    }
    finished.add(shardId);
  };

  const discover = async (first: boolean): Promise<void> => {
    const description = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of description.StreamDescription?.Shards ?? []) {
      const id = shard.ShardId;
      if (!id || reading.has(id) || finished.has(id)) continue;
      // A shard that has ended before the tail began holds nothing new.
      if (first && shard.SequenceNumberRange?.EndingSequenceNumber) continue;
      // A child shard is read once its parent is done, so one item's records stay in order.
      const parent = shard.ParentShardId ? reading.get(shard.ParentShardId) : undefined;
      reading.set(
        id,
        (parent ?? Promise.resolve())
          .then(() => readShard(id, !first))
          .catch((error: unknown) => {
            if (running) console.error(`parley: stream shard ${id} failed:`, error);
            finished.add(id);
          }),
      );
    }
  };

  await discover(true);
  const discovery = (async () => {
    while (running) {
      await sleep(500);
      if (running) await discover(false).catch(() => {});
    }
  })();

  return {
    poke() {
      pokes++;
      for (const wake of [...sleepers]) wake();
    },
    async stop() {
      running = false;
      for (const wake of [...sleepers]) wake();
      await Promise.allSettled([discovery, ...reading.values()]);
      dynamo.destroy();
      streams.destroy();
    },
  };
};
