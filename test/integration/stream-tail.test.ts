import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { config } from '../../functions/config.ts';
import { db } from '../../functions/store/client.ts';
import { type StreamTail, startStreamTail } from '../../infra/local/stream-tail.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the local stream tail: idle, it polls less and less; poked, at once', () => {
  let tail: StreamTail;
  const seen = new Set<string>();

  beforeAll(async () => {
    const { dynamodbEndpoint, tableName } = config();
    // Pauses that double with no bound worth the name: only a poke ends a long one early.
    tail = await startStreamTail(
      async (event: DynamoDBStreamEvent) => {
        for (const r of event.Records) {
          const pk = r.dynamodb?.NewImage?.pk?.S;
          if (pk) seen.add(pk);
        }
        return { batchItemFailures: [] };
      },
      { endpoint: dynamodbEndpoint ?? '', tableName, idleMaxMs: 60_000 },
    );
  });
  afterAll(async () => {
    await tail.stop();
  });

  const write = async () => {
    const pk = `TAILTEST#${randomUUID()}`;
    await db().send(new PutCommand({ TableName: config().tableName, Item: { pk, sk: 'X' } }));
    return pk;
  };

  const until = async (what: () => boolean, ms = 10_000): Promise<void> => {
    const end = Date.now() + ms;
    while (!what()) {
      if (Date.now() > end) throw new Error('timed out waiting for the stream');
      await sleep(10);
    }
  };

  it('leaves a write made after a long idle spell for a poke, which has it delivered', async () => {
    // Prepare: long enough with nothing new that the pauses are past a second
    await sleep(4000);
    // Act
    const pk = await write();
    await sleep(300);
    const beforePoke = seen.has(pk);
    tail.poke();
    await until(() => seen.has(pk));
    // Assess
    expect(beforePoke).toBe(false);
    expect(seen.has(pk)).toBe(true);
  });

  it('polls again at once after a poke: the next write, poked, is delivered too', async () => {
    // Act
    const pk = await write();
    tail.poke();
    await until(() => seen.has(pk));
    // Assess
    expect(seen.has(pk)).toBe(true);
  });
});
