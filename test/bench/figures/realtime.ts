/**
 * The realtime figures, against the dev server's socket and stream tail in this process:
 * `push_latency_ratio` (a REST post until the other user's nexmo-client event handler fires, against the
 * post's own latency, measured in the same samples, one message at a time) and `idle_sockets_held`
 * (engine.io 4 sessions one dev-server process holds open, opened from a child process, with its RSS growth
 * per 1,000).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startSdkUser } from '../../support/sdk/users.ts';
import type { TestServer } from '../../support/server.ts';
import type { Bench } from '../context.ts';
import { type Figure, judge } from '../figure.ts';
import { describe, percentile, type Summary } from '../stats.ts';
import { guarded } from './common.ts';

const summary = (values: number[]): Summary => {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
};

/**
 * The dev server with its socket gateway and the stream tail, as `npm start` runs them (the tests' own
 * server, over the bench's table: imported only now, as the handlers read the environment set up for it).
 */
const startRealtimeServer = async (): Promise<TestServer> => {
  const { startTestServer } = await import('../../support/server.ts');
  return startTestServer({ stream: true, sockets: true });
};

export const realtimeFigures = async (bench: Bench): Promise<Figure[]> => {
  const server = await startRealtimeServer();
  try {
    return [await pushLatencyRatio(bench, server), await idleSocketsHeld(bench, server)];
  } finally {
    await server.close();
  }
};

/** The pause between one sample's last push and the next post (ms): ample for a fan-out batch to end. */
const QUIET_MS = 25;

const pushLatencyRatio = (bench: Bench, server: TestServer): Promise<Figure> =>
  guarded('push_latency_ratio', 1.5, 'max', async () => {
    const sender = await bench.fixtures.createUser();
    const receiver = await bench.fixtures.createUser();
    const cid = await bench.fixtures.createConversation();
    const from = await bench.fixtures.join(cid, sender.id);
    await bench.fixtures.join(cid, receiver.id);
    const sdk = startSdkUser('./nexmo-worker.mjs', { url: server.baseUrl, nexmo_api_url: server.baseUrl });
    try {
      await sdk.call('login', receiver.token);
      await sdk.call('get', cid);
      const post = async (): Promise<{ post: number; push: number }> => {
        const started = performance.now();
        const res = await fetch(`${server.baseUrl}/v1/conversations/${cid}/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${sender.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'message', from, body: { message_type: 'text', text: 'ping' } }),
        });
        const { id } = (await res.json()) as { id: number };
        const posted = performance.now() - started;
        const pushed = await sdk.waitFor((e) => e.type === 'message' && e.id === id, 10_000);
        // The moment the handler fired in the SDK's thread, not when this thread next got to hear of it.
        const fired = (pushed.firedAt ?? performance.timeOrigin + performance.now()) - performance.timeOrigin;
        // One message at a time, as people chat: the next is posted once the SDK's automatic delivered receipt
        // of this one is stored and pushed back to it, and the fan-out has had time to finish that batch
        // (its confirming read), so that neither the post nor the push of a sample shares the process with
        // the work left from the one before.
        await sdk.waitFor((e) => e.type === 'message:delivered' && e.id === id, 10_000);
        await new Promise((res) => setTimeout(res, QUIET_MS));
        return { post: posted, push: fired - started };
      };
      for (let i = 0; i < bench.latency.warmup; i++) await post();
      const posts: number[] = [];
      const pushes: number[] = [];
      const samples = Math.min(bench.latency.samples, 200);
      for (let i = 0; i < samples; i++) {
        const s = await post();
        posts.push(s.post);
        pushes.push(s.push);
      }
      const p = summary(posts);
      const q = summary(pushes);
      return judge('push_latency_ratio', q.p50 / p.p50, 1.5, 'max', [
        describe('REST post → the other nexmo-client handler fires', q),
        describe('the REST post itself (same samples)', p),
        `p99 ratio ${(q.p99 / p.p99).toFixed(2)}; the push runs through DynamoDB Local's stream (polled) into the fan-out`,
        `each message posted ${QUIET_MS} ms after the receiver's automatic delivered receipt of the one before had come back to it`,
      ]);
    } finally {
      await sdk.stop();
    }
  });

/** A child process that opens `count` engine.io 4 sessions and keeps them open until stdin closes. */
const OPENER = `
import WebSocket from 'ws';
const [url, count] = [process.argv[1], Number(process.argv[2])];
let open = 0;
const sockets = [];
const next = (i) => new Promise((res) => {
  const ws = new WebSocket(url);
  ws.on('message', (d) => { if (String(d).startsWith('42["session:success"')) { open++; res(); } else if (String(d) === '2') ws.send('3'); });
  ws.on('error', () => res());
  ws.on('close', () => res());
  sockets.push(ws);
});
for (let i = 0; i < count; i += 50) {
  await Promise.all(Array.from({ length: Math.min(50, count - i) }, (_, k) => next(i + k)));
  if ((i + 50) % 1000 === 0) process.stdout.write('at ' + open + '\\n');
}
process.stdout.write('open ' + open + '\\n');
// Each line on stdin closes the next 50 (answered 'closed'); the end of stdin closes the rest.
let closed = 0;
const closeNext = async (n) => {
  const batch = sockets.slice(closed, closed + n);
  closed += batch.length;
  await Promise.all(batch.map((ws) => new Promise((res) => {
    if (ws.readyState !== WebSocket.OPEN) return res();
    ws.once('close', res);
    ws.close();
  })));
};
let lines = '';
process.stdin.on('data', async (d) => {
  lines += d;
  while (lines.includes('\\n')) {
    lines = lines.slice(lines.indexOf('\\n') + 1);
    await closeNext(50);
    process.stdout.write('closed ' + closed + '\\n');
  }
});
process.stdin.on('end', async () => {
  await closeNext(sockets.length);
  process.exit(0);
});
`;

const idleSocketsHeld = (bench: Bench, server: TestServer): Promise<Figure> =>
  guarded('idle_sockets_held', 5000, 'min', async () => {
    const target = bench.options.quick ? 1000 : 5000;
    const user = await bench.fixtures.createUser();
    const url = `${server.baseUrl.replace('http', 'ws')}/v2/rtc/?token=${user.token}&EIO=4&transport=websocket`;
    globalThis.gc?.();
    const before = process.memoryUsage().rss;
    const marks: { open: number; rss: number }[] = [];
    const child = spawn(process.execPath, ['--input-type=module', '-e', OPENER, url, String(target)], {
      cwd: join(import.meta.dirname, '..', '..', '..'),
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const open = await new Promise<number>((res, rej) => {
      let buffer = '';
      child.stdout.on('data', (d: Buffer) => {
        buffer += d.toString();
        for (const line of buffer.split('\n').slice(0, -1)) {
          const [word, n] = line.split(' ');
          if (word === 'at') marks.push({ open: Number(n), rss: process.memoryUsage().rss });
          if (word === 'open') res(Number(n));
        }
        buffer = buffer.slice(buffer.lastIndexOf('\n') + 1);
      });
      child.once('exit', (code) => rej(new Error(`the socket opener exited (${code})`)));
    });
    const after = process.memoryUsage().rss;
    // Closed before the server goes (their disconnects still need the table), 50 at a time, each 50's
    // disconnects done before the next: the figures after this one start on a quiet table.
    const closedUpTo = (n: number) =>
      new Promise<void>((res) => {
        const seen = (d: Buffer) => {
          if (!d.toString().includes(`closed ${n}\n`)) return;
          child.stdout.off('data', seen);
          res();
        };
        child.stdout.on('data', seen);
      });
    const held = server.openSockets();
    for (let n = 50; n <= open; n += 50) {
      const closed = closedUpTo(n);
      child.stdin.write('next\n');
      await closed;
      // The server has seen them close (and started their disconnects) once it holds 50 fewer.
      while (server.openSockets() > held - n) await new Promise((res) => setTimeout(res, 5));
      await server.socketsIdle();
    }
    const exited = new Promise((res) => child.once('exit', res));
    child.stdin.end();
    await exited;
    await server.socketsIdle();
    const perThousand = ((after - before) / Math.max(open, 1)) * 1000;
    return judge('idle_sockets_held', open, 5000, 'min', [
      `${open} of ${target} engine.io 4 sessions open in one dev-server process (logged in, greeted, idle)`,
      `RSS ${(before / 2 ** 20).toFixed(0)} → ${(after / 2 ** 20).toFixed(0)} MiB: ${(perThousand / 2 ** 20).toFixed(1)} MiB per 1,000 sessions`,
      ...marks.map((m) => `  at ${m.open}: RSS ${(m.rss / 2 ** 20).toFixed(0)} MiB`),
    ]);
  });
