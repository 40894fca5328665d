/**
 * Runs in a fresh Node process (with --expose-gc): mixed requests through the real handlers, RSS after a
 * garbage collection at two points. Prints one JSON line. Started by the benchmark with its fixtures in
 * PARLEY_BENCH_RSS.
 */
import { randomUUID } from 'node:crypto';
import { mintToken } from '../../cli/token.ts';
import { mounts } from '../../infra/local/mounts.ts';
import { createApi, type RequestSpec } from './api.ts';

interface RssInput {
  privateKeyPem: string;
  applicationId: string;
  conversationId: string;
  userId: string;
  userName: string;
  memberId?: string;
  events: boolean;
  first: number;
  total: number;
}

const input = JSON.parse(process.env.PARLEY_BENCH_RSS ?? '{}') as RssInput;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('start with --expose-gc');

const api = createApi(mounts());

// A pool of tokens, as many clients would send: each is verified once, then found in the cache.
const tokens = { admin: [] as string[], user: [] as string[] };
for (let i = 0; i < 200; i++) {
  const base = { applicationId: input.applicationId, privateKeyPem: input.privateKeyPem, ttlSeconds: 3600 };
  tokens.admin.push(await mintToken(base));
  tokens.user.push(await mintToken({ ...base, sub: input.userName }));
}
const pick = (list: string[], i: number) => list[i % list.length];

const c = input.conversationId;
const mix: ((i: number) => RequestSpec)[] = [
  (i) => ({ method: 'GET', url: `/v1/conversations/${c}`, token: pick(tokens.user, i) }),
  (i) => ({ method: 'GET', url: `/v1/users/${input.userId}`, token: pick(tokens.admin, i) }),
  (i) => ({ method: 'GET', url: '/v1/users?page_size=10', token: pick(tokens.admin, i) }),
  (i) => ({ method: 'GET', url: '/v1/conversations?page_size=10&order=desc', token: pick(tokens.admin, i) }),
  (i) => ({
    method: 'PUT',
    url: `/v1/conversations/${c}`,
    token: pick(tokens.admin, i),
    body: { display_name: `rss ${i % 7}` },
  }),
  (i) => ({ method: 'GET', url: `/v1/conversations/CON-${randomUUID()}`, token: pick(tokens.admin, i) }),
  (i) => ({
    method: 'POST',
    url: '/v1/users',
    token: pick(tokens.admin, i),
    body: { name: `rss-${randomUUID()}` },
  }),
];
if (input.events && input.memberId) {
  mix.push(
    (i) => ({
      method: 'POST',
      url: `/v1/conversations/${c}/events`,
      token: pick(tokens.user, i),
      body: { type: 'message', from: input.memberId, body: { message_type: 'text', text: `rss ${i}` } },
    }),
    (i) => ({
      method: 'GET',
      url: `/v1/conversations/${c}/events?page_size=20&order=desc`,
      token: pick(tokens.user, i),
    }),
    (i) => ({ method: 'GET', url: `/v1/conversations/${c}/members`, token: pick(tokens.user, i) }),
  );
}

let done = 0;
let failed = 0;
const runUntil = async (n: number) => {
  const worker = async () => {
    while (done < n) {
      const i = done++;
      const r = await api.send(mix[i % mix.length](i));
      if (r.status >= 500) failed++;
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
};

const settledRss = () => {
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage().rss;
};

if (process.env.PARLEY_BENCH_RSS_TRACE) {
  for (let n = input.first; n <= input.total; n += input.first) {
    await runUntil(n);
    process.stderr.write(
      `${n} ${(settledRss() / 1e6).toFixed(1)} MB heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(1)}\n`,
    );
  }
}
await runUntil(input.first);
const early = { rss: settledRss(), heap: process.memoryUsage().heapUsed };
await runUntil(input.total);
const late = { rss: settledRss(), heap: process.memoryUsage().heapUsed };
process.stdout.write(`${JSON.stringify({ early, late, failed, kinds: mix.length })}\n`);
process.exit(0);
