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
});
