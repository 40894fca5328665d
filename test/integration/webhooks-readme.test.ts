/**
 * The README's example receiver, run as it is printed: the code block is taken from README.md and run
 * with node; Parley delivers to it, it prints each event once, and it refuses a forged delivery.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalDeliveryQueue } from '../../infra/local/delivery-queue.ts';
import { PROJECT_ROOT } from '../../infra/project-root.ts';
import { call } from '../support/api.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { testApplication } from '../support/tokens.ts';
import {
  SIGNATURE_SECRET,
  startLocalWebhooks,
  stopLocalWebhooks,
  useWebhookSettings,
  waitFor,
} from '../support/webhooks.ts';

const readmeReceiver = (): string => {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf('**A receiver that verifies and deduplicates**');
  const block = /```js\n([\s\S]*?)```/.exec(readme.slice(at));
  if (at < 0 || !block) throw new Error('the README has no example receiver');
  return block[1];
};

const freePort = (): Promise<number> =>
  new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });

let server: TestServer;
let queue: LocalDeliveryQueue;
let child: ChildProcess;
let url: string;
const printed: string[] = [];
const file = join(PROJECT_ROOT, `.readme-receiver-${randomUUID()}.mjs`);

beforeAll(async () => {
  useWebhookSettings();
  server = await startTestServer({ stream: true });
  queue = startLocalWebhooks();
  writeFileSync(file, readmeReceiver());
  const port = await freePort();
  url = `http://127.0.0.1:${port}/webhooks/event`;
  child = spawn(process.execPath, [file], {
    env: { ...process.env, PORT: String(port), WEBHOOK_SIGNATURE_SECRET: SIGNATURE_SECRET },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout?.on('data', (chunk: Buffer) => printed.push(...chunk.toString().trim().split('\n')));
  // Until it listens, the first attempts are refused and retried, as with any receiver.
  await call('PUT', `/v2/applications/${testApplication.applicationId}`, {
    body: { name: 'readme', capabilities: { rtc: { webhooks: { event_url: { address: url } } } } },
  });
});

afterAll(async () => {
  child?.kill();
  rmSync(file, { force: true });
  await stopLocalWebhooks(queue);
  await server.close();
});

describe('README: the example receiver', () => {
  it('prints each event of a conversation once, in order, and refuses a forged one', async () => {
    // Prepare
    const user = (await call('POST', '/v1/users', { body: {} })).body.id;
    const cid = (await call('POST', '/v1/conversations', { body: {} })).body.id;
    await call('POST', `/v1/conversations/${cid}/members`, {
      body: { state: 'joined', user: { id: user }, channel: { type: 'app' } },
    });

    // Act
    await call('POST', `/v1/conversations/${cid}/events`, {
      body: { type: 'message', body: { message_type: 'text', text: 'hello' } },
    });
    await waitFor(() => printed.filter((l) => l.startsWith(cid)).length >= 2, 'two events printed', 20_000);
    const first = await call('GET', `/v1/webhooks/deliveries?conversation_id=${cid}`);
    await call('POST', `/v1/webhooks/deliveries/${first.body._embedded.deliveries[0].id}/redeliver`, {});
    // The redelivery is made (a second round) and not printed again.
    const until = Date.now() + 10_000;
    let again: { status: string; earlier_attempts?: unknown[] } | undefined;
    while (Date.now() < until && !(again?.earlier_attempts && again.status === 'delivered')) {
      await new Promise((r) => setTimeout(r, 50));
      again = (await call('GET', `/v1/webhooks/deliveries?conversation_id=${cid}`)).body._embedded
        .deliveries[0];
    }
    const forged = await fetch(url, {
      method: 'POST',
      headers: { authorization: 'Bearer x.y.z', 'x-parley-delivery-id': 'DLV-forged' },
      body: JSON.stringify({ conversation_id: cid, id: 99, type: 'message' }),
    });

    // Assess
    expect(printed.filter((l) => l.startsWith(cid))).toEqual([`${cid} 1 member:joined`, `${cid} 2 message`]);
    expect(again).toMatchObject({ status: 'delivered', earlier_attempts: expect.any(Array) });
    expect(forged.status).toBe(401);
  });
});
