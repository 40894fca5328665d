import { BatchGetCommand, type BatchGetCommandInput, GetCommand } from '@aws-sdk/lib-dynamodb';
import { backoff, sleep } from '../domain/retry.ts';
import { db, tableName } from './client.ts';
import type { Key } from './keys.ts';

const keyId = (k: { pk?: unknown; sk?: unknown }): string => `${k.pk}\u0000${k.sk}`;

/** What a BatchGet found, looked up by the key asked for. */
export interface Found {
  get(key: Key | undefined): Record<string, unknown> | undefined;
}

/**
 * Reads items by key in one BatchGetItem per 100 keys (strongly consistent unless `consistent: false`),
 * following UnprocessedKeys. Duplicate keys are asked for once; a single key is one GetItem, which answers
 * a little faster.
 */
export const batchGetItems = async (
  wanted: Key[],
  { consistent = true }: { consistent?: boolean } = {},
): Promise<Found> => {
  const found = new Map<string, Record<string, unknown>>();
  const unique = [...new Map(wanted.map((k) => [keyId(k), k])).values()];
  if (unique.length === 1) {
    const out = await db().send(
      new GetCommand({ TableName: tableName(), Key: unique[0], ConsistentRead: consistent }),
    );
    if (out.Item) found.set(keyId(out.Item), out.Item);
    return { get: (key) => (key ? found.get(keyId(key)) : undefined) };
  }
  for (let i = 0; i < unique.length; i += 100) {
    let request: BatchGetCommandInput['RequestItems'] = {
      [tableName()]: { Keys: unique.slice(i, i + 100), ConsistentRead: consistent },
    };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      // UnprocessedKeys mean throttling: resend them after the domain's back-off.
      if (attempt > 0) await sleep(backoff(attempt));
      const out = await db().send(new BatchGetCommand({ RequestItems: request }));
      for (const item of out.Responses?.[tableName()] ?? []) found.set(keyId(item), item);
      request = out.UnprocessedKeys as BatchGetCommandInput['RequestItems'];
    }
  }
  return { get: (key) => (key ? found.get(keyId(key)) : undefined) };
};
