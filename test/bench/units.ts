/**
 * Request units per request, from the items actually read and written, by DynamoDB's size rules: an item's
 * size is the sum of its attribute names and values; a write costs 1 unit per started KB of the larger of
 * the item before and after (2 in a transaction, a ConditionCheck included), plus 1 per started KB for each
 * index entry it writes or removes; a read costs 1 unit per started 4 KB strongly consistent, ½ eventually
 * consistent (2 in a transaction), each item of a BatchGet rounded on its own, a Query's items summed first.
 *
 * A middleware on the process's one document client does the counting while `recording`: before a write it
 * reads every item the write touches (through a second, uncounted client), after it reads them again. It also
 * asks DynamoDB for `ConsumedCapacity`, which DynamoDB Local reports too, as a cross-check.
 */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

type Item = Record<string, unknown>;

/** Bytes of a number as DynamoDB stores it: about one byte per two significant digits, plus one. */
const numberSize = (n: number): number => {
  const digits = String(Math.abs(n))
    .replace(/e.*$/, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
};

/** Size in bytes of one attribute value. */
export const valueSize = (v: unknown): number => {
  if (v === null || v === undefined || typeof v === 'boolean') return 1;
  if (typeof v === 'string') return Buffer.byteLength(v, 'utf8');
  if (typeof v === 'number' || typeof v === 'bigint') return numberSize(Number(v));
  if (v instanceof Uint8Array) return v.byteLength;
  if (v instanceof Set) return [...v].reduce((n: number, e) => n + valueSize(e), 0);
  if (Array.isArray(v)) return 3 + v.reduce((n: number, e) => n + 1 + valueSize(e), 0);
  if (typeof v === 'object')
    return (
      3 +
      Object.entries(v as Item).reduce(
        (n, [k, e]) => (e === undefined ? n : n + 1 + Buffer.byteLength(k) + valueSize(e)),
        0,
      )
    );
  return 0;
};

/** Size in bytes of an item: every attribute's name and value. */
export const itemSize = (item: Item): number =>
  Object.entries(item).reduce(
    (n, [k, v]) => (v === undefined ? n : n + Buffer.byteLength(k) + valueSize(v)),
    0,
  );

export const writeUnitsOf = (bytes: number): number => Math.max(1, Math.ceil(bytes / 1024));
export const readUnitsOf = (bytes: number): number => Math.max(1, Math.ceil(bytes / 4096));

export interface UnitCount {
  read: number;
  /** Write units, the index's included. */
  write: number;
  /** Of `write`, those of index entries. */
  indexWrite: number;
  /** What DynamoDB (Local) said it consumed, when it said so. */
  reported: { read: number; write: number; seen: boolean };
  /** Write units on each partition (`pk`), table items only, transactions counted double. */
  partitions: Map<string, number>;
  /** Write units on each item (`pk` NUL `sk`), table only, transactions counted double. */
  items: Map<string, number>;
}

export const emptyCount = (): UnitCount => ({
  read: 0,
  write: 0,
  indexWrite: 0,
  reported: { read: 0, write: 0, seen: false },
  partitions: new Map(),
  items: new Map(),
});

const plain = (item: unknown): Item | undefined => {
  if (!item || typeof item !== 'object') return undefined;
  const i = item as Item;
  // Marshalled (`{pk: {S: …}}`) when the middleware runs after the document client's own.
  return i.pk && typeof i.pk === 'object' ? unmarshall(i as never) : i;
};

const keyOf = (item: Item | undefined): Item | undefined => (item ? { pk: item.pk, sk: item.sk } : undefined);

const INDEX_KEYS = ['gsi1pk', 'gsi1sk'] as const;

/** Units of one write of `before` → `after` (either may be absent), on the table and on its index. */
export const writeCost = (
  before: Item | undefined,
  after: Item | undefined,
  transactional: boolean,
): { table: number; index: number } => {
  const size = Math.max(before ? itemSize(before) : 0, after ? itemSize(after) : 0);
  const table = writeUnitsOf(size) * (transactional ? 2 : 1);
  let index = 0;
  const indexed = (i: Item | undefined) => i !== undefined && i.gsi1pk !== undefined;
  const sameKeys = INDEX_KEYS.every((k) => before?.[k] === after?.[k]);
  if (indexed(after) && (!before || !sameKeys || !isEqual(before, after as Item)))
    index += writeUnitsOf(itemSize(after as Item));
  if (indexed(before) && (!indexed(after) || !sameKeys)) index += writeUnitsOf(itemSize(before as Item));
  return { table, index };
};

const isEqual = (a: Item, b: Item) => JSON.stringify(a) === JSON.stringify(b);

interface Touch {
  key: Item;
  transactional: boolean;
  check: boolean;
}

/** The items a write command touches, by key. */
const touches = (command: string, input: Item): Touch[] => {
  const out: Touch[] = [];
  const add = (key: unknown, transactional: boolean, check = false) => {
    const k = keyOf(plain(key));
    if (k) out.push({ key: k, transactional, check });
  };
  if (command === 'TransactWriteItems')
    for (const t of (input.TransactItems as Item[]) ?? []) {
      const [[kind, op]] = Object.entries(t) as [string, Item][];
      add(kind === 'Put' ? op.Item : op.Key, true, kind === 'ConditionCheck');
    }
  else if (command === 'BatchWriteItem')
    for (const requests of Object.values((input.RequestItems as Record<string, Item[]>) ?? {}))
      for (const r of requests) add((r.PutRequest as Item)?.Item ?? (r.DeleteRequest as Item)?.Key, false);
  else if (command === 'PutItem' || command === 'Put') add(input.Item, false);
  else if (/^(Update|Delete)(Item)?$/.test(command)) add(input.Key, false);
  return out;
};

const readCost = (command: string, input: Item, output: Item): number => {
  const consistent = (c: unknown) => (c ? 1 : 0.5);
  if (command === 'GetItem' || command === 'Get') {
    const item = plain(output.Item);
    return item
      ? readUnitsOf(itemSize(item)) * consistent(input.ConsistentRead)
      : consistent(input.ConsistentRead);
  }
  if (command === 'BatchGetItem') {
    let n = 0;
    const requests = (input.RequestItems ?? {}) as Record<string, Item>;
    for (const [table, items] of Object.entries((output.Responses ?? {}) as Record<string, unknown[]>))
      for (const i of items)
        n += readUnitsOf(itemSize(plain(i) ?? {})) * consistent(requests[table]?.ConsistentRead);
    return n;
  }
  if (command === 'Query') {
    const bytes = ((output.Items as unknown[]) ?? []).reduce(
      (n: number, i) => n + itemSize(plain(i) ?? {}),
      0,
    );
    return readUnitsOf(bytes) * (input.IndexName ? 0.5 : consistent(input.ConsistentRead));
  }
  if (command === 'TransactGetItems') {
    return ((output.Responses as Item[]) ?? []).reduce(
      (n: number, r) => n + 2 * readUnitsOf(itemSize(plain(r.Item) ?? {})),
      0,
    );
  }
  return 0;
};

const reported = (output: Item): { read: number; write: number } | undefined => {
  const c = output.ConsumedCapacity as Item | Item[] | undefined;
  if (!c) return undefined;
  const list = Array.isArray(c) ? c : [c];
  let read = 0;
  let write = 0;
  for (const e of list) {
    const total = Number(e.CapacityUnits ?? 0);
    const r = e.ReadCapacityUnits;
    const w = e.WriteCapacityUnits;
    if (r !== undefined || w !== undefined) {
      read += Number(r ?? 0);
      write += Number(w ?? 0);
    } else if (total) write += total;
  }
  return { read, write };
};

export interface UnitCounter {
  recording: boolean;
  count: UnitCount;
  /** CPU time (µs) this counter itself spent, to subtract from a request's own. */
  ownCpuMicros: number;
  reset(): void;
}

const READS = new Set(['GetItem', 'Get', 'BatchGetItem', 'Query', 'TransactGetItems']);

/** Installs the unit counter on `client`; `peek` is a second client, whose calls are not counted. */
export const installUnitCounter = (
  client: DynamoDBDocumentClient,
  peek: DynamoDBDocumentClient,
  table: string,
) => {
  const counter: UnitCounter = {
    recording: false,
    count: emptyCount(),
    ownCpuMicros: 0,
    reset() {
      counter.count = emptyCount();
      counter.ownCpuMicros = 0;
    },
  };
  const read = async (key: Item): Promise<Item | undefined> =>
    (await peek.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;
  const timed = async <T>(fn: () => Promise<T>): Promise<T> => {
    const start = process.cpuUsage();
    try {
      return await fn();
    } finally {
      const used = process.cpuUsage(start);
      counter.ownCpuMicros += used.user + used.system;
    }
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (!counter.recording) return next(args);
      const command = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      const input = (args.input ?? {}) as Item;
      input.ReturnConsumedCapacity = 'INDEXES';
      const touched = touches(command, input);
      const before = await timed(() => Promise.all(touched.map((t) => read(t.key))));
      let result: Awaited<ReturnType<typeof next>> | undefined;
      let failed: unknown;
      try {
        result = await next(args);
      } catch (error) {
        failed = error;
      }
      await timed(async () => {
        const after = await Promise.all(touched.map((t) => read(t.key)));
        const c = counter.count;
        for (const [i, t] of touched.entries()) {
          const cost = t.check
            ? { table: 2 * writeUnitsOf(before[i] ? itemSize(before[i] as Item) : 0), index: 0 }
            : writeCost(before[i], after[i], t.transactional);
          c.write += cost.table + cost.index;
          c.indexWrite += cost.index;
          const pk = String(t.key.pk);
          c.partitions.set(pk, (c.partitions.get(pk) ?? 0) + cost.table);
          const key = `${pk}\u0000${t.key.sk}`;
          c.items.set(key, (c.items.get(key) ?? 0) + cost.table);
        }
        const output = ((result as { output?: Item } | undefined)?.output ?? {}) as Item;
        if (READS.has(command)) c.read += readCost(command, input, output);
        const r = reported(output);
        if (r) {
          c.reported.seen = true;
          if (READS.has(command)) c.reported.read += r.read || r.write;
          else c.reported.write += r.write;
        }
      });
      if (failed) throw failed;
      return result as Awaited<ReturnType<typeof next>>;
    },
    { step: 'initialize', name: 'parleyBenchUnits', override: true },
  );
  return counter;
};
