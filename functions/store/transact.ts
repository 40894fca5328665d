import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { db } from './client.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Thrown when a transaction was cancelled by a failed condition; `index` names the item that failed. */
export class ConditionFailedError extends Error {
  override readonly name = 'ConditionFailedError';
  constructor(readonly index: number) {
    super(`condition of transaction item ${index} failed`);
  }
}

/** Thrown when a transaction lost a race with another one on the same items; safe to retry. */
export class TransactionConflictError extends Error {
  override readonly name = 'TransactionConflictError';
}

/**
 * Writes all items or none. A failed condition becomes a `ConditionFailedError` carrying the index of the
 * item whose condition failed, so callers can turn it into the right API error.
 */
export const transact = async (items: TransactItem[]): Promise<void> => {
  try {
    await db().send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    if (error instanceof TransactionCanceledException) {
      const index = error.CancellationReasons?.findIndex((r) => r.Code === 'ConditionalCheckFailed') ?? -1;
      if (index >= 0) throw new ConditionFailedError(index);
      if (error.CancellationReasons?.some((r) => r.Code === 'TransactionConflict'))
        throw new TransactionConflictError(error.message);
    }
    throw error;
  }
};
