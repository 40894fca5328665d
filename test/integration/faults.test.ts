/**
 * The store failing under load, on a DynamoDB Local of this test's own: stopped mid-load and started again on
 * the same data, then stalled (SIGSTOP) and resumed. While it is away every request is answered 503 with
 * `Retry-After` in the Vonage error shape, and promptly; once it is back, every post that was answered 201
 * is stored and the ids are gap-free.
 */

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient, REQUEST_TIMEOUT_MS, setDocumentClient } from '../../functions/store/client.ts';
import {
  type DynamoDbLocal,
  ensureTable,
  freePort,
  startDynamoDbLocal,
} from '../../infra/local/dynamodb-local.ts';
import { type ApiResponse, call } from '../support/api.ts';
import { useTestEnvironment } from '../support/test-env.ts';

let ddb: DynamoDbLocal;
let port: number;
const dataDir = mkdtempSync(join(tmpdir(), 'parley-faults-'));

beforeAll(async () => {
  port = await freePort();
  ddb = await startDynamoDbLocal({ port, dataDir });
  useTestEnvironment(`parley-faults-${randomUUID()}`, ddb.endpoint);
  // The handlers' client with the timeouts a Lambda runs with (a local endpoint otherwise waits longer).
  setDocumentClient(createDocumentClient(ddb.endpoint, REQUEST_TIMEOUT_MS));
  await ensureTable(ddb.client, process.env.TABLE_NAME as string);
}, 120_000);

afterAll(async () => {
  await ddb?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Answer {
  res: ApiResponse;
  text: string;
  ms: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (what: () => boolean, timeoutMs: number) => {
  for (const deadline = Date.now() + timeoutMs; !what() && Date.now() < deadline; ) await sleep(20);
};

const expectUnavailable = (res: ApiResponse) => {
  expect(res.status).toBe(503);
  expect(res.headers['retry-after']).toMatch(/^\d+$/);
  expect(Object.keys(res.body).sort()).toEqual(['code', 'detail', 'instance', 'title', 'type']);
  expect(res.body.code).toBe('system:error:unavailable');
  expect(res.body.title).toBe('Service Unavailable.');
};

/** Every id from 1 to the conversation's sequence number, each stored once; and the texts by id. */
const stored = async (cid: string) => {
  const events: { id: number; body: { text?: string } }[] = [];
  let url: string | undefined = `/v1/conversations/${cid}/events?page_size=100`;
  while (url) {
    const page: ApiResponse = await call('GET', url);
    events.push(...page.body._embedded);
    url = page.body._links.next?.href.replace('http://parley.test', '');
  }
  const seq = (await call('GET', `/v1/conversations/${cid}`)).body.sequence_number as number;
  return { seq, events };
};

describe('DynamoDB stopped mid-load and started again', () => {
  it('answers 503 while it is away, and keeps every post answered 201, ids gap-free', async () => {
    // Prepare
    const cid = (await call('POST', '/v1/conversations', { body: {} })).body.id as string;
    const answers: Answer[] = [];
    let phase: 'before' | 'away' | 'back' = 'before';
    const counts = { before: 0, away: 0, back: 0 };
    let running = true;
    const worker = async (w: number) => {
      for (let i = 0; running; i++) {
        const text = `w${w}-${i}`;
        const t = Date.now();
        const p = phase;
        const res = await call('POST', `/v1/conversations/${cid}/events`, {
          body: { type: 'message', body: { message_type: 'text', text } },
        });
        answers.push({ res, text, ms: Date.now() - t });
        if (res.status === 201) counts[p]++;
        if (res.status !== 201) await sleep(50);
      }
    };
    // Act: load, stop the store, let requests fail, start it again on the same data, load on.
    const workers = Array.from({ length: 6 }, (_, w) => worker(w));
    await until(() => counts.before >= 30, 20_000);
    await ddb.stop();
    phase = 'away';
    const awayFrom = answers.length;
    await until(() => answers.length - awayFrom >= 20, 20_000);
    ddb = await startDynamoDbLocal({ port, dataDir });
    phase = 'back';
    await until(() => counts.back >= 30, 30_000);
    running = false;
    await Promise.all(workers);
    // Assess: only 201 and 503, 503s in the Vonage shape and quick, 201s after the restart.
    const unavailableAnswers = answers.filter((a) => a.res.status !== 201);
    expect(unavailableAnswers.length).toBeGreaterThanOrEqual(20);
    for (const a of unavailableAnswers) expectUnavailable(a.res);
    expect(Math.max(...unavailableAnswers.map((a) => a.ms))).toBeLessThan(8000);
    expect(counts.back).toBeGreaterThanOrEqual(30);
    // Every 201 is stored with its text, and the ids run 1..sequence_number without a gap.
    const { seq, events } = await stored(cid);
    expect(events.map((e) => e.id)).toEqual(Array.from({ length: seq }, (_, i) => i + 1));
    const byId = new Map(events.map((e) => [e.id, e.body.text]));
    const created = answers.filter((a) => a.res.status === 201);
    for (const a of created) expect(byId.get(a.res.body.id)).toBe(a.text);
    expect(new Set(created.map((a) => a.res.body.id)).size).toBe(created.length);
    console.log(
      `faults: ${answers.length} posts, ${created.length} × 201, ${unavailableAnswers.length} × 503 ` +
        `(slowest 503 ${Math.max(...unavailableAnswers.map((a) => a.ms))} ms), ${seq} stored, gap-free`,
    );
  }, 120_000);
});

describe('DynamoDB stalled', () => {
  it('answers 503 within the timeouts instead of hanging, and serves again once it resumes', async () => {
    // Prepare
    const cid = (await call('POST', '/v1/conversations', { body: {} })).body.id as string;
    const post = (text: string) =>
      call('POST', `/v1/conversations/${cid}/events`, {
        body: { type: 'message', body: { message_type: 'text', text } },
      });
    expect((await post('before')).status).toBe(201);
    // Act
    process.kill(ddb.pid, 'SIGSTOP');
    let answers: { res: ApiResponse; ms: number }[];
    try {
      const t = Date.now();
      answers = await Promise.all(
        ['a', 'b', 'c'].map(async (x) => ({ res: await post(x), ms: Date.now() - t })),
      );
    } finally {
      process.kill(ddb.pid, 'SIGCONT');
    }
    // Assess
    for (const a of answers) {
      expectUnavailable(a.res);
      expect(a.ms).toBeLessThan(8000);
    }
    let after = await post('after');
    for (let i = 0; i < 20 && after.status !== 201; i++) after = await post('after');
    expect(after.status).toBe(201);
    const { seq, events } = await stored(cid);
    expect(events.map((e) => e.id)).toEqual(Array.from({ length: seq }, (_, i) => i + 1));
    console.log(`stall: 503 after ${Math.max(...answers.map((a) => a.ms))} ms`);
  }, 60_000);
});
