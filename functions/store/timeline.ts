/**
 * The one writer of conversation timelines: every event Parley stores is written here. Two entries:
 *
 * - `startTimeline` writes the first events of a new conversation (ids 1..n) in the transaction that creates
 *   it, so the conversation is born with `sequence_number` = n.
 * - `appendToTimeline` adds to an existing one through the conversation's lane (group commit inside one
 *   process). Concurrent appends to the same conversation queue up; one leader at a time plans every waiting
 *   append against the head (the conversation as it will be once the appends before it are in) and commits
 *   them all in ONE TransactWriteItems: the conversation update once (its `sequence_number` from the value
 *   the batch started at to the last new event id, conditioned on the first; counters; attributes to set),
 *   then each append's events and its own items. Posts, deletes, member writes, conversation updates and
 *   leg changes all go this way, so they are batched with each other instead of failing against each other.
 *
 * Event ids stay gap-free and unique across processes too: the condition on `sequence_number` still guards.
 * When the transaction is cancelled, CancellationReasons say which item failed: an append whose own item
 * failed (its member left, its target is gone, its name is taken) is refused alone, with the error it names;
 * when the conversation item failed (another process moved it) the head is read again and the rest
 * re-planned on it, with the one back-off of `domain/retry.ts` once a fresh head loses too.
 */
import { isDeepStrictEqual } from 'node:util';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Conversation } from '../domain/conversations.ts';
import { DomainError, notFound, tooBusy, validationError } from '../domain/errors.ts';
import type { ConversationEvent, NewEvent } from '../domain/events.ts';
import { backoff, ConversationChangedError, RETRY_POLICY, sleep } from '../domain/retry.ts';
import { db, tableName } from './client.ts';
import { cachedHead, forgetHead, type Head, headOfItem, rememberHead } from './heads.ts';
import { dataOf, meta } from './item.ts';
import { keys } from './keys.ts';
import { type TransactItem, transact } from './transact.ts';

export const eventItem = (conversationId: string, event: ConversationEvent) => ({
  ...keys.event(conversationId, event.id),
  ...meta('event', event.timestamp),
  ...event,
});

const eventPut = (conversationId: string, event: ConversationEvent): TransactItem => ({
  Put: {
    TableName: tableName(),
    Item: eventItem(conversationId, event),
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

export interface TimelineStart {
  /** The new conversation; its `sequence_number` must be the number of `events`. */
  conversation: Conversation;
  /** The first events, in order; they get ids 1, 2, … */
  events: NewEvent[];
  /**
   * The rest of the creating transaction, the conversation's own items among them (each conditioned on
   * being new): users, members, legs.
   */
  items: TransactItem[];
}

/**
 * Creates a conversation's timeline with its first events, in one transaction with `items`. Throws the
 * `ConditionFailedError` of `transact`, whose index names one of `items` (the events come after them).
 */
export const startTimeline = async (start: TimelineStart): Promise<ConversationEvent[]> => {
  const { conversation } = start;
  if (conversation.sequence_number !== start.events.length)
    throw new Error(
      `a timeline of ${start.events.length} events cannot start at ${conversation.sequence_number}`,
    );
  const events = start.events.map((e, i): ConversationEvent => ({ ...e, id: i + 1 }));
  await transact([...start.items, ...events.map((e) => eventPut(conversation.id, e))]);
  rememberHead({ conversation });
  return events;
};

/** The counters of a conversation that appends move. */
export type Counter = 'sequence_number' | 'message_count' | 'member_count';

const comparable = (c: Conversation, moving: readonly Counter[]): Record<string, unknown> => {
  const out = JSON.parse(JSON.stringify(c)) as Record<string, unknown>;
  for (const k of moving) delete out[k];
  return out;
};

/**
 * Whether a write decided on `read` may be planned on `head` as it stands: the two differ at most in the
 * counters `moving`, which the decision does not depend on. A planner refuses with
 * `ConversationChangedError` otherwise, and the use-case reads again and decides again.
 */
export const holdsOn = (read: Conversation, head: Conversation, moving: readonly Counter[]): boolean =>
  read === head || isDeepStrictEqual(comparable(read, moving), comparable(head, moving));

/** What one append writes, decided against the head it will commit on. */
export interface AppendPlan {
  /** Events to append, in order. */
  events: NewEvent[];
  /** Change of the conversation's `message_count`. */
  messageDelta?: number;
  /** Change of the conversation's `member_count`. */
  memberDelta?: number;
  /**
   * With a positive `memberDelta`: the most members the conversation may hold once this append is in. The
   * conversation item's update is conditioned on it, so the count can never exceed it.
   */
  maxMembers?: number;
  /**
   * Other attributes of the conversation item to set (state, timestamps, editable fields, `expires_at` with its TTL attribute);
   * merged across a batch in order, a later append's value winning. Never a counter.
   */
  set?: Record<string, unknown>;
  /** The append's own items (never the conversation item), each with its own condition. */
  items?: TransactItem[];
  /** The error to refuse this append with when its own item `index` failed (default: re-decide). */
  failed?(index: number): Error;
  /** Called once the append has committed, with its events as stored. */
  committed?(events: ConversationEvent[]): void;
}

/**
 * Decides an append against `head`, the conversation with every earlier append of the batch applied; throws
 * to refuse it (a refusal on a remembered head is retried on a fresh read first).
 */
export type Planner = (head: Conversation) => AppendPlan;

/** One transaction holds at most 100 items and 4 MB; stay below both with room to spare. */
const MAX_ITEMS = 100;
const MAX_BYTES = 3_000_000;
const COUNTERS: ReadonlySet<string> = new Set<Counter>(['sequence_number', 'message_count', 'member_count']);

interface Pending {
  planner: Planner;
  /** The conversation as the writer read it: a guess at the head when none is remembered. */
  read?: Conversation;
  resolve(events: ConversationEvent[]): void;
  reject(error: unknown): void;
  /** Rounds this append lost; at the policy's `maxAttempts` it is answered 429. */
  rounds: number;
  /**
   * Set when a batch holding this append was refused as a whole (a value the store cannot hold): it is
   * then committed in a transaction of its own, so that one bad append fails alone.
   */
  alone?: boolean;
}

interface Lane {
  queue: Pending[];
  /** Consecutive rounds lost to another writer of the conversation (the back-off's attempt). */
  losses: number;
}

interface Planned {
  pending: Pending;
  plan: AppendPlan;
  events: ConversationEvent[];
  /** Index in the transaction of the append's first event. */
  eventStart: number;
  /** Index in the transaction of the append's first own item (right after its events). */
  ownStart: number;
  ownCount: number;
}

/** What a batch does to the conversation item, summed over its appends in order. */
interface Change {
  messageDelta: number;
  memberDelta: number;
  /** The most `member_count` may be before the batch, so that no append takes it beyond its maximum. */
  room?: number;
  set: Record<string, unknown>;
}

const lanes = new Map<string, Lane>();

/** An append the store refused on its own: what it carries cannot be stored as sent. */
const unstorableError = () =>
  validationError([{ name: 'body', reason: '"body" holds a value that cannot be stored as sent' }]);

/**
 * Appends to the timeline of `conversationId` through its lane. `read` is the conversation as the writer
 * read it, used as the head when the process remembers none (a guess like any remembered head: the
 * transaction checks it). Resolves with the append's events (ids assigned); rejects with the planner's
 * error, the error its own failed item names, `notFound.conversation`, or a 429 when it kept losing to
 * other processes.
 */
export const appendToTimeline = (
  conversationId: string,
  planner: Planner,
  read?: Conversation,
): Promise<ConversationEvent[]> =>
  new Promise((resolve, reject) => {
    const pending: Pending = { planner, read, resolve, reject, rounds: 0 };
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
  // An expired head is still a head: the planners decide that the conversation is gone (domain isGone).
  const head = headOfItem(out.Item);
  rememberHead(head);
  return head;
};

/**
 * The best guess at the head without a read: the remembered one, or a waiting writer's own read when that is
 * further on. A read carries no TTL; only ended (INACTIVE) conversations have one, and on those every
 * refusal is decided on a fresh read anyway.
 */
const guessHead = (id: string, lane: Lane): Head | undefined => {
  let head = cachedHead(id);
  for (const { read } of lane.queue)
    if (read && read.sequence_number > (head?.conversation.sequence_number ?? -1))
      head = { conversation: read };
  return head;
};

const keyOf = (item: TransactItem): string | undefined => {
  const key = (item.Put?.Item ?? item.Update?.Key ?? item.Delete?.Key ?? item.ConditionCheck?.Key) as
    | Record<string, unknown>
    | undefined;
  return key ? `${key.pk}\u0000${key.sk}` : undefined;
};

/** The conversation item's one update in a batch: from `from` to `to`, conditioned on `from`. */
const conversationUpdate = (from: Conversation, to: Conversation, change: Change): TransactItem => {
  const names: Record<string, string> = { '#seq': 'sequence_number' };
  const values: Record<string, unknown> = { ':prev': from.sequence_number, ':next': to.sequence_number };
  const sets = ['#seq = :next'];
  const conditions = ['#seq = :prev'];
  const count = (name: string, attribute: string, delta: number) => {
    if (delta === 0) return;
    names[name] = attribute;
    values[`:d${name.slice(1)}`] = delta;
    values[':zero'] = 0;
    sets.push(`${name} = if_not_exists(${name}, :zero) + :d${name.slice(1)}`);
  };
  count('#mc', 'message_count', change.messageDelta);
  count('#mm', 'member_count', change.memberDelta);
  if (change.room !== undefined) {
    names['#mm'] = 'member_count';
    values[':room'] = change.room;
    conditions.push('(attribute_not_exists(#mm) OR #mm <= :room)');
  }
  for (const [i, [attribute, value]] of Object.entries(change.set).entries()) {
    names[`#s${i}`] = attribute;
    values[`:s${i}`] = value;
    sets.push(`#s${i} = :s${i}`);
  }
  return {
    Update: {
      TableName: tableName(),
      Key: keys.conversation(from.id),
      UpdateExpression: `SET ${sets.join(', ')}`,
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
};

/** `head` with one append applied: what the next append of the batch is planned on. */
const applied = (head: Head, plan: AppendPlan, events: number, set: Record<string, unknown>): Head => {
  const c: Conversation = { ...head.conversation, ...dataOf<Partial<Conversation>>(set) };
  c.sequence_number = head.conversation.sequence_number + events;
  if (plan.messageDelta) c.message_count = (c.message_count ?? 0) + plan.messageDelta;
  if (plan.memberDelta) c.member_count = (c.member_count ?? 0) + plan.memberDelta;
  return { conversation: c };
};

/**
 * Plans as many waiting appends as fit in one transaction, in order, against `head`. Returns 'stale' when a
 * planner refused on a remembered head (it must decide again on a fresh one). Appends refused on a fresh
 * head are answered at once; appends that touch an item of an earlier one (one transaction may not touch an
 * item twice) wait for the next round.
 */
const plan = (
  lane: Lane,
  head: Head,
  fresh: boolean,
): { batch: Planned[]; items: TransactItem[]; next: Head } | 'stale' => {
  let next = head;
  const change: Change = { messageDelta: 0, memberDelta: 0, set: {} };
  // The batch's items after the conversation update, which is index 0 of the transaction.
  const items: TransactItem[] = [];
  const batch: Planned[] = [];
  const refused: Pending[] = [];
  const used = new Set<string>();
  let bytes = 0;
  for (const pending of lane.queue) {
    // An append under suspicion goes in a batch of its own: it waits for the next round, or takes this one.
    if (pending.alone && batch.length > 0) break;
    let decided: AppendPlan;
    try {
      decided = pending.planner(next.conversation);
    } catch (error) {
      if (!fresh) return 'stale';
      refused.push(pending);
      pending.reject(error);
      continue;
    }
    const set = Object.fromEntries(Object.entries(decided.set ?? {}).filter(([, v]) => v !== undefined));
    // Every change of the conversation item moves its sequence number, or other processes' heads would
    // pass the condition with what they remember: a change without an event is refused.
    const changes =
      Object.keys(set).length > 0 || Boolean(decided.messageDelta) || Boolean(decided.memberDelta);
    const misfit = Object.keys(set).some((k) => COUNTERS.has(k))
      ? 'an append may not set a counter of the conversation'
      : changes && decided.events.length === 0
        ? 'an append that changes the conversation must add an event'
        : undefined;
    if (misfit) {
      refused.push(pending);
      pending.reject(new Error(misfit));
      continue;
    }
    const own = decided.items ?? [];
    const ownKeys = own.map(keyOf);
    if (ownKeys.some((k) => k !== undefined && used.has(k))) continue;
    const first = next.conversation.sequence_number + 1;
    const events = decided.events.map((e, i): ConversationEvent => ({ ...e, id: first + i }));
    const puts = events.map((event) => eventPut(head.conversation.id, event));
    const size = JSON.stringify(puts).length + JSON.stringify(own).length + JSON.stringify(set).length;
    const count = puts.length + own.length;
    if (1 + items.length + count > MAX_ITEMS || bytes + size > MAX_BYTES) {
      if (batch.length > 0) break;
      refused.push(pending);
      pending.reject(new Error(`an append of ${count} items does not fit in a transaction`));
      continue;
    }
    // Transaction index = 1 (the conversation update) + position among the batch's other items.
    const eventStart = 1 + items.length;
    items.push(...puts, ...own);
    bytes += size;
    for (const k of ownKeys) if (k) used.add(k);
    batch.push({
      pending,
      plan: decided,
      events,
      eventStart,
      ownStart: eventStart + puts.length,
      ownCount: own.length,
    });
    change.messageDelta += decided.messageDelta ?? 0;
    change.memberDelta += decided.memberDelta ?? 0;
    // The count before the batch plus every delta up to this append must stay within its maximum.
    if ((decided.memberDelta ?? 0) > 0 && decided.maxMembers !== undefined) {
      const room = decided.maxMembers - change.memberDelta;
      change.room = Math.min(change.room ?? room, room);
    }
    Object.assign(change.set, set);
    next = applied(next, decided, events.length, set);
    if (pending.alone) break;
  }
  const gone = new Set([...refused, ...batch.map((b) => b.pending)]);
  lane.queue = lane.queue.filter((p) => !gone.has(p));
  if (batch.length === 0) return { batch, items, next };
  return { batch, items: [conversationUpdate(head.conversation, next.conversation, change), ...items], next };
};

const round = async (id: string, lane: Lane): Promise<void> => {
  let head = guessHead(id, lane);
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
    planned = plan(lane, head, fresh);
    if (planned !== 'stale') break;
    head = undefined;
  }
  const { batch, items, next } = planned;
  if (batch.length === 0) return;
  try {
    await db().send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) {
      forgetHead(id);
      refused(lane, batch, error);
      return;
    }
    lost(id, lane, batch, error, fresh);
    // Lost to another writer on a head just read: back off before the next round reads again.
    if (fresh || error.CancellationReasons?.some((r) => r.Code === 'TransactionConflict'))
      await sleep(backoff(lane.losses));
    return;
  }
  lane.losses = 0;
  rememberHead(next);
  for (const b of batch) {
    b.plan.committed?.(b.events);
    b.pending.resolve(b.events);
  }
};

/**
 * Sorts out a batch refused as a whole, before any condition was checked. When an append holds what DynamoDB
 * or its SDK will not take (a number out of range, a map nested too deep), a batch of several is split and
 * each append retried alone, so that the others commit; one that fails alone is refused with a 400, nothing
 * of it written. Any other fault (an unavailable store among them) fails the batch.
 */
const refused = (lane: Lane, batch: Planned[], error: unknown): void => {
  // DynamoDB's ValidationException, or the SDK's marshalling, which throws before anything is sent (a
  // DomainError is Parley's own answer: an unavailable store).
  const unstorable =
    error instanceof Error &&
    !(error instanceof DomainError) &&
    (error.name === 'ValidationException' || !('$metadata' in error));
  if (unstorable && batch.length > 1) {
    for (const b of batch) b.pending.alone = true;
    lane.queue = [...batch.map((b) => b.pending), ...lane.queue];
    return;
  }
  for (const b of batch) b.pending.reject(unstorable ? unstorableError() : error);
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
  // Index 0 is the conversation update: another writer moved the conversation (or it is full, or gone).
  let explained = failed(0) || reasons.some((r) => r.Code === 'TransactionConflict');
  for (const b of batch) {
    const own = Array.from({ length: b.ownCount }, (_, k) => k).find((k) => failed(b.ownStart + k));
    if (own !== undefined) {
      explained = true;
      b.pending.reject(b.plan.failed?.(own) ?? new ConversationChangedError());
      continue;
    }
    // An event that exists already: the head was stale.
    if (b.events.some((_, k) => failed(b.eventStart + k))) explained = true;
    retry.push(b.pending);
  }
  forgetHead(id);
  // Every guess at the head has failed now: the next round reads it.
  for (const p of [...retry, ...lane.queue]) p.read = undefined;
  if (!explained) {
    for (const p of retry) p.reject(error);
    return;
  }
  lane.losses += fresh ? 1 : 0;
  const again: Pending[] = [];
  for (const p of retry) {
    p.rounds += 1;
    if (p.rounds >= RETRY_POLICY.maxAttempts) p.reject(tooBusy());
    else again.push(p);
  }
  lane.queue = [...again, ...lane.queue];
};
