import { randomUUID } from 'node:crypto';
import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { type BenchResponse, EndpointMissingError, isMissing, type RequestSpec } from '../api.ts';
import type { Bench } from '../context.ts';
import { type Figure, unmeasured } from '../figure.ts';
import type { DynamoCall } from '../round-trips.ts';
import type { Probe } from '../stats.ts';

/** A probe of one request through the handlers; it fails loudly unless the status is the expected one. */
export const requestProbe =
  (bench: Bench, spec: () => RequestSpec, status: number, check?: (r: BenchResponse) => void): Probe =>
  () => {
    const s = spec();
    const run = bench.api.prepare(s);
    return async () => {
      const r = await run();
      if (r.status !== status) {
        if (isMissing(r)) throw new EndpointMissingError(`${s.method} ${s.url.split('?')[0]} is missing`);
        throw new Error(
          `${s.method} ${s.url} answered ${r.status}: ${JSON.stringify(r.body)?.slice(0, 300)}`,
        );
      }
      check?.(r);
    };
  };

/** An item shaped like what the handlers write (keys, entity tag, a body), in a partition of its own. */
export const floorItem = (partition: string) => ({
  pk: `BENCH#${partition}`,
  sk: `EVT#${randomUUID()}`,
  _et: 'bench',
  createdAt: new Date().toISOString(),
  updatedAt: new Date().toISOString(),
  type: 'message',
  from: `MEM-${randomUUID()}`,
  body: { message_type: 'text', text: 'hello from the benchmark' },
  timestamp: new Date().toISOString(),
});

/** The raw floor of a write: one TransactWriteItems of `count` conditional puts. */
export const transactFloor =
  (bench: Bench, count: number): Probe =>
  () => {
    const partition = randomUUID();
    const items = Array.from({ length: count }, () => ({
      Put: {
        TableName: bench.table,
        Item: floorItem(partition),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    }));
    return () => bench.client.send(new TransactWriteCommand({ TransactItems: items }));
  };

/** Runs a figure; a missing endpoint becomes `n/a (endpoint missing)`, any other failure `failed`. */
export const guarded = async (
  name: string,
  target: number,
  bound: 'max' | 'min',
  measure: () => Promise<Figure>,
): Promise<Figure> => {
  try {
    return await measure();
  } catch (error) {
    if (error instanceof EndpointMissingError)
      return unmeasured(name, target, bound, 'n/a (endpoint missing)', [error.message]);
    return unmeasured(name, target, bound, 'failed', [String((error as Error).stack ?? error)]);
  }
};

/** The DynamoDB calls one request makes, recorded by the round-trip counter. */
export const callsOf = async (bench: Bench, spec: RequestSpec) => {
  bench.counter.reset();
  bench.counter.recording = true;
  try {
    await bench.api.send(spec);
  } finally {
    bench.counter.recording = false;
  }
  return [...bench.counter.calls];
};

export const callsText = (calls: DynamoCall[]) =>
  calls.map((c) => (c.items ? `${c.command}(${c.items})` : c.command)).join(' + ') || 'none';

/**
 * The same kinds of DynamoDB calls, made raw one after the other: what the request would cost with no
 * handler around its calls. Handler time over this is the overhead of our code alone.
 */
export const replicaProbe =
  (bench: Bench, calls: DynamoCall[], readKey: { pk: string; sk: string }): Probe =>
  () => {
    const partition = randomUUID();
    const sends = calls.map((c): (() => Promise<unknown>) => {
      const n = c.items ?? 1;
      switch (c.command) {
        case 'GetItem':
          return () => bench.client.send(new GetCommand({ TableName: bench.table, Key: readKey }));
        case 'BatchGetItem':
          return () =>
            bench.client.send(
              new BatchGetCommand({
                RequestItems: {
                  [bench.table]: {
                    Keys: [
                      readKey,
                      ...Array.from({ length: n - 1 }, (_, i) => ({ pk: readKey.pk, sk: `X#${i}` })),
                    ],
                    ConsistentRead: true,
                  },
                },
              }),
            );
        case 'Query':
          return () =>
            bench.client.send(
              new QueryCommand({
                TableName: bench.table,
                KeyConditionExpression: 'pk = :pk',
                ExpressionAttributeValues: { ':pk': readKey.pk },
                Limit: 11,
              }),
            );
        case 'TransactWriteItems':
          return () =>
            bench.client.send(
              new TransactWriteCommand({
                TransactItems: Array.from({ length: n }, () => ({
                  Put: {
                    TableName: bench.table,
                    Item: floorItem(partition),
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                })),
              }),
            );
        default:
          return () =>
            bench.client.send(new PutCommand({ TableName: bench.table, Item: floorItem(partition) }));
      }
    });
    return async () => {
      for (const send of sends) await send();
    };
  };
