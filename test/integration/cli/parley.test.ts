/** The CLI against the real handlers, served by the dev server on a free port. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliIo, run } from '../../../cli/parley.ts';
import { resetConfig } from '../../../functions/config.ts';
import { call } from '../../support/api.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';
import { testApplication, userToken } from '../../support/tokens.ts';

const root = join(import.meta.dirname, '..', '..', '..');
let server: TestServer;
let keyDir: string;
let env: NodeJS.ProcessEnv;

/** Runs one CLI command in-process, with real fetch; returns exit code and output. */
const cli = async (argv: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { env: { ...env, ...extraEnv }, fetch, out: (l) => out.push(l), err: (l) => err.push(l) };
  const code = await run(argv, io);
  return { code, out, err };
};

beforeAll(async () => {
  server = await startTestServer();
  process.env.PUBLIC_BASE_URL = server.baseUrl;
  resetConfig();
  keyDir = mkdtempSync(join(tmpdir(), 'parley-cli-key-'));
  writeFileSync(join(keyDir, 'private.key'), testApplication.privateKeyPem);
  env = {
    PARLEY_URL: server.baseUrl,
    APPLICATION_ID: testApplication.applicationId,
    PARLEY_PRIVATE_KEY: join(keyDir, 'private.key'),
  };
});

afterAll(async () => {
  await server.close();
  rmSync(keyDir, { recursive: true, force: true });
  process.env.PUBLIC_BASE_URL = 'http://parley.test';
  resetConfig();
});

describe('parley CLI', () => {
  it('conversation:create display_name=… prints the id of a conversation that exists', async () => {
    const res = await cli(['conversation:create', 'display_name=Nexmo Chat']);
    expect(res).toMatchObject({ code: 0, err: [] });
    expect(res.out).toHaveLength(1);
    expect(res.out[0]).toMatch(/^CON-[0-9a-f-]{36}$/);
    const read = await call('GET', `/v1/conversations/${res.out[0]}`);
    expect(read.body.display_name).toBe('Nexmo Chat');
  });

  it('conversation:create passes nested and JSON fields', async () => {
    const res = await cli([
      'conversation:create',
      'name=cli-room',
      'properties.ttl=60',
      'properties.custom_data={"team":"blue"}',
    ]);
    expect(res.code).toBe(0);
    const read = await call('GET', `/v1/conversations/${res.out[0]}`);
    expect(read.body).toMatchObject({
      name: 'cli-room',
      properties: { ttl: 60, custom_data: { team: 'blue' } },
    });
  });

  it('prints the server error as code: detail on stderr with exit 1', async () => {
    const res = await cli(['conversation:create', 'name=cli-room']);
    expect(res.code).toBe(1);
    expect(res.out).toEqual([]);
    expect(res.err).toEqual([
      'conversation:error:duplicate-name: The request failed because the conversation name already exists. Please provide a unique conversation name and try again.',
    ]);
  });

  it('refuses an invalid body before sending it, naming each field', async () => {
    const before = (await call('GET', '/v1/conversations?page_size=100')).body._embedded.conversations.length;
    const res = await cli(['conversation:create', 'display_name=', 'colour=red']);
    expect(res.code).toBe(1);
    expect(res.err).toEqual([
      'http:error:validation-fail: Input validation failure.',
      '  display_name: "display_name" is not allowed to be empty',
      '  colour: "colour" is not allowed',
    ]);
    expect((await call('GET', '/v1/conversations?page_size=100')).body._embedded.conversations).toHaveLength(
      before,
    );
  });

  it('conversation:get prints the conversation as JSON; conversation:list lists it', async () => {
    const id = (await cli(['conversation:create', 'display_name=Listed'])).out[0];
    const got = await cli(['conversation:get', id]);
    expect(got.code).toBe(0);
    expect(JSON.parse(got.out.join('\n'))).toMatchObject({ id, display_name: 'Listed' });
    const list = await cli(['conversation:list']);
    expect(list.code).toBe(0);
    expect(list.out[0]).toMatch(/^id +\| name +\| display_name/);
    expect(list.out.some((l) => l.startsWith(id) && l.endsWith('Listed'))).toBe(true);
  });

  it('conversation:list walks every page, in the order asked', async () => {
    for (let i = 0; i < 3; i++) await call('POST', '/v1/conversations', { body: {} });
    const all = (await call('GET', '/v1/conversations?page_size=100')).body._embedded.conversations.map(
      (c: { id: string }) => c.id,
    );
    expect(all.length).toBeGreaterThan(4);
    const list = await cli(['conversation:list', 'page_size=2']);
    expect(list.out.slice(2).map((l) => l.split(' ')[0])).toEqual(all);
    const desc = await cli(['conversation:list', 'page_size=3', 'order=desc']);
    expect(desc.out.slice(2).map((l) => l.split(' ')[0])).toEqual([...all].reverse());
  });

  it('conversation:delete deletes; a missing id is conversation:error:not-found', async () => {
    const id = (await cli(['conversation:create'])).out[0];
    expect(await cli(['conversation:delete', id])).toMatchObject({ code: 0, out: [id] });
    expect((await call('GET', `/v1/conversations/${id}`)).status).toBe(404);
    const again = await cli(['conversation:get', id]);
    expect(again.code).toBe(1);
    expect(again.err[0]).toMatch(/^conversation:error:not-found: /);
  });

  it('user:create prints the id; user:get reads by id and name; user:list lists', async () => {
    const created = await cli(['user:create', 'name=cli-alice', 'display_name=Alice']);
    expect(created.code).toBe(0);
    expect(created.out[0]).toMatch(/^USR-[0-9a-f-]{36}$/);
    const byName = await cli(['user:get', 'cli-alice']);
    expect(JSON.parse(byName.out.join('\n'))).toMatchObject({ id: created.out[0], display_name: 'Alice' });
    const byId = await cli(['user:get', created.out[0]]);
    expect(JSON.parse(byId.out.join('\n')).name).toBe('cli-alice');
    const list = await cli(['user:list']);
    expect(list.out.some((l) => l.startsWith(created.out[0]) && l.includes('cli-alice'))).toBe(true);
    const dup = await cli(['user:create', 'name=cli-alice']);
    expect(dup).toMatchObject({ code: 1 });
    expect(dup.err[0]).toMatch(/^user:error:duplicate-name: /);
    expect(await cli(['user:delete', 'cli-alice'])).toMatchObject({ code: 0 });
    expect((await cli(['user:get', 'cli-alice'])).err[0]).toMatch(/^user:error:not-found: /);
  });

  it('uses PARLEY_TOKEN when it is set', async () => {
    const token = await userToken('nobody-special');
    const res = await cli(['user:create', 'name=by-user-token'], { PARLEY_TOKEN: token });
    expect(res.code).toBe(1);
    expect(res.err[0]).toMatch(/^system:error:permission: /);
    const bad = await cli(['conversation:list'], { PARLEY_TOKEN: 'not-a-token' });
    expect(bad.err[0]).toMatch(/^system:error:invalid-token: /);
  });

  it('jwt:generate prints an admin token, or a user token for sub=…, that the API accepts', async () => {
    const admin = await cli(['jwt:generate']);
    expect(admin.code).toBe(0);
    const adminClaims = decodeJwt(admin.out[0]);
    expect(adminClaims.application_id).toBe(testApplication.applicationId);
    expect(adminClaims.sub).toBeUndefined();
    expect((adminClaims.exp as number) - (adminClaims.iat as number)).toBe(900);
    expect((await call('POST', '/v1/users', { token: admin.out[0], body: { name: 'jwt-bob' } })).status).toBe(
      201,
    );

    const user = await cli(['jwt:generate', 'sub=jwt-bob', 'ttl=3600']);
    const claims = decodeJwt(user.out[0]);
    expect(claims.sub).toBe('jwt-bob');
    expect((claims.exp as number) - (claims.iat as number)).toBe(3600);
    expect(claims.acl).toBeDefined();
    expect((await call('GET', '/v1/users/jwt-bob', { token: user.out[0] })).status).toBe(200);

    const narrow = await cli(['jwt:generate', 'sub=jwt-bob', 'acl={"paths":{"/*/users/**":{}}}']);
    expect((await call('GET', '/v1/conversations', { token: narrow.out[0] })).status).toBe(403);
    expect((await cli(['jwt:generate', 'ttl=soon'])).code).toBe(1);
  });

  it('runs as a program: `tsx cli/parley.ts` prints the id, exits 0; an error exits 1 on stderr', async () => {
    const exec = promisify(execFile);
    const tsx = join(root, 'node_modules', '.bin', 'tsx');
    const ok = await exec(tsx, ['cli/parley.ts', 'conversation:create', 'display_name=From the shell'], {
      cwd: root,
      env: { ...process.env, ...env },
    });
    expect(ok.stdout.trim()).toMatch(/^CON-[0-9a-f-]{36}$/);
    const failed = await exec(
      tsx,
      ['cli/parley.ts', 'conversation:get', 'CON-00000000-0000-4000-8000-000000000000'],
      {
        cwd: root,
        env: { ...process.env, ...env },
      },
    ).catch((e: { code: number; stdout: string; stderr: string }) => e);
    expect('code' in failed && failed.code).toBe(1);
    expect(failed.stdout).toBe('');
    expect(failed.stderr.trim()).toBe(
      'conversation:error:not-found: Conversation does not exist, or you do not have access.',
    );
  });
  it('follows the seed: create a conversation, add Tony (join) and alice (invite), list them with -v', async () => {
    const conversation = (await cli(['conversation:create', 'display_name=Nexmo Chat'])).out[0];
    const tony = (await cli(['user:create', 'name=Tony'])).out[0];
    const alice = (await cli(['user:create', 'name=alice'])).out[0];

    const joined = await cli([
      'member:add',
      conversation,
      'action=join',
      'channel={"type":"app"}',
      `user_id=${tony}`,
    ]);
    const invited = await cli([
      'member:add',
      conversation,
      'action=invite',
      'channel={"type":"app"}',
      `user_id=${alice}`,
    ]);
    expect(joined).toMatchObject({ code: 0, err: [] });
    expect(invited).toMatchObject({ code: 0, err: [] });
    expect(joined.out[0]).toMatch(/^MEM-[0-9a-f-]{36}$/);

    const ids = await cli(['member:list', conversation]);
    expect(ids.out.sort()).toEqual([joined.out[0], invited.out[0]].sort());

    const table = await cli(['member:list', conversation, '-v']);
    expect(table.code).toBe(0);
    const rows = table.out.map((line) => line.split('|').map((cell) => cell.trim()));
    expect(rows[0]).toEqual(['name', 'user_id', 'user_name', 'state']);
    expect(table.out[1]).toMatch(/^-+$/);
    expect(rows.slice(2).sort((a, b) => (a[0] < b[0] ? -1 : 1))).toEqual([
      ['Tony', tony, 'Tony', 'JOINED'],
      ['alice', alice, 'alice', 'INVITED'],
    ]);
  });
});

/** The real CLI as a user runs it (`tsx cli/parley.ts …`), in an environment of the test's choosing only. */
const program = (argv: string[], programEnv: NodeJS.ProcessEnv) => {
  const clean = { ...process.env };
  for (const k of [
    'PARLEY_URL',
    'PARLEY_TOKEN',
    'PARLEY_PRIVATE_KEY',
    'APPLICATION_ID',
    'PARLEY_DATA_DIR',
    'PORT',
  ])
    delete clean[k];
  return new Promise<{ code: number; stdout: string; stderr: string }>((res) => {
    execFile(
      join(root, 'node_modules', '.bin', 'tsx'),
      ['cli/parley.ts', ...argv],
      { cwd: root, env: { ...clean, ...programEnv } },
      (error, stdout, stderr) =>
        res({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
};

describe('parley CLI as a program', () => {
  let dataDir: string;
  let asNpmStart: NodeJS.ProcessEnv;

  beforeAll(() => {
    // What `npm start` leaves in its data directory: the dev application's id and private key.
    dataDir = mkdtempSync(join(tmpdir(), 'parley-cli-data-'));
    writeFileSync(
      join(dataDir, 'application.json'),
      JSON.stringify({ application_id: testApplication.applicationId }),
    );
    writeFileSync(join(dataDir, 'private.key'), testApplication.privateKeyPem);
    asNpmStart = { PORT: new URL(server.baseUrl).port, PARLEY_DATA_DIR: dataDir };
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('finds the server and the dev application from PORT and PARLEY_DATA_DIR, as npm start uses them', async () => {
    const res = await program(['conversation:create', 'display_name=Via PORT'], asNpmStart);
    expect(res).toMatchObject({ code: 0, stderr: '' });
    const id = res.stdout.trim();
    expect(id).toMatch(/^CON-[0-9a-f-]{36}$/);
    expect((await call('GET', `/v1/conversations/${id}`)).body.display_name).toBe('Via PORT');
  });

  it('says in one line which data directory has no credentials, and exits 1', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'parley-cli-empty-'));
    try {
      const res = await program(['conversation:list'], { ...asNpmStart, PARLEY_DATA_DIR: empty });
      expect(res.code).toBe(1);
      expect(res.stdout).toBe('');
      expect(res.stderr.trim().split('\n')).toHaveLength(1);
      expect(res.stderr).toMatch(/^cli:error:no-credentials: /);
      expect(res.stderr).toContain(`${empty} (set PARLEY_DATA_DIR`);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('refuses bad arguments with one line on stderr and exit 1, sending nothing', async () => {
    const users = async () => (await call('GET', '/v1/users?page_size=100')).body._embedded.users.length;
    const conversations = async () =>
      (await call('GET', '/v1/conversations?page_size=100')).body._embedded.conversations.length;
    const [usersBefore, conversationsBefore] = [await users(), await conversations()];
    const cases: [string[], string][] = [
      [['user:create'], 'cli:error:invalid-argument: user:create needs name=<user name>'],
      [
        ['user:create', 'display_name=Nobody'],
        'cli:error:invalid-argument: user:create needs name=<user name>',
      ],
      [
        ['conversation:create', 'display_name'],
        'cli:error:invalid-argument: conversation:create does not take "display_name": arguments are key=value',
      ],
      [
        ['jwt:generate', 'sub=alice', 'acl=notjson'],
        `cli:error:invalid-argument: acl must be a JSON object such as '{"paths":{"/*/users/**":{}}}', got "notjson"`,
      ],
      [
        ['jwt:generate', 'sub=alice', 'acl=[1]'],
        `cli:error:invalid-argument: acl must be a JSON object such as '{"paths":{"/*/users/**":{}}}', got [1]`,
      ],
      [
        ['jwt:generate', 'ttl=100000'],
        'cli:error:invalid-argument: ttl must be a whole number of seconds from 1 to 86400 (24 hours), got "100000"',
      ],
      [
        ['jwt:generate', 'ttl=0'],
        'cli:error:invalid-argument: ttl must be a whole number of seconds from 1 to 86400 (24 hours), got "0"',
      ],
      [
        ['jwt:generate', 'acl={"paths":{}}'],
        'cli:error:invalid-argument: acl needs sub=<user name>: an admin token (no sub) has no ACL',
      ],
      [
        ['conversation:create', 'properties.custom_data={not json'],
        'cli:error:invalid-argument: properties.custom_data is not valid JSON: {not json',
      ],
      [['member:list', 'CON-1', '-x'], 'cli:error:invalid-argument: member:list does not take the flag -x'],
    ];
    const results = await Promise.all(cases.map(([argv]) => program(argv, asNpmStart)));
    results.forEach((res, i) => {
      const [argv, line] = cases[i];
      expect({ argv, ...res }).toEqual({ argv, code: 1, stdout: '', stderr: `${line}\n` });
    });
    expect(await users()).toBe(usersBefore);
    expect(await conversations()).toBe(conversationsBefore);
  });

  it('jwt:generate lasts 900 s by default and the ttl asked, up to 24 hours', async () => {
    const [byDefault, day] = await Promise.all([
      program(['jwt:generate'], asNpmStart),
      program(['jwt:generate', 'sub=alice', 'ttl=86400'], asNpmStart),
    ]);
    const lifetime = (token: string) => {
      const claims = decodeJwt(token.trim());
      return (claims.exp as number) - (claims.iat as number);
    };
    expect(lifetime(byDefault.stdout)).toBe(900);
    expect(lifetime(day.stdout)).toBe(86400);
  });

  it("member:list -v shows the member's name, not the user's display name", async () => {
    const conversation = (await call('POST', '/v1/conversations', { body: {} })).body.id;
    const user = (await call('POST', '/v1/users', { body: { name: 'grace', display_name: 'Grace H.' } }))
      .body;
    await call('POST', `/v1/conversations/${conversation}/members`, {
      body: { state: 'joined', user: { id: user.id }, channel: { type: 'app' } },
    });
    const res = await program(['member:list', conversation, '-v'], asNpmStart);
    expect(res.code).toBe(0);
    expect(res.stdout.split('\n').slice(2, 3)).toEqual([`grace | ${user.id} | grace     | JOINED`]);
  });
});
