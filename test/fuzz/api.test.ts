/**
 * The fuzz suite: property-based requests (fast-check) to every route of the OpenAPI document the docs
 * Lambda serves, through the dev server's HTTP ↔ event translation into the real handlers, against
 * DynamoDB Local. For every request:
 *
 * - no status ≥ 500;
 * - every error in its surface's shape (Vonage `type, title, code, detail, instance[, invalid_parameters]`; under `/twilio`, Twilio `code, message, more_info, status`);
 * - a failed request changes nothing: no write succeeded while it ran, and the fixture conversation's
 *   partition reads the same before and after.
 *
 * `npm test` runs a short seeded run (FUZZ_RUNS, default 200; FUZZ_SEED, default fixed); `npm run fuzz`
 * runs 10,000 cases with a fresh seed, which it prints. Every violation is collected and listed at the
 * end, grouped by route and answer, with the first request that showed it.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { db, tableName } from '../../functions/store/client.ts';
import { conversationPartition } from '../../functions/store/keys.ts';
import { call } from '../support/api.ts';
import { adminToken, userToken } from '../support/tokens.ts';
import {
  type DefectClass,
  type FuzzRequest,
  type Operation,
  operationsOf,
  type Ref,
  requestOf,
  type Token,
} from './arbitraries.ts';

/** Every class of hostile value, each tagged so that a counterexample says which defect class it probes. */
const CLASSES: DefectClass[] = [
  'general',
  'c2-free-form',
  'c3-ids',
  'c4-cursors',
  'c7-lookups',
  'c9-unicode',
];

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const SEED = Number(process.env.FUZZ_SEED ?? (process.env.FUZZ_RUNS ? Date.now() % 2 ** 31 : 20261201));
/** Fixtures are rebuilt this often (and after each write that may have removed one), so posts stay few. */
const REBUILD_EVERY = 60;

interface World {
  conversation: string;
  alice: string;
  bob: string;
  aliceName: string;
  aliceMember: string;
  bobMember: string;
  number: string;
  event: string;
  tokens: Record<Token, string | null>;
}

let built = 0;
const buildWorld = async (): Promise<World> => {
  built++;
  const tag = `${built}-${Math.random().toString(36).slice(2, 8)}`;
  const user = async (name: string) =>
    (await call('POST', '/v1/users', { body: { name } })).body.id as string;
  const aliceName = `fuzz-alice-${tag}`;
  const bobName = `fuzz-bob-${tag}`;
  const alice = await user(aliceName);
  const bob = await user(bobName);
  const conversation = (await call('POST', '/v1/conversations', { body: { display_name: 'fuzz' } })).body.id;
  const join = async (id: string) =>
    (
      await call('POST', `/v1/conversations/${conversation}/members`, {
        body: { state: 'joined', user: { id }, channel: { type: 'app' } },
      })
    ).body.id as string;
  const aliceMember = await join(alice);
  const bobMember = await join(bob);
  const aliceToken = await userToken(aliceName);
  const event = (
    await call('POST', `/v1/conversations/${conversation}/events`, {
      body: { type: 'message', body: { message_type: 'text', text: 'hello' } },
      token: aliceToken,
    })
  ).body.id;
  const number = `4477009${String(10_000 + built).slice(-5)}`;
  await call('PUT', `/v1/numbers/${number}`, { body: { forward_to: '447700900003' } });
  await call('PUT', '/v1/numbers/447700900002', { body: { forward_to: '447700900003' } });
  return {
    conversation,
    alice,
    bob,
    aliceName,
    aliceMember,
    bobMember,
    number,
    event: String(event),
    tokens: {
      admin: await adminToken(),
      alice: aliceToken,
      bob: await userToken(bobName),
      none: null,
      garbage: 'not.a.token',
      expired: await adminToken({ ttlSeconds: -60 }),
      'acl-methods-string': await userToken(aliceName, { aclPaths: { '/**': { methods: 'GET' } } }),
    },
  };
};

const REFS = new Set<unknown>([
  'conversation',
  'alice',
  'bob',
  'aliceName',
  'aliceMember',
  'bobMember',
  'number',
  'event',
]);

/** A ref made by the arbitraries (a generated free-form object may have a key `ref` too: it is no ref). */
const isRef = (v: unknown): v is Ref =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  Object.keys(v).length === 1 &&
  REFS.has((v as { ref?: unknown }).ref);

/** A JSON value with its refs replaced by the fixtures' ids (own keys such as `__proto__` kept as keys). */
const resolve = (v: unknown, world: World): unknown => {
  if (isRef(v)) return world[v.ref];
  if (Array.isArray(v)) return v.map((x) => resolve(x, world));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v))
      Object.defineProperty(out, k, {
        value: resolve(x, world),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return out;
  }
  return v;
};

/** encodeURIComponent, with lone surrogates sent as their WTF-8 bytes (which is not UTF-8). */
const encode = (s: string): string => {
  try {
    return encodeURIComponent(s);
  } catch {
    let out = '';
    for (const ch of s) {
      const u = ch.charCodeAt(0);
      if (ch.length === 1 && u >= 0xd800 && u <= 0xdfff)
        out += [0xe0 | (u >> 12), 0x80 | ((u >> 6) & 0x3f), 0x80 | (u & 0x3f)]
          .map((b) => `%${b.toString(16).toUpperCase()}`)
          .join('');
      else out += encodeURIComponent(ch);
    }
    return out;
  }
};

const urlOf = (r: FuzzRequest, world: World): string => {
  const str = (v: string | Ref) => (typeof v === 'string' ? v : world[v.ref]);
  const path = r.path.replace(/\{([^/}]+)\}/g, (_, name: string) => encode(str(r.pathParams[name])));
  const query = r.query.map(([k, v]) => `${encode(k)}=${encode(str(v))}`).join('&');
  return query ? `${path}?${query}` : path;
};

const partition = async (conversationId: string): Promise<string> => {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': conversationPartition(conversationId) },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return JSON.stringify(items);
};

/** Names of the write commands that succeeded since the spy was last reset. */
const writes: string[] = [];
const WRITE = /Put|Update|Delete|TransactWrite|BatchWrite/;

const ERROR_KEYS = new Set(['type', 'title', 'code', 'detail', 'instance', 'invalid_parameters']);

/** Twilio's error body, which the `twilio` library raises as its RestException. */
const twilioShapeProblem = (b: Record<string, unknown>): string | undefined => {
  if (typeof b.code !== 'number') return 'Twilio error body without a number "code"';
  if (typeof b.message !== 'string') return 'Twilio error body without a string "message"';
  if (typeof b.more_info !== 'string') return 'Twilio error body without a string "more_info"';
  if (typeof b.status !== 'number') return 'Twilio error body without a number "status"';
  return undefined;
};

/** What is wrong with an error body in its surface's shape: Twilio's under /twilio, Vonage's elsewhere. */
const shapeProblem = (body: unknown, path = ''): string | undefined => {
  if (typeof body !== 'object' || body === null) return 'error body is not a JSON object';
  const b = body as Record<string, unknown>;
  if (path.startsWith('/twilio/')) return twilioShapeProblem(b);
  for (const k of ['type', 'title', 'code', 'detail', 'instance'])
    if (typeof b[k] !== 'string') return `error body without a string "${k}"`;
  const extra = Object.keys(b).filter((k) => !ERROR_KEYS.has(k));
  if (extra.length > 0) return `error body with ${extra.join(', ')}`;
  if (b.invalid_parameters !== undefined && !Array.isArray(b.invalid_parameters))
    return 'invalid_parameters is not a list';
  return undefined;
};

interface Violation {
  what: string;
  route: string;
  status: number;
  code?: string;
  classes: DefectClass[];
  request: string;
}

const describeRequest = (r: FuzzRequest, url: string, body: string | undefined): string => {
  const cut = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}… (${s.length} chars)` : s);
  return cut(
    `${r.method} ${url} token=${r.token}${r.idempotencyKey ? ` idempotency-key=${r.idempotencyKey}` : ''}${
      r.contentType ? ` content-type=${r.contentType}` : ''
    }${body !== undefined ? ` body=${body}` : ''}`,
  );
};

describe('Fuzz: every route, generated from the OpenAPI document, with hostile values', () => {
  let operations: Operation[];
  beforeAll(async () => {
    const doc = await call('GET', '/v1/openapi.json', { token: null });
    operations = operationsOf(doc.body);
    db().middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        const input = args.input as { ReturnValues?: string };
        // A delete that returned no old item removed nothing.
        const removedNothing =
          /Delete(Item)?Command$/.test(String(context.commandName)) &&
          input.ReturnValues === 'ALL_OLD' &&
          !(out.output as { Attributes?: unknown }).Attributes;
        if (WRITE.test(String(context.commandName)) && !removedNothing)
          writes.push(String(context.commandName));
        return out;
      },
      { step: 'initialize', name: 'fuzz-write-spy' },
    );
  });

  it(
    `holds for ${RUNS} requests (seed ${SEED})`,
    async () => {
      console.log(`fuzz: ${RUNS} runs, seed ${SEED}, classes ${CLASSES.join(', ')}`);
      expect(operations.length).toBeGreaterThanOrEqual(39);
      const arbitrary = fc.oneof(...operations.map((op) => requestOf(op, CLASSES)));
      const violations: Violation[] = [];
      let world = await buildWorld();
      let cases = 0;
      const statuses = new Map<number, number>();
      const started = Date.now();
      await fc.assert(
        fc.asyncProperty(arbitrary, async (r) => {
          cases++;
          if (cases % REBUILD_EVERY === 0) world = await buildWorld();
          const url = urlOf(r, world);
          const body =
            r.body === undefined
              ? undefined
              : 'raw' in r.body
                ? r.body.raw
                : JSON.stringify(resolve(r.body.json, world));
          const headers: Record<string, string> = {};
          if (r.contentType) headers['content-type'] = r.contentType;
          if (r.idempotencyKey) headers['idempotency-key'] = r.idempotencyKey;
          const before = await partition(world.conversation);
          writes.length = 0;
          const res = await call(r.method, url, { token: world.tokens[r.token], headers, raw: body });
          const wrote = [...writes];
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const found: string[] = [];
          if (res.status >= 500) found.push(`status ${res.status}`);
          if (res.status >= 400) {
            const problem = shapeProblem(res.body, r.path);
            if (problem) found.push(problem);
            if (wrote.length > 0) found.push(`failed request wrote (${wrote.join(', ')})`);
            else if ((await partition(world.conversation)) !== before)
              found.push('failed request changed the conversation partition');
          }
          for (const what of found)
            violations.push({
              what,
              route: `${r.method} ${r.path}`,
              status: res.status,
              code: res.body?.code,
              classes: r.classes,
              request: describeRequest(r, url, body),
            });
          // A write that may have removed a fixture (a member left, a conversation or user deleted).
          if (res.status < 300 && (r.method === 'DELETE' || r.method === 'PATCH')) world = await buildWorld();
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
      const seconds = (Date.now() - started) / 1000;
      console.log(
        `fuzz: ${cases} cases in ${seconds.toFixed(1)} s, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}, ${violations.length} violations`,
      );
      const groups = new Map<string, { count: number; first: Violation }>();
      for (const v of violations) {
        const key = `${v.what} | ${v.route} | ${v.status} ${v.code ?? ''} | ${v.classes.join(',') || 'general'}`;
        const g = groups.get(key);
        if (g) g.count++;
        else groups.set(key, { count: 1, first: v });
      }
      for (const [key, g] of groups)
        console.log(`fuzz violation ×${g.count}: ${key}\n    ${g.first.request}`);
      expect([...groups.keys()]).toEqual([]);
    },
    RUNS * 300 + 120_000,
  );
});
