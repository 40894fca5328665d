import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  type CliIo,
  memberAddRequest,
  memberTable,
  parseArgs,
  renderTable,
  run,
  signingKey,
} from '../../../cli/parley.ts';
import { testApplication } from '../../support/tokens.ts';

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
}

/** A fake server: records each request and answers from a list of canned responses. */
const fakeIo = (responses: { status: number; body?: unknown }[], env: NodeJS.ProcessEnv = {}) => {
  const sent: Sent[] = [];
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    env: { PARLEY_URL: 'http://parley.local:3000/', PARLEY_TOKEN: 'tok', ...env },
    fetch: (async (url: string, init: RequestInit = {}) => {
      sent.push({
        method: init.method ?? 'GET',
        url,
        headers: init.headers as Record<string, string>,
        body: init.body ? JSON.parse(init.body as string) : undefined,
      });
      const next = responses.shift() ?? { status: 500 };
      return new Response(next.body === undefined ? null : JSON.stringify(next.body), {
        status: next.status,
        headers: { 'content-type': 'application/json' },
      });
    }) as typeof fetch,
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  };
  return { io, sent, out, err };
};

describe('Function: parseArgs', () => {
  it('splits positionals, key=value pairs (JSON and dotted keys) and flags', () => {
    expect(
      parseArgs([
        'member:add',
        'CON-1',
        'action=join',
        'channel={"type":"app"}',
        'properties.ttl=60',
        'properties.custom_data={"a":1}',
        'display_name=a=b',
        '-v',
      ]),
    ).toEqual({
      command: 'member:add',
      positional: ['CON-1'],
      params: {
        action: 'join',
        channel: { type: 'app' },
        properties: { ttl: 60, custom_data: { a: 1 } },
        display_name: 'a=b',
      },
      flags: new Set(['v']),
    });
  });

  it('keeps numbers as text except for numeric fields', () => {
    expect(parseArgs(['user:create', 'name=123']).params).toEqual({ name: '123' });
  });

  it('reads no arguments as help', () => {
    expect(parseArgs([]).command).toBe('help');
  });
});

describe('Function: memberAddRequest', () => {
  it('maps action=join to state joined and sends {state, user:{id}, channel}', () => {
    expect(memberAddRequest('CON-1', { action: 'join', channel: { type: 'app' }, user_id: 'USR-1' })).toEqual(
      {
        method: 'POST',
        path: '/v1/conversations/CON-1/members',
        body: { state: 'joined', user: { id: 'USR-1' }, channel: { type: 'app' } },
      },
    );
  });

  it('maps action=invite to state invited, accepts a user name and defaults the channel to app', () => {
    expect(memberAddRequest('CON-1', { action: 'invite', user_name: 'alice' }).body).toEqual({
      state: 'invited',
      user: { name: 'alice' },
      channel: { type: 'app' },
    });
  });

  it.each([
    [{ action: 'kick', user_id: 'USR-1' }, /action must be join or invite/],
    [{ action: 'join' }, /needs user_id/],
    [{ action: 'join', user_id: 'USR-1', channel: 'app' }, /channel must be a JSON object/],
  ])('refuses %j', (params, message) => {
    expect(() => memberAddRequest('CON-1', params)).toThrow(message);
  });
});

describe('Function: renderTable / memberTable', () => {
  it('prints member:list -v exactly like the nexmo CLI', () => {
    const lines = memberTable([
      {
        id: 'MEM-1',
        state: 'JOINED',
        _embedded: { user: { id: 'USR-fa1acfbb-0087-4fa5-911d-045586470edc', name: 'Tony' } },
      },
      {
        id: 'MEM-2',
        state: 'INVITED',
        _embedded: { user: { id: 'USR-cf0e4ff6-fd86-4d4a-9a90-282a59593480', name: 'alice' } },
      },
    ]);
    expect(lines.join('\n')).toBe(
      [
        'name  | user_id                                  | user_name | state  ',
        '----------------------------------------------------------------------',
        'Tony  | USR-fa1acfbb-0087-4fa5-911d-045586470edc | Tony      | JOINED',
        'alice | USR-cf0e4ff6-fd86-4d4a-9a90-282a59593480 | alice     | INVITED',
      ].join('\n'),
    );
  });

  it("shows the member's name (its user's name) as the name, never the display name", () => {
    const [, , row] = memberTable([
      {
        id: 'MEM-1',
        state: 'LEFT',
        _embedded: { user: { id: 'USR-1', name: 'tony', display_name: 'Tony S.' } },
      },
    ]);
    expect(row).toBe('tony | USR-1   | tony      | LEFT');
  });

  it('prints just the header and rule for no rows', () => {
    expect(renderTable(['a', 'bb'], [])).toEqual(['a | bb', '------']);
  });
});

describe('Command: member:add / member:list (against a fake server)', () => {
  it('member:add posts the member and prints its id', async () => {
    const { io, sent, out } = fakeIo([{ status: 201, body: { id: 'MEM-9', state: 'JOINED' } }]);
    const code = await run(
      ['member:add', 'CON-7', 'action=join', 'channel={"type":"app"}', 'user_id=USR-3'],
      io,
    );
    expect(code).toBe(0);
    expect(sent).toEqual([
      {
        method: 'POST',
        url: 'http://parley.local:3000/v1/conversations/CON-7/members',
        headers: { authorization: 'Bearer tok', 'content-type': 'application/json' },
        body: { state: 'joined', user: { id: 'USR-3' }, channel: { type: 'app' } },
      },
    ]);
    expect(out).toEqual(['MEM-9']);
  });

  it('member:list -v walks every page (on PARLEY_URL) and prints the table', async () => {
    const member = (n: number, state: string) => ({
      id: `MEM-${n}`,
      state,
      _embedded: { user: { id: `USR-${n}`, name: `user${n}` } },
    });
    const { io, sent, out } = fakeIo([
      {
        status: 200,
        body: {
          _embedded: { members: [member(1, 'JOINED')] },
          _links: {
            next: { href: 'https://public.example/v1/conversations/CON-7/members?page_size=100&cursor=abc' },
          },
        },
      },
      { status: 200, body: { _embedded: { members: [member(2, 'INVITED')] }, _links: {} } },
    ]);
    expect(await run(['member:list', 'CON-7', '-v'], io)).toBe(0);
    expect(sent.map((s) => s.url)).toEqual([
      'http://parley.local:3000/v1/conversations/CON-7/members?page_size=100',
      'http://parley.local:3000/v1/conversations/CON-7/members?page_size=100&cursor=abc',
    ]);
    expect(out).toEqual([
      'name  | user_id | user_name | state  ',
      '-------------------------------------',
      'user1 | USR-1   | user1     | JOINED',
      'user2 | USR-2   | user2     | INVITED',
    ]);
  });

  it('member:list without -v prints the member ids', async () => {
    const { io, out } = fakeIo([
      { status: 200, body: { _embedded: { members: [{ id: 'MEM-1', state: 'JOINED' }] }, _links: {} } },
    ]);
    expect(await run(['member:list', 'CON-7'], io)).toBe(0);
    expect(out).toEqual(['MEM-1']);
  });

  it('prints the server error as code: detail on stderr and exits 1', async () => {
    const { io, out, err } = fakeIo([
      {
        status: 404,
        body: { code: 'user:error:not-found', detail: 'User does not exist, or you do not have access.' },
      },
    ]);
    expect(await run(['member:add', 'CON-7', 'action=invite', 'user_id=USR-x'], io)).toBe(1);
    expect(out).toEqual([]);
    expect(err).toEqual(['user:error:not-found: User does not exist, or you do not have access.']);
  });

  it('refuses a bad member:add before sending anything', async () => {
    const { io, sent, err } = fakeIo([]);
    expect(await run(['member:add', 'CON-7', 'action=leave', 'user_id=USR-1'], io)).toBe(1);
    expect(sent).toEqual([]);
    expect(err[0]).toMatch(/^cli:error:invalid-argument: /);
  });

  it('refuses an unknown command', async () => {
    const { io, err } = fakeIo([]);
    expect(await run(['conversation:explode'], io)).toBe(1);
    expect(err[0]).toMatch(/^cli:error:unknown-command: /);
  });
});

describe('Function: signingKey', () => {
  it('uses the dev application npm start keeps in the data directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-cli-'));
    try {
      writeFileSync(join(dir, 'application.json'), JSON.stringify({ application_id: 'app-1' }));
      writeFileSync(join(dir, 'private.key'), 'PEM');
      expect(signingKey({ PARLEY_DATA_DIR: dir })).toEqual({ applicationId: 'app-1', privateKeyPem: 'PEM' });
      writeFileSync(join(dir, 'other.key'), 'OTHER');
      expect(
        signingKey({
          PARLEY_DATA_DIR: dir,
          APPLICATION_ID: 'app-2',
          PARLEY_PRIVATE_KEY: join(dir, 'other.key'),
        }),
      ).toEqual({
        applicationId: 'app-2',
        privateKeyPem: 'OTHER',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says how to get credentials when there are none, naming the data directory it looked in', () => {
    const dir = join(tmpdir(), 'parley-nothing-here');
    expect(() => signingKey({ PARLEY_DATA_DIR: dir })).toThrow(
      /^cli:error:no-credentials: Set PARLEY_TOKEN, or APPLICATION_ID and PARLEY_PRIVATE_KEY/,
    );
    expect(() => signingKey({ PARLEY_DATA_DIR: dir })).toThrow(`${dir} (set PARLEY_DATA_DIR`);
  });

  it('mints its own admin token when PARLEY_TOKEN is not set', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-cli-'));
    try {
      writeFileSync(join(dir, 'private.key'), testApplication.privateKeyPem);
      const { io, sent } = fakeIo([{ status: 200, body: { _embedded: { members: [] }, _links: {} } }], {
        PARLEY_TOKEN: '',
        APPLICATION_ID: testApplication.applicationId,
        PARLEY_PRIVATE_KEY: join(dir, 'private.key'),
      });
      expect(await run(['member:list', 'CON-1'], io)).toBe(0);
      const claims = decodeJwt(sent[0].headers.authorization.replace('Bearer ', ''));
      expect(claims.application_id).toBe(testApplication.applicationId);
      expect(claims.sub).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
