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
 *
 * The Streams API is called as the SDK client calls it (JSON 1.0, signed), without the client: its records
 * come as they are on the wire, which is the form Lambda hands them over in (attribute values as JSON,
 * times in epoch seconds), and a poll costs the dev server a fraction of the client's work per call.
 */
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { signedRequest } from '../../functions/aws/signed-request.ts';
import { sleep } from '../../functions/domain/retry.ts';
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

/** The parts of the Streams API's answers the tail reads. */
interface Shard {
  ShardId?: string;
  ParentShardId?: string;
  SequenceNumberRange?: { EndingSequenceNumber?: string };
}
interface StreamsAnswers {
  DescribeStream: { StreamDescription?: { Shards?: Shard[] } };
  GetShardIterator: { ShardIterator?: string };
  GetRecords: { Records?: Omit<DynamoDBRecord, 'eventSourceARN'>[]; NextShardIterator?: string };
}

/** A Streams API record in the shape Lambda hands to a stream handler: the wire's, with its stream. */
const asLambdaRecord = (r: Omit<DynamoDBRecord, 'eventSourceARN'>, streamArn: string): DynamoDBRecord => ({
  ...r,
  eventSource: 'aws:dynamodb',
  eventSourceARN: streamArn,
});

/** Attempts of a call before the shard it reads is given up, as the SDK client's retries would. */
const ATTEMPTS = 3;

/** A JSON 1.0 API of DynamoDB Local (`DynamoDB_20120810` or `DynamoDBStreams_20120810`), called by name. */
const jsonApi = (endpoint: string, retryMs: number) => {
  const { region, credentials } = localEndpoint(endpoint);
  return async <T>(target: string, input: object): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      const res = await signedRequest({
        service: 'dynamodb',
        method: 'POST',
        url: endpoint,
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target },
        body: JSON.stringify(input),
        as: { region, credentials },
      }).catch((error: Error) => ({ ok: false, status: 0, body: error.message }));
      if (res.ok) return JSON.parse(res.body) as T;
      // A refused request (4xx, an expired iterator among them) is not worth another attempt.
      if (attempt >= ATTEMPTS || (res.status >= 400 && res.status < 500))
        throw new Error(`${target} answered ${res.status}: ${res.body}`);
      await sleep(retryMs);
    }
  };
};

/** Starts tailing the table's stream into `handler`; `stop()` ends it after the batch in hand. */
export const startStreamTail = async (
  handler: StreamHandler,
  options: StreamTailOptions,
): Promise<StreamTail> => {
  const { endpoint, tableName, idleMaxMs = 100, retryMs = 200 } = options;
  const call = jsonApi(endpoint, retryMs);
  const streams = <A extends keyof StreamsAnswers>(action: A, input: object) =>
    call<StreamsAnswers[A]>(`DynamoDBStreams_20120810.${action}`, input);
  const table = await call<{ Table?: { LatestStreamArn?: string } }>('DynamoDB_20120810.DescribeTable', {
    TableName: tableName,
  });
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
      await streams('GetShardIterator', {
        StreamArn: streamArn,
        ShardId: shardId,
        ShardIteratorType: fromStart ? 'TRIM_HORIZON' : 'LATEST',
      })
    ).ShardIterator;
    let pending: DynamoDBRecord[] = [];
    let pause = IDLE_FIRST_MS;
    while (running && iterator) {
      if (pending.length === 0) {
        const pokesBefore = pokes;
        const page = await streams('GetRecords', { ShardIterator: iterator });
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
    const description = await streams('DescribeStream', { StreamArn: streamArn });
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
    },
  };
};
