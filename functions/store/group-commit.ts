/**
 * Group commit of appends to one conversation's timeline, inside one process. Concurrent appends to the same
 * conversation queue up in its lane; one leader at a time plans every waiting append against the head (the
 * conversation as it will be once the appends before it are in), and commits them all in ONE
 * TransactWriteItems: the conversation update once (its `sequence_number` from the value the batch started
 * at to the last new event id, conditioned on the first), then each append's events and its own items.
 *
 * Event ids stay gap-free and unique across processes too: the condition on `sequence_number` still
 * guards. When the transaction is cancelled, CancellationReasons say which item failed: an append whose own
 * item failed (its member left, its target is gone) is refused alone, with the error it names; when the
 * conversation item failed (another process moved it) the head is read again and the rest retried, with a
 * capped, jittered back-off once a fresh head loses too.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Conversation } from '../domain/conversations.ts';
import { notFound, tooBusy } from '../domain/errors.ts';
import type { ConversationEvent, NewEvent } from '../domain/events.ts';
import { backoff, ConversationChangedError, sleep } from '../domain/retry.ts';
import { db, tableName } from './client.ts';
import { cachedHead, forgetHead, type Head, headOfItem, rememberHead } from './heads.ts';
import { keys } from './keys.ts';
import { eventItem } from './timeline.ts';
import type { TransactItem } from './transact.ts';

/** What one append writes, decided against the head it will commit on. */
export interface AppendPlan {
  /** Events to append, in order. */
  events: NewEvent[];
  /** Change of the conversation's `message_count`. */
  messageDelta?: number;
  /** The append's own items (never the conversation item), each with its own condition. */
  items?: TransactItem[];
  /** The error to refuse this append with when its item `index` failed its condition (default: re-decide). */
  failed?(index: number): Error;
  /** Called once the append has committed, with its events as stored. */
  committed?(events: ConversationEvent[]): void;
}

/**
 * Decides an append against `head`, the conversation with every earlier append of the batch applied; throws
 * to refuse it (a refusal on a cached head is retried on a fresh one first).
 */
export type Planner = (head: Conversation) => AppendPlan;

/** One transaction holds at most 100 items and 4 MB; stay below both with room to spare. */
const MAX_ITEMS = 100;
const MAX_BYTES = 3_000_000;
/** Rounds an append may lose before it is answered 429 (each round re-reads; back-off grows to its cap). */
const MAX_ROUNDS = 60;

interface Pending {
  planner: Planner;
  resolve(events: ConversationEvent[]): void;
  reject(error: unknown): void;
  rounds: number;
}

interface Lane {
  queue: Pending[];
  /** Consecutive rounds lost to another writer of the conversation. */
  losses: number;
}

interface Planned {
  pending: Pending;
  plan: AppendPlan;
  events: ConversationEvent[];
  /** Index of the append's first own item in the transaction. */
  ownStart: number;
  ownCount: number;
}

const lanes = new Map<string, Lane>();

/**
 * Appends to the timeline of `conversationId` through its lane. Resolves with the append's events (ids
 * assigned); rejects with the planner's error, the error its own failed item names, `notFound.conversation`,
 * or a 429 when it kept losing to other processes.
 */
export const appendToTimeline = (conversationId: string, planner: Planner): Promise<ConversationEvent[]> =>
  new Promise((resolve, reject) => {
    const pending: Pending = { planner, resolve, reject, rounds: 0 };
    const lane = lanes.get(conversationId);
    if (lane) {
      lane.queue.push(pending);
      return;
    }
    const fresh: Lane = { queue: [pending], losses: 0 };
    lanes.set(conversationId, fresh);
    // Start after the current tick, so that appends made in the same tick share the first batch.
    queueMicrotask(() => void drain(conversationId, fresh));
  });

const drain = async (id: string, lane: Lane): Promise<void> => {
  try {
    while (lane.queue.length > 0) await round(id, lane);
  } catch (error) {
    // A fault of the round itself (not of one append): fail what waits rather than leave it hanging.
    for (const p of lane.queue.splice(0)) p.reject(error);
  } finally {
    lanes.delete(id);
  }
};

const readHead = async (id: string): Promise<Head | undefined> => {
  const out = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.conversation(id), ConsistentRead: true }),
  );
  if (!out.Item) return undefined;
  const head = headOfItem(out.Item);
  rememberHead(head);
  return head;
};

const keyOf = (item: TransactItem): string | undefined => {
  const key = (item.Put?.Item ?? item.Update?.Key ?? item.Delete?.Key ?? item.ConditionCheck?.Key) as
    | Record<string, unknown>
    | undefined;
  return key ? `${key.pk}\u0000${key.sk}` : undefined;
};

const conversationUpdate = (from: Conversation, to: Conversation): TransactItem => {
  const delta = (to.message_count ?? 0) - (from.message_count ?? 0);
  return {
    Update: {
      TableName: tableName(),
      Key: keys.conversation(from.id),
      UpdateExpression:
        delta > 0 ? 'SET #seq = :next, #mc = if_not_exists(#mc, :zero) + :dm' : 'SET #seq = :next',
      ConditionExpression: '#seq = :prev',
      ExpressionAttributeNames: {
        '#seq': 'sequence_number',
        ...(delta > 0 ? { '#mc': 'message_count' } : {}),
      },
      ExpressionAttributeValues: {
        ':prev': from.sequence_number,
        ':next': to.sequence_number,
        ...(delta > 0 ? { ':dm': delta, ':zero': 0 } : {}),
      },
    },
  };
};

/**
 * Plans as many waiting appends as fit in one transaction, in order, against `head`. Returns 'stale' when a
 * planner refused on a cached head (it must decide again on a fresh one). Appends refused on a fresh head
 * are answered at once; appends that touch an item of an earlier one (one transaction may not touch an
 * item twice) wait for the next round.
 */
const plan = (
  lane: Lane,
  head: Conversation,
  fresh: boolean,
): { batch: Planned[]; items: TransactItem[]; next: Conversation } | 'stale' => {
  let next = head;
  const items: TransactItem[] = [];
  const batch: Planned[] = [];
  const refused: Pending[] = [];
  const used = new Set<string>();
  let bytes = 0;
  for (const pending of lane.queue) {
    let decided: AppendPlan;
    try {
      decided = pending.planner(next);
    } catch (error) {
      if (!fresh) return 'stale';
      refused.push(pending);
      pending.reject(error);
      continue;
    }
    const own = decided.items ?? [];
    const ownKeys = own.map(keyOf);
    if (ownKeys.some((k) => k !== undefined && used.has(k))) continue;
    const first = next.sequence_number + 1;
    const events = decided.events.map((e, i) => ({ ...e, id: first + i }));
    const puts = events.map(
      (event): TransactItem => ({
        Put: {
          TableName: tableName(),
          Item: eventItem(head.id, event),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      }),
    );
    const size = JSON.stringify(puts).length + JSON.stringify(own).length;
    const count = puts.length + own.length;
    if (1 + items.length + count > MAX_ITEMS || bytes + size > MAX_BYTES) {
      if (batch.length > 0) break;
      refused.push(pending);
      pending.reject(new Error(`an append of ${count} items does not fit in a transaction`));
      continue;
    }
    items.push(...puts);
    const ownStart = 1 + items.length;
    items.push(...own);
    bytes += size;
    for (const k of ownKeys) if (k) used.add(k);
    batch.push({ pending, plan: decided, events, ownStart, ownCount: own.length });
    next = {
      ...next,
      sequence_number: next.sequence_number + events.length,
      message_count: (next.message_count ?? 0) + (decided.messageDelta ?? 0),
    };
  }
  const gone = new Set([...refused, ...batch.map((b) => b.pending)]);
  lane.queue = lane.queue.filter((p) => !gone.has(p));
  return { batch, items, next };
};

const round = async (id: string, lane: Lane): Promise<void> => {
  let head = cachedHead(id);
  let fresh = false;
  let planned: ReturnType<typeof plan>;
  for (;;) {
    if (!head) {
      head = await readHead(id);
      fresh = true;
      if (!head) {
        for (const p of lane.queue.splice(0)) p.reject(notFound.conversation());
        return;
      }
    }
    planned = plan(lane, head.conversation, fresh);
    if (planned !== 'stale') break;
    head = undefined;
  }
  const { batch, items, next } = planned;
  if (batch.length === 0) return;
  const started = head.conversation;
  try {
    await db().send(
      new TransactWriteCommand({ TransactItems: [conversationUpdate(started, next), ...items] }),
    );
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) {
      forgetHead(id);
      for (const b of batch) b.pending.reject(error);
      return;
    }
    lost(id, lane, batch, error, fresh);
    // Lost to another writer on a head just read: back off before the next round reads again.
    if (fresh || error.CancellationReasons?.some((r) => r.Code === 'TransactionConflict'))
      await sleep(backoff(lane.losses));
    return;
  }
  lane.losses = 0;
  rememberHead({ conversation: next });
  for (const b of batch) {
    b.plan.committed?.(b.events);
    b.pending.resolve(b.events);
  }
};

/** Sorts out a cancelled batch: refuse the appends whose own item failed, requeue the rest. */
const lost = (
  id: string,
  lane: Lane,
  batch: Planned[],
  error: TransactionCanceledException,
  fresh: boolean,
): void => {
  const reasons = error.CancellationReasons ?? [];
  const failed = (i: number) => reasons[i]?.Code === 'ConditionalCheckFailed';
  const retry: Pending[] = [];
  let explained = failed(0) || reasons.some((r) => r.Code === 'TransactionConflict');
  for (const b of batch) {
    const own = Array.from({ length: b.ownCount }, (_, k) => k).find((k) => failed(b.ownStart + k));
    if (own !== undefined) {
      explained = true;
      b.pending.reject(b.plan.failed?.(own) ?? new ConversationChangedError());
      continue;
    }
    // An event that exists already: the head was stale.
    if (b.events.some((_, k) => failed(b.ownStart - b.events.length + k))) explained = true;
    retry.push(b.pending);
  }
  forgetHead(id);
  if (!explained) {
    for (const p of retry) p.reject(error);
    return;
  }
  lane.losses += fresh ? 1 : 0;
  const again: Pending[] = [];
  for (const p of retry) {
    p.rounds += 1;
    if (p.rounds >= MAX_ROUNDS) p.reject(tooBusy());
    else again.push(p);
  }
  lane.queue = [...again, ...lane.queue];
};
