#!/usr/bin/env -S npx tsx
/**
 * `parley`: a command-line client of the Parley REST API, in the style of the old `nexmo` CLI
 * (`conversation:create display_name="Chat"`). It is a client like any SDK: plain fetch against PARLEY_URL,
 * sharing only the request schemas (to refuse a bad request before sending it) and the token minting.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { InferOutput } from 'valibot';
import { conversationBody, userBody } from '../functions/api/schemas.ts';
import { DomainError } from '../functions/domain/errors.ts';
import { check, type Schema } from '../functions/http/validate.ts';
import { mintToken } from './token.ts';

export interface CliIo {
  env: NodeJS.ProcessEnv;
  fetch: typeof fetch;
  out: (line: string) => void;
  err: (line: string) => void;
}

/** A failure the CLI reports as `code: detail` (plus the fields a validation error names). */
export class CliError extends Error {
  constructor(
    readonly code: string,
    readonly detail: string,
    readonly invalidParameters: { name: string; reason: string }[] = [],
  ) {
    super(`${code}: ${detail}`);
  }
}

export interface ParsedArgs {
  command: string;
  positional: string[];
  params: Record<string, unknown>;
  flags: Set<string>;
}

/** Fields whose `key=value` text is a number. */
const NUMERIC_KEYS = new Set(['properties.ttl', 'ttl']);

const setPath = (target: Record<string, unknown>, dotted: string, value: unknown) => {
  const parts = dotted.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
};

const coerce = (key: string, raw: string): unknown => {
  if (raw.startsWith('{') || raw.startsWith('[')) {
    try {
      return JSON.parse(raw);
    } catch {
      throw new CliError('cli:error:invalid-argument', `${key} is not valid JSON: ${raw}`);
    }
  }
  if (NUMERIC_KEYS.has(key) && /^-?\d+$/.test(raw)) return Number(raw);
  return raw;
};

/** `command pos1 key=value nested.key=value '{"json":true}' -v` → its parts. */
export const parseArgs = (argv: string[]): ParsedArgs => {
  const [command = 'help', ...rest] = argv;
  const parsed: ParsedArgs = { command, positional: [], params: {}, flags: new Set() };
  for (const arg of rest) {
    const eq = arg.indexOf('=');
    if (arg.startsWith('-')) parsed.flags.add(arg.replace(/^-+/, ''));
    else if (eq > 0) {
      const key = arg.slice(0, eq);
      setPath(parsed.params, key, coerce(key, arg.slice(eq + 1)));
    } else parsed.positional.push(arg);
  }
  return parsed;
};

/** Where `npm start` keeps the dev application: PARLEY_DATA_DIR, else `.parley/` in the project. */
const devDir = (env: NodeJS.ProcessEnv) =>
  resolve(env.PARLEY_DATA_DIR || join(import.meta.dirname, '..', '.parley'));

/** The application id and private key tokens are minted with. */
export const signingKey = (env: NodeJS.ProcessEnv): { applicationId: string; privateKeyPem: string } => {
  const dir = devDir(env);
  const keyPath = env.PARLEY_PRIVATE_KEY || join(dir, 'private.key');
  let applicationId = env.APPLICATION_ID;
  if (!applicationId && !env.PARLEY_PRIVATE_KEY && existsSync(join(dir, 'application.json')))
    applicationId = JSON.parse(readFileSync(join(dir, 'application.json'), 'utf8')).application_id;
  if (!applicationId || !existsSync(keyPath))
    throw new CliError(
      'cli:error:no-credentials',
      `Set PARLEY_TOKEN, or APPLICATION_ID and PARLEY_PRIVATE_KEY (a key file), or run \`npm start\` once to create the dev application in ${dir} (set PARLEY_DATA_DIR to the folder npm start uses).`,
    );
  return { applicationId, privateKeyPem: readFileSync(keyPath, 'utf8') };
};

/** Where the API is: PARLEY_URL, else the dev server `npm start` runs on PORT (3000 by default). */
export const apiBase = (env: NodeJS.ProcessEnv): string =>
  (env.PARLEY_URL || `http://localhost:${env.PORT || 3000}`).replace(/\/+$/, '');

/** A small HTTP client of the public API. */
export const client = (io: CliIo) => {
  const base = apiBase(io.env);
  let token: string | undefined = io.env.PARLEY_TOKEN || undefined;
  const bearer = async () => {
    token ??= await mintToken({ ...signingKey(io.env), ttlSeconds: 300 });
    return token;
  };

  // biome-ignore lint/suspicious/noExplicitAny: response bodies are JSON of any shape
  const request = async (method: string, path: string, body?: unknown): Promise<any> => {
    const headers: Record<string, string> = { authorization: `Bearer ${await bearer()}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await io.fetch(`${base}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch {
      throw new CliError(
        'cli:error:unreachable',
        `Cannot reach ${base} (is \`npm start\` running? set PORT as for npm start, or PARLEY_URL)`,
      );
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!res.ok) {
      const e = (parsed ?? {}) as { code?: string; detail?: string; invalid_parameters?: [] };
      throw new CliError(
        e.code ?? `http:error:${res.status}`,
        e.detail ?? (text || res.statusText),
        e.invalid_parameters ?? [],
      );
    }
    return parsed;
  };

  /** Every item of a HAL list, following `_links.next` on this client's base URL. */
  const listAll = async (
    path: string,
    key: string,
    query: Record<string, unknown> = {},
  ): Promise<Record<string, unknown>[]> => {
    const items: Record<string, unknown>[] = [];
    const qs = new URLSearchParams({ page_size: '100' });
    for (const [k, v] of Object.entries(query)) qs.set(k, String(v));
    let next: string | undefined = `${path}?${qs}`;
    while (next) {
      const page = await request('GET', next);
      items.push(...(page._embedded?.[key] ?? []));
      const href: string | undefined = page._links?.next?.href;
      next = href ? `${new URL(href).pathname}${new URL(href).search}` : undefined;
    }
    return items;
  };

  return { request, listAll, bearer };
};

/**
 * A text table as the nexmo CLI printed it: cells padded to their column, ` | ` between them, a dashed
 * rule as wide as the header, rows without trailing blanks.
 */
export const renderTable = (headers: string[], rows: string[][]): string[] => {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (c ?? '').padEnd(widths[i])).join(' | ');
  const header = line(headers);
  return [header, '-'.repeat(header.length), ...rows.map((r) => line(r).trimEnd())];
};

interface MemberView {
  id: string;
  state: string;
  _embedded?: { user?: { id?: string; name?: string; display_name?: string } };
}

/**
 * `member:list -v`: `name | user_id | user_name | state`, as the nexmo CLI printed the v0.1 member list:
 * `name` is the member's name, which Vonage gives a member from its user's name (never the display name),
 * `user_id` and `user_name` its user, `state` the member's state.
 */
export const memberTable = (members: MemberView[]): string[] =>
  renderTable(
    ['name', 'user_id', 'user_name', 'state'],
    members.map((m) => {
      const user = m._embedded?.user ?? {};
      return [user.name ?? '', user.id ?? '', user.name ?? '', m.state];
    }),
  );

const ACTIONS: Record<string, 'joined' | 'invited'> = { join: 'joined', invite: 'invited' };

/** The request `member:add` sends: `{state, user:{id|name}, channel}`. */
export const memberAddRequest = (
  conversationId: string,
  params: Record<string, unknown>,
): { method: 'POST'; path: string; body: Record<string, unknown> } => {
  const action = String(params.action ?? 'join');
  const state = ACTIONS[action];
  if (!state)
    throw new CliError('cli:error:invalid-argument', `action must be join or invite, got "${action}"`);
  let user: Record<string, string>;
  if (typeof params.user_id === 'string') user = { id: params.user_id };
  else if (typeof params.user_name === 'string') user = { name: params.user_name };
  else
    throw new CliError(
      'cli:error:invalid-argument',
      'member:add needs user_id=<USR-…> (or user_name=<name>)',
    );
  const channel = params.channel ?? { type: 'app' };
  if (typeof channel !== 'object' || channel === null || Array.isArray(channel))
    throw new CliError(
      'cli:error:invalid-argument',
      `channel must be a JSON object such as '{"type":"app"}'`,
    );
  return {
    method: 'POST',
    path: `/v1/conversations/${encodeURIComponent(conversationId)}/members`,
    body: { state, user, channel },
  };
};

const USAGE = `Usage: parley <command> [args] (key=value arguments, JSON for objects)

  conversation:create [name=…] [display_name=…] [image_url=…] [properties.ttl=…]   prints the id
  conversation:list [page_size=…] [order=asc|desc] [date_start=…] [date_end=…]      walks every page
  conversation:get <id> | conversation:delete <id>
  user:create name=… [display_name=…] [image_url=…]                                 prints the id
  user:list [page_size=…] [order=…] [name=…] | user:get <id|name> | user:delete <id|name>
  member:add <conversation> action=join|invite user_id=… [channel='{"type":"app"}']  prints the member id
  member:list <conversation> [-v]
  jwt:generate [sub=<user name>] [ttl=<seconds>] [acl='{"paths":{…}}']               prints a token

  jwt:generate lasts 900 s (15 minutes) unless ttl=… says otherwise (at most 86400 s, 24 hours).

Environment: PARLEY_URL (default http://localhost:$PORT, PORT as for npm start: 3000), PARLEY_TOKEN, or
APPLICATION_ID + PARLEY_PRIVATE_KEY (a key file; default: the dev application npm start keeps in .parley/,
or in PARLEY_DATA_DIR).`;

const invalid = (detail: string) => new CliError('cli:error:invalid-argument', detail);

/** What each command takes: how many positional arguments, which `key=value` names, which flags. */
interface CommandShape {
  positional: number;
  /** Allowed top-level keys; undefined: any (the server validates them, or a schema does first). */
  keys?: readonly string[];
  flags?: readonly string[];
}

const COMMANDS: Record<string, CommandShape> = {
  'conversation:create': { positional: 0 },
  'conversation:list': { positional: 0 },
  'conversation:get': { positional: 1, keys: [] },
  'conversation:delete': { positional: 1, keys: [] },
  'user:create': { positional: 0 },
  'user:list': { positional: 0 },
  'user:get': { positional: 1, keys: [] },
  'user:delete': { positional: 1, keys: [] },
  'member:add': { positional: 1, keys: ['action', 'user_id', 'user_name', 'channel'] },
  'member:list': { positional: 1, keys: [], flags: ['v', 'verbose'] },
  'jwt:generate': { positional: 0, keys: ['sub', 'ttl', 'acl'] },
};

/** Refuses what a command does not take: a stray word (a `key` without `=value`), an unknown key or flag. */
const assertShape = (args: ParsedArgs, shape: CommandShape): void => {
  const extra = args.positional.slice(shape.positional);
  if (extra.length > 0)
    throw invalid(
      `${args.command} does not take "${extra[0]}": arguments are key=value${shape.positional ? ` after the ${shape.positional === 1 ? 'id' : 'ids'}` : ''}`,
    );
  const unknownKey = shape.keys && Object.keys(args.params).find((k) => !shape.keys?.includes(k));
  if (unknownKey)
    throw invalid(
      `${args.command} does not take ${unknownKey}=…${shape.keys?.length ? ` (it takes ${shape.keys.join(', ')})` : ''}`,
    );
  const unknownFlag = [...args.flags].find((f) => !shape.flags?.includes(f));
  if (unknownFlag) throw invalid(`${args.command} does not take the flag -${unknownFlag}`);
};

const MAX_TTL_SECONDS = 24 * 60 * 60;

/** jwt:generate's options, refused unless each is what it says it is. */
export const jwtOptions = (
  params: Record<string, unknown>,
): { sub?: string; ttlSeconds?: number; aclPaths?: Record<string, object> } => {
  const out: { sub?: string; ttlSeconds?: number; aclPaths?: Record<string, object> } = {};
  if (params.sub !== undefined) {
    if (typeof params.sub !== 'string' || params.sub === '') throw invalid('sub must be a user name');
    out.sub = params.sub;
  }
  if (params.ttl !== undefined) {
    const ttl = params.ttl;
    if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL_SECONDS)
      throw invalid(
        `ttl must be a whole number of seconds from 1 to ${MAX_TTL_SECONDS} (24 hours), got "${ttl}"`,
      );
    out.ttlSeconds = ttl;
  }
  if (params.acl !== undefined) {
    const acl = params.acl as { paths?: unknown };
    const isObject = (v: unknown): v is Record<string, unknown> =>
      typeof v === 'object' && v !== null && !Array.isArray(v);
    if (!isObject(acl) || !isObject(acl.paths) || !Object.values(acl.paths).every(isObject))
      throw invalid(
        `acl must be a JSON object such as '{"paths":{"/*/users/**":{}}}', got ${JSON.stringify(params.acl)}`,
      );
    if (out.sub === undefined) throw invalid('acl needs sub=<user name>: an admin token (no sub) has no ACL');
    out.aclPaths = acl.paths as Record<string, object>;
  }
  return out;
};

const needId = (args: ParsedArgs, what: string): string => {
  const id = args.positional[0];
  if (!id) throw invalid(`${args.command} needs a ${what}`);
  return id;
};

/** Refuses a body the server would refuse, before sending it. */
const validBody = <S extends Schema>(schema: S, body: unknown): InferOutput<S> => {
  try {
    return check(schema, body);
  } catch (error) {
    if (error instanceof DomainError) throw new CliError(error.code, error.detail, error.invalidParameters);
    throw error;
  }
};

const idTable = (items: Record<string, unknown>[]) =>
  renderTable(
    ['id', 'name', 'display_name'],
    items.map((i) => [String(i.id ?? ''), String(i.name ?? ''), String(i.display_name ?? '')]),
  );

/** Runs one command; returns the exit code. */
export const run = async (argv: string[], io: CliIo): Promise<number> => {
  const api = client(io);
  const json = (value: unknown) => io.out(JSON.stringify(value, null, 2));
  const path = (kind: 'conversations' | 'users', id: string) => `/v1/${kind}/${encodeURIComponent(id)}`;
  try {
    const args = parseArgs(argv);
    const shape = COMMANDS[args.command];
    if (shape) assertShape(args, shape);
    switch (args.command) {
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return 0;
      case 'conversation:create': {
        const body = validBody(conversationBody, args.params);
        io.out((await api.request('POST', '/v1/conversations', body)).id);
        return 0;
      }
      case 'conversation:list':
        for (const l of idTable(await api.listAll('/v1/conversations', 'conversations', args.params)))
          io.out(l);
        return 0;
      case 'conversation:get':
        json(await api.request('GET', path('conversations', needId(args, 'conversation id'))));
        return 0;
      case 'conversation:delete': {
        const id = needId(args, 'conversation id');
        await api.request('DELETE', path('conversations', id));
        io.out(id);
        return 0;
      }
      case 'user:create': {
        if (typeof args.params.name !== 'string' || args.params.name === '')
          throw invalid('user:create needs name=<user name>');
        const body = validBody(userBody, args.params);
        io.out((await api.request('POST', '/v1/users', body)).id);
        return 0;
      }
      case 'user:list':
        for (const l of idTable(await api.listAll('/v1/users', 'users', args.params))) io.out(l);
        return 0;
      case 'user:get':
        json(await api.request('GET', path('users', needId(args, 'user id or name'))));
        return 0;
      case 'user:delete': {
        const id = needId(args, 'user id or name');
        await api.request('DELETE', path('users', id));
        io.out(id);
        return 0;
      }
      case 'member:add': {
        const req = memberAddRequest(needId(args, 'conversation id'), args.params);
        io.out((await api.request(req.method, req.path, req.body)).id);
        return 0;
      }
      case 'member:list': {
        const conversationId = needId(args, 'conversation id');
        const members = (await api.listAll(
          `/v1/conversations/${encodeURIComponent(conversationId)}/members`,
          'members',
        )) as unknown as MemberView[];
        if (args.flags.has('v') || args.flags.has('verbose')) for (const l of memberTable(members)) io.out(l);
        else for (const m of members) io.out(m.id);
        return 0;
      }
      case 'jwt:generate':
        io.out(await mintToken({ ...signingKey(io.env), ...jwtOptions(args.params) }));
        return 0;
      default:
        throw new CliError(
          'cli:error:unknown-command',
          `Unknown command "${args.command}". Run \`parley help\`.`,
        );
    }
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    io.err(`${error.code}: ${error.detail}`);
    for (const p of error.invalidParameters) io.err(`  ${p.name}: ${p.reason}`);
    return 1;
  }
};

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  run(process.argv.slice(2), {
    env: process.env,
    fetch,
    out: (l) => console.log(l),
    err: (l) => console.error(l),
  }).then(
    (code) => process.exit(code),
    (error) => {
      console.error(`cli:error:internal: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
