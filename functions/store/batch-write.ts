import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type BatchWriteCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { backoff, sleep } from '../domain/retry.ts';
import { db, tableName } from './client.ts';
import type { Key } from './keys.ts';

/** The most requests one BatchWriteItem may hold. */
export const BATCH_WRITE_LIMIT = 25;

/** Pauses between resends of UnprocessedItems (they mean throttling): the domain's policy, slower. */
const THROTTLED = { maxAttempts: Number.POSITIVE_INFINITY, baseMs: 25, capMs: 1000 };

/** Deletes keys in BatchWriteItems of 25, sending UnprocessedItems again after a jittered back-off. */
export const batchDeleteKeys = async (all: Key[]): Promise<void> => {
  for (let i = 0; i < all.length; i += BATCH_WRITE_LIMIT) {
    let requests: BatchWriteCommandInput['RequestItems'] = {
      [tableName()]: all.slice(i, i + BATCH_WRITE_LIMIT).map((Key) => ({ DeleteRequest: { Key } })),
    };
    for (let attempt = 0; requests && Object.keys(requests).length > 0; attempt++) {
      if (attempt > 0) await sleep(backoff(attempt, THROTTLED));
      const out: BatchWriteCommandOutput = await db().send(new BatchWriteCommand({ RequestItems: requests }));
      requests = out.UnprocessedItems;
    }
  }
};
