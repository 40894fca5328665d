/**
 * `npm start` as a developer runs it (`node --import tsx infra/local/start.ts`) with its own ports and data
 * directory, in its own process group so that a Ctrl-C can be sent the way a terminal sends it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDevApplication } from '../../infra/local/dev-application.ts';
import { freePort, portInUse } from '../../infra/local/dynamodb-local.ts';

const root = join(import.meta.dirname, '..', '..');
const JWT = /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/m;

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

const dataDir = mkdtempSync(join(tmpdir(), 'parley-start-'));
const runs: Run[] = [];

/** Starts Parley the way `npm start` does, in a clean environment (none of the test harness settings). */
const start = (env: Record<string, string>, viaNpm = false): Run => {
  const clean = { ...process.env };
  for (const k of [
    'DYNAMODB_ENDPOINT',
    'TABLE_NAME',
    'APPLICATION_ID',
    'APPLICATION_PUBLIC_KEY',
    'PUBLIC_BASE_URL',
  ])
    delete clean[k];
  const [command, args] = viaNpm
    ? ['npm', ['start']]
    : [process.execPath, ['--import', 'tsx', 'infra/local/start.ts']];
  const child = spawn(command, args, {
    cwd: root,
    env: { ...clean, PARLEY_LOG: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    err += d;
  });
  const run: Run = {
    child,
    stdout: () => out,
    stderr: () => err,
    exited: new Promise((res) => child.once('exit', (code) => res(code))),
  };
  runs.push(run);
  return run;
};

const waitFor = async (run: Run, pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const m = run.stdout().match(pattern);
    if (m) return m;
    if (run.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${pattern} in output:\n${run.stdout()}\n${run.stderr()}`);
};

/** Polls until `check` holds, or fails after `timeoutMs`. */
const eventually = async (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`still not so after ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Processes whose command line names the data directory: the DynamoDB Local JVM of this test. */
const processesUsing = (dir: string): number[] =>
  readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(dir);
      } catch {
        return false;
      }
    })
    .map(Number);

afterAll(async () => {
  for (const run of runs) if (run.child.exitCode === null) run.child.kill('SIGINT');
  await Promise.all(runs.map((r) => r.exited));
  for (const pid of processesUsing(dataDir)) process.kill(pid, 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start', () => {
  let port = 0;
  let dynamoPort = 0;
  let conversationId = '';
  let applicationId = '';

  it('prints the application id, the key path and an admin token that works', {
    timeout: 90_000,
  }, async () => {
    port = await freePort();
    dynamoPort = await freePort();
    const run = start({ PORT: String(port), DYNAMODB_PORT: String(dynamoPort), PARLEY_DATA_DIR: dataDir });
    const [token] = await waitFor(run, JWT);
    applicationId = (await waitFor(run, /Application id: (\S+)/))[1];
    expect(run.stdout()).toContain(`Parley listening on http://localhost:${port}`);
    expect(run.stdout()).toContain(`Private key:    ${join(dataDir, 'private.key')}`);
    expect(run.stdout()).toContain('Table parley created');
    expect(run.stderr()).toBe('');

    const res = await fetch(`http://127.0.0.1:${port}/v1/conversations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'survives-restart' }),
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; _links: { self: { href: string } } };
    conversationId = body.id;
    expect(body._links.self.href).toBe(`http://localhost:${port}/v1/conversations/${body.id}`);
    const noToken = await fetch(`http://127.0.0.1:${port}/v1/conversations`);
    expect(noToken.status).toBe(401);

    // The dev Twilio account it printed opens the Twilio Conversations surface, on the same conversation.
    const accountSid = (await waitFor(run, /Twilio account SID: (AC[0-9a-f]{32})/))[1];
    const authToken = (await waitFor(run, /Twilio auth token: +([0-9a-f]{32})/))[1];
    const sid = `CH${conversationId.slice(4).replace(/-/g, '')}`;
    const viaTwilio = await fetch(`http://127.0.0.1:${port}/twilio/v1/Conversations/${sid}`, {
      headers: { authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}` },
    });
    expect(viaTwilio.status).toBe(200);
    expect(((await viaTwilio.json()) as { unique_name: string }).unique_name).toBe('survives-restart');

    // Ctrl-C: the terminal signals the whole process group; the server and DynamoDB Local both stop.
    expect(processesUsing(dataDir).length).toBeGreaterThan(0);
    process.kill(-(run.child.pid as number), 'SIGINT');
    expect(await run.exited).toBe(0);
    expect(await portInUse(port)).toBe(false);
    expect(await portInUse(dynamoPort)).toBe(false);
    expect(processesUsing(dataDir)).toEqual([]);
  });

  it('keeps the data and the dev application across a restart', { timeout: 90_000 }, async () => {
    expect(conversationId).not.toBe('');
    const run = start({ PORT: String(port), DYNAMODB_PORT: String(dynamoPort), PARLEY_DATA_DIR: dataDir });
    const [token] = await waitFor(run, JWT);
    expect(run.stdout()).toContain(`Application id: ${applicationId}`);
    expect(run.stdout()).toContain('Table parley existed');
    const res = await fetch(`http://127.0.0.1:${port}/v1/conversations/${conversationId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { name: string }).name).toBe('survives-restart');
    // A process manager signals only the server process: it stops DynamoDB Local itself.
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(processesUsing(dataDir)).toEqual([]);
  });

  it('stops the server and DynamoDB Local when npm alone gets SIGTERM (a process manager, an IDE)', {
    timeout: 90_000,
  }, async () => {
    const run = start(
      { PORT: String(port), DYNAMODB_PORT: String(dynamoPort), PARLEY_DATA_DIR: dataDir },
      true,
    );
    await waitFor(run, JWT);
    expect(processesUsing(dataDir).length).toBeGreaterThan(0);
    // Only npm is signalled: not its shell, not the node server, not the JVM.
    run.child.kill('SIGTERM');
    await run.exited;
    await eventually('the server port is free', async () => !(await portInUse(port)));
    await eventually('DynamoDB Local is gone', async () => processesUsing(dataDir).length === 0);
    // An exiting JVM has no command line left in /proc some moments before the kernel closes its socket.
    await eventually('the DynamoDB Local port is free', async () => !(await portInUse(dynamoPort)));
  });

  it('stops a DynamoDB Local an earlier start left running, then starts on the same data', {
    timeout: 90_000,
  }, async () => {
    const crashed = start({
      PORT: String(port),
      DYNAMODB_PORT: String(dynamoPort),
      PARLEY_DATA_DIR: dataDir,
    });
    await waitFor(crashed, JWT);
    // The server dies outright: nothing stops its DynamoDB Local, which keeps the port and the data.
    const [jvm] = processesUsing(dataDir);
    process.kill(crashed.child.pid as number, 'SIGKILL');
    await crashed.exited;
    expect(alive(jvm)).toBe(true);
    expect(await portInUse(dynamoPort)).toBe(true);

    const run = start({ PORT: String(port), DYNAMODB_PORT: String(dynamoPort), PARLEY_DATA_DIR: dataDir });
    const [token] = await waitFor(run, JWT);
    expect(run.stdout()).toContain(`Stopped the DynamoDB Local (pid ${jvm}) an earlier start left running`);
    expect(run.stdout()).toContain('Table parley existed');
    expect(run.stderr()).toBe('');
    expect(alive(jvm)).toBe(false);
    const res = await fetch(`http://127.0.0.1:${port}/v1/conversations/${conversationId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    process.kill(-(run.child.pid as number), 'SIGINT');
    expect(await run.exited).toBe(0);
    expect(processesUsing(dataDir)).toEqual([]);
  });

  it('says in one line that the port is in use, without a stack trace', { timeout: 30_000 }, async () => {
    const busy: Server = createServer();
    const busyPort = await freePort();
    await new Promise<void>((r) => busy.listen(busyPort, r));
    try {
      const run = start({
        PORT: String(busyPort),
        DYNAMODB_PORT: String(await freePort()),
        PARLEY_DATA_DIR: dataDir,
      });
      expect(await run.exited).toBe(1);
      const lines = run.stderr().trim().split('\n');
      expect(lines).toEqual([`parley: port ${busyPort} is already in use; stop what uses it or set PORT`]);
      expect(run.stdout()).toBe('');
    } finally {
      await new Promise((r) => busy.close(r));
    }
  });

  it('says so in one line when the DynamoDB Local port is taken', { timeout: 30_000 }, async () => {
    const busy: Server = createServer();
    const busyPort = await freePort();
    await new Promise<void>((r) => busy.listen(busyPort, r));
    try {
      const run = start({
        PORT: String(await freePort()),
        DYNAMODB_PORT: String(busyPort),
        PARLEY_DATA_DIR: dataDir,
      });
      expect(await run.exited).toBe(1);
      expect(run.stderr().trim().split('\n')).toEqual([
        `parley: port ${busyPort} (DynamoDB Local) is already in use; stop what uses it or set DYNAMODB_PORT`,
      ]);
    } finally {
      await new Promise((r) => busy.close(r));
    }
  });

  it('refuses a PORT that is not a port number in one line', { timeout: 30_000 }, async () => {
    const run = start({ PORT: 'http', PARLEY_DATA_DIR: dataDir });
    expect(await run.exited).toBe(1);
    expect(run.stderr().trim().split('\n')).toEqual(['parley: PORT must be a port number, got "http"']);
  });
});

describe('Function: loadDevApplication', () => {
  it('makes a key pair and an application id once, then reuses them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-app-'));
    try {
      const first = loadDevApplication(dir, {});
      expect(first.source).toBe('dev');
      expect(first.applicationId).toMatch(/^[0-9a-f-]{36}$/);
      expect(first.privateKeyPem).toContain('PRIVATE KEY');
      expect(statSync(join(dir, 'private.key')).mode & 0o777).toBe(0o600);
      expect(loadDevApplication(dir, {})).toEqual(first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('uses APPLICATION_ID and APPLICATION_PUBLIC_KEY from the environment instead', () => {
    const dir = join(tmpdir(), 'parley-never-created');
    const app = loadDevApplication(dir, {
      APPLICATION_ID: 'aaaaaaaa-bbbb-cccc-dddd-0123456789ab',
      APPLICATION_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\\nabc\\n-----END PUBLIC KEY-----',
    });
    expect(app).toEqual({
      applicationId: 'aaaaaaaa-bbbb-cccc-dddd-0123456789ab',
      publicKeyPem: '-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----',
      source: 'environment',
    });
    expect(() => statSync(dir)).toThrow();
  });
});
