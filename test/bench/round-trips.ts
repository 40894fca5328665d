/**
 * Counts the DynamoDB calls the handlers make, with a middleware on the one document client of the
 * process: every command passes the client's `initialize` step once per `send`, whatever its kind.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DynamoCall {
  command: string;
  /** Items written by a TransactWriteItems / BatchWriteItem, or read by a TransactGet / BatchGet. */
  items?: number;
}

export interface RoundTripCounter {
  /** Calls seen since the last `reset()` (only while recording). */
  readonly calls: DynamoCall[];
  /** Every Scan seen during the whole run, recording or not. */
  readonly scans: DynamoCall[];
  recording: boolean;
  reset(): void;
}

const countItems = (command: string, input: Record<string, unknown>): number | undefined => {
  if (Array.isArray(input.TransactItems)) return input.TransactItems.length;
  const requests = input.RequestItems as Record<string, unknown> | undefined;
  if (requests && typeof requests === 'object') {
    let n = 0;
    for (const v of Object.values(requests)) {
      if (Array.isArray(v)) n += v.length;
      else if (v && typeof v === 'object' && Array.isArray((v as { Keys?: unknown[] }).Keys))
        n += (v as { Keys: unknown[] }).Keys.length;
    }
    return n;
  }
  return /^(Put|Update|Delete)/.test(command) ? 1 : undefined;
};

export const installRoundTripCounter = (client: DynamoDBDocumentClient): RoundTripCounter => {
  const counter: RoundTripCounter = {
    calls: [],
    scans: [],
    recording: false,
    reset() {
      counter.calls.length = 0;
    },
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      const call: DynamoCall = {
        command,
        items: countItems(command, (args.input ?? {}) as Record<string, unknown>),
      };
      if (/^Scan/.test(command)) counter.scans.push(call);
      if (counter.recording) counter.calls.push(call);
      return next(args);
    },
    { step: 'initialize', name: 'parleyBenchRoundTrips', override: true },
  );
  return counter;
};
