/**
 * Parley's real responses, checked against the public Vonage Conversation API v1 OpenAPI document
 * (`vonage-conversation-v1.openapi.yml`, 5.5.1) operation by operation: every in-scope operation, each of
 * its documented statuses that a request can provoke, the body against the document's schema for that
 * status, and every error code against the document's `x-errors` catalogue.
 *
 * The document is read where the workspace keeps the reference material (`../shared/reference/` beside
 * the project), or from `VONAGE_V1_OPENAPI`. Its own known mistakes are listed below, each fixed on the
 * loaded copy only after checking that the mistake is still there, so the list cannot go stale.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startTestServer, type TestServer } from '../support/server.ts';
import { adminToken, userToken } from '../support/tokens.ts';
import { eventPathOf, routeNumber, vonageAnswerGet, vonagePost } from '../support/voice.ts';

const root = join(import.meta.dirname, '..', '..');
const DOCUMENT =
  process.env.VONAGE_V1_OPENAPI ??
  join(root, '..', 'shared', 'reference', 'vonage-conversation-v1.openapi.yml');

// biome-ignore lint/suspicious/noExplicitAny: the document is YAML of any shape
type Json = any;

/** The operations of the document that Parley serves (talk, stream and record are out of scope). */
const IN_SCOPE = [
  'listConversations',
  'createConversation',
  'retrieveConversation',
  'replaceConversation',
  'deleteConversation',
  'getMembers',
  'createMember',
  'getMe',
  'getMember',
  'updateMember',
  'createEvent',
  'getEvents',
  'getEvent',
  'deleteEvent',
  'getuserConversations',
] as const;
type OperationId = (typeof IN_SCOPE)[number];

/** Documented statuses no request can provoke on purpose. */
const NOT_PROVOKED = new Set(['500']);

/**
 * The document's YAML syntax error (kept as published): one `x-errors` entry with its `description` on the
 * key's line, its quoted text running on to the next.
 */
const YAML_MISTAKE = /^ {2}session:error:invalid-event: description: ("[^"]*")$/m;

const pointer = (doc: Json, path: string): { parent: Json; key: string } => {
  const parts = path
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let parent = doc;
  for (const part of parts.slice(0, -1)) {
    parent = parent?.[part];
    if (parent === undefined) throw new Error(`the document has no ${path}`);
  }
  return { parent, key: parts[parts.length - 1] };
};

interface Mistake {
  /** JSON pointer into the document. */
  at: string;
  what: string;
  /** Throws unless the mistake is there; returns the corrected value. */
  fix(value: Json): Json;
}

const dropCoursor = (required: Json) => {
  if (!Array.isArray(required) || !required.includes('coursor')) throw new Error('no coursor here');
  return required.filter((r: string) => r !== 'coursor');
};

/** A `oneOf` whose alternatives require nothing that tells them apart: one object matches several. */
const anyOfInstead = (schema: Json) => {
  if (!Array.isArray(schema?.oneOf)) throw new Error('no oneOf here');
  const { oneOf, ...rest } = schema;
  return { ...rest, anyOf: oneOf };
};

/** Also the member's own channels (`app`, `phone`, `sip`, `websocket`, …), which a member event carries. */
const withMemberChannels = (schema: Json) => {
  const fixed = anyOfInstead(schema);
  return { ...fixed, anyOf: [...fixed.anyOf, { $ref: '#/components/schemas/channel' }] };
};

const path = (p: string) => `/paths/${p.replace(/~/g, '~0').replace(/\//g, '~1')}`;
const json = 'content/application~1json/schema';

const MISTAKES: Mistake[] = [
  {
    at: `${path('/conversations')}/get/responses/200/${json}/required`,
    what: '`required` names `coursor`, a property the list never had (a cursor lives in `_links`)',
    fix: dropCoursor,
  },
  {
    at: `${path('/users/{user_id}/conversations')}/get/responses/200/${json}/required`,
    what: '`required` names `coursor`, as above',
    fix: dropCoursor,
  },
  {
    at: '/components/schemas/member_initiator',
    what: 'oneOf of `{joined}` and `{invited}` objects that require nothing: every initiator matches both',
    fix: anyOfInstead,
  },
  ...[
    `${path('/conversations/{conversation_id}/members')}/post/responses/400/${json}`,
    `${path('/conversations/{conversation_id}/members/me')}/get/responses/404/${json}`,
    `${path('/conversations/{conversation_id}/members/{member_id}')}/get/responses/404/${json}`,
    `${path('/conversations/{conversation_id}/members/{member_id}')}/patch/responses/400/${json}`,
    `${path('/conversations/{conversation_id}/members/{member_id}')}/patch/responses/404/${json}`,
    `${path('/conversations/{conversation_id}/events/{event_id}')}/get/responses/404/${json}`,
    `${path('/conversations/{conversation_id}/events/{event_id}')}/delete/responses/404/${json}`,
  ].map((at) => ({
    at,
    what: 'oneOf of error bodies that require nothing: every error body matches all of them',
    fix: anyOfInstead,
  })),
  {
    at: '/components/schemas/legstatusupdate_event_response/properties/body/properties/statusHistory/items',
    what: 'oneOf of a member history entry and a knocker history entry that require nothing: both match',
    fix: anyOfInstead,
  },
  ...['memberinvited', 'memberjoined', 'memberleft'].map((type) => ({
    at: `/components/schemas/${type}_event_response/properties/body/properties/channel`,
    what: "a member event's channel lists only the messaging channels (sms, mms, whatsapp, viber, messenger), not the member's own (`#/components/schemas/channel`: app, phone, sip, websocket, …)",
    fix: withMemberChannels,
  })),
];

/**
 * OpenAPI 3.0's schema dialect where it differs from the JSON Schema Ajv reads: boolean
 * `exclusiveMinimum`/`exclusiveMaximum` beside `minimum`/`maximum` (draft 4) become the numbers themselves.
 */
const toJsonSchemaDialect = (node: Json): void => {
  if (Array.isArray(node)) for (const item of node) toJsonSchemaDialect(item);
  else if (node && typeof node === 'object') {
    for (const [flag, bound] of [
      ['exclusiveMaximum', 'maximum'],
      ['exclusiveMinimum', 'minimum'],
    ])
      if (typeof node[flag] === 'boolean') {
        if (node[flag]) node[flag] = node[bound];
        else delete node[flag];
        if (node[flag] !== undefined) delete node[bound];
      }
    for (const value of Object.values(node)) toJsonSchemaDialect(value);
  }
};

const loadDocument = (): Json => {
  if (!existsSync(DOCUMENT))
    throw new Error(
      `The Vonage v1 OpenAPI document is not at ${DOCUMENT}: set VONAGE_V1_OPENAPI to its path (it is the reference material beside the project).`,
    );
  const text = readFileSync(DOCUMENT, 'utf8');
  if (!YAML_MISTAKE.test(text)) throw new Error('the known YAML mistake in x-errors is gone: drop its fix');
  const doc = parse(
    text.replace(
      YAML_MISTAKE,
      (_, quoted: string) =>
        `  session:error:invalid-event:\n    description: ${quoted.replace(/\n\s*/g, ' ')}`,
    ),
  );
  for (const m of MISTAKES) {
    const { parent, key } = pointer(doc, m.at);
    parent[key] = m.fix(parent[key]);
  }
  toJsonSchemaDialect(doc);
  return doc;
};

interface Operation {
  id: OperationId;
  method: string;
  /** `/v1/conversations/{conversation_id}` as a pattern. */
  pattern: RegExp;
  responses: Record<string, Json>;
}

const operationsOf = (doc: Json): Operation[] => {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries<Json>(doc.paths))
    for (const [method, op] of Object.entries<Json>(item)) {
      if (!IN_SCOPE.includes(op?.operationId)) continue;
      const pattern = new RegExp(`^/v1${path.replace(/\{[^}]+\}/g, '[^/]+')}/?$`);
      out.push({ id: op.operationId, method: method.toUpperCase(), pattern, responses: op.responses });
    }
  return out;
};

interface Seen {
  operation: OperationId;
  status: number;
  what: string;
}

let server: TestServer;
let doc: Json;
let operations: Operation[];
let ajv: Ajv;
const seen: Seen[] = [];
const failures: string[] = [];
const validators = new Map<string, ValidateFunction | null>();

/** Where each checked response schema is filed in the document, so its `$ref`s resolve against it. */
const CHECKS = 'x-parley-checks';

/**
 * Files the schema of every documented response of the in-scope operations (following `$ref` to
 * `components/responses`) under one key each; a response without content gets none.
 */
const fileResponseSchemas = (document: Json, ops: Operation[]): void => {
  document[CHECKS] = {};
  for (const op of ops)
    for (const [status, declared] of Object.entries<Json>(op.responses)) {
      let response = declared;
      if (response?.$ref) {
        const { parent, key } = pointer(document, response.$ref.slice(1));
        response = parent[key];
      }
      const schema = response?.content?.['application/json']?.schema;
      if (schema) document[CHECKS][`${op.id}_${status}`] = schema;
    }
};

const validatorOf = (op: Operation, status: string): ValidateFunction | null => {
  const key = `${op.id}_${status}`;
  if (!validators.has(key))
    validators.set(key, doc[CHECKS][key] ? ajv.compile({ $ref: `v1#/${CHECKS}/${key}` }) : null);
  return validators.get(key) as ValidateFunction | null;
};

/**
 * What failed, without the noise of a `oneOf` over event types (every other type's `type` mismatch and
 * the `oneOf` summaries themselves): the errors that name a field, a few at most.
 */
const explain = (errors: ErrorObject[]): string => {
  const telling = errors.filter(
    (e) =>
      e.keyword !== 'oneOf' &&
      e.keyword !== 'anyOf' &&
      !(e.instancePath.endsWith('/type') && e.keyword !== 'type'),
  );
  const shown = (telling.length > 0 ? telling : errors).map((e) => `${e.instancePath || '/'} ${e.message}`);
  return [...new Set(shown)].slice(0, 6).join('; ');
};

/** One real request over HTTP; its answer is checked against the document and remembered. */
const send = async (
  what: string,
  method: string,
  path: string,
  options: { token?: string | null; body?: unknown } = {},
): Promise<{ status: number; body: Json }> => {
  const token = options.token === undefined ? await adminToken() : options.token;
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await res.text();
  const body = text ? JSON.parse(text) : undefined;
  const pathOnly = path.split('?')[0];
  const op = operations.find((o) => o.method === method && o.pattern.test(pathOnly));
  if (!op) return { status: res.status, body };
  const status = String(res.status);
  seen.push({ operation: op.id, status: res.status, what });
  const label = `${op.id} ${status} (${what})`;
  if (!(status in op.responses)) failures.push(`${label}: status not documented`);
  else {
    const validate = validatorOf(op, status);
    if (validate === null) {
      if (text !== '') failures.push(`${label}: a body where the document has none`);
    } else if (!validate(body)) failures.push(`${label}: ${explain(validate.errors ?? [])}`);
  }
  if (res.status >= 400 && !(body?.code in doc['x-errors']))
    failures.push(`${label}: error code ${body?.code} is not in x-errors`);
  return { status: res.status, body };
};

/**
 * The document is reference material beside the project (CI always has it there); a clone on its own
 * machine has no copy, and this file then says so and skips rather than fail for want of a file.
 */
const HAVE_DOCUMENT = existsSync(DOCUMENT);
if (!HAVE_DOCUMENT)
  console.warn(`skipped: the Vonage v1 OpenAPI document is not at ${DOCUMENT} (set VONAGE_V1_OPENAPI)`);

beforeAll(async () => {
  if (!HAVE_DOCUMENT) return;
  doc = loadDocument();
  operations = operationsOf(doc);
  fileResponseSchemas(doc, operations);
  ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
  (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
  ajv.addSchema(doc, 'v1');
  server = await startTestServer();
});
afterAll(() => server?.close());

describe.skipIf(!HAVE_DOCUMENT)('the public Vonage v1 OpenAPI document', () => {
  it('has every in-scope operation, and its known mistakes are still there to be fixed', () => {
    expect(operations.map((o) => o.id).sort()).toEqual([...IN_SCOPE].sort());
    expect(Object.keys(doc['x-errors']).length).toBeGreaterThan(100);
  });

  it("is met by Parley's responses, operation by operation and status by status", {
    timeout: 60_000,
  }, async () => {
    const n = randomUUID().slice(0, 8);
    const noToken = { token: null };
    const missing = `CON-${randomUUID()}`;

    // Users (the user API is another document; these are set-up).
    const alice = (
      await send('setup', 'POST', '/v1/users', { body: { name: `alice-${n}`, display_name: 'A' } })
    ).body;
    const bob = (await send('setup', 'POST', '/v1/users', { body: { name: `bob-${n}` } })).body;
    const aliceToken = await userToken(alice.name);
    const bobToken = await userToken(bob.name);

    // Conversations
    const conv = (
      await send('create', 'POST', '/v1/conversations', { body: { name: `doc-${n}`, display_name: 'Doc' } })
    ).body;
    const other = (await send('create another', 'POST', '/v1/conversations', { body: { name: `doc2-${n}` } }))
      .body;
    await send('duplicate name', 'POST', '/v1/conversations', { body: { name: `doc-${n}` } });
    await send('no token', 'POST', '/v1/conversations', { ...noToken, body: {} });
    await send('list', 'GET', '/v1/conversations?page_size=2');
    await send('list, user token', 'GET', '/v1/conversations', { token: aliceToken });
    await send('bad date_start', 'GET', '/v1/conversations?date_start=yesterday');
    await send('no token', 'GET', '/v1/conversations', noToken);
    await send('get', 'GET', `/v1/conversations/${conv.id}`);
    await send('missing', 'GET', `/v1/conversations/${missing}`);
    await send('no token', 'GET', `/v1/conversations/${conv.id}`, noToken);
    await send('replace', 'PUT', `/v1/conversations/${conv.id}`, { body: { display_name: 'Doc 2' } });
    await send('bad name', 'PUT', `/v1/conversations/${conv.id}`, { body: { name: 'x'.repeat(101) } });
    await send('missing', 'PUT', `/v1/conversations/${missing}`, { body: {} });
    await send('taken name', 'PUT', `/v1/conversations/${conv.id}`, { body: { name: `doc2-${n}` } });
    await send('no token', 'PUT', `/v1/conversations/${conv.id}`, { ...noToken, body: {} });

    // Members
    const aliceMember = (
      await send('join', 'POST', `/v1/conversations/${conv.id}/members`, {
        body: { state: 'joined', user: { id: alice.id }, channel: { type: 'app' } },
      })
    ).body;
    const bobMember = (
      await send('invite', 'POST', `/v1/conversations/${conv.id}/members`, {
        body: { state: 'invited', user: { name: bob.name }, channel: { type: 'app' } },
      })
    ).body;
    await send('bad state', 'POST', `/v1/conversations/${conv.id}/members`, {
      body: { state: 'asleep', user: { id: alice.id }, channel: { type: 'app' } },
    });
    await send('unknown user', 'POST', `/v1/conversations/${conv.id}/members`, {
      body: { state: 'joined', user: { name: `nobody-${n}` }, channel: { type: 'app' } },
    });
    await send('no token', 'POST', `/v1/conversations/${conv.id}/members`, { ...noToken, body: {} });
    await send('list', 'GET', `/v1/conversations/${conv.id}/members`);
    await send('missing', 'GET', `/v1/conversations/${missing}/members`);
    await send('no token', 'GET', `/v1/conversations/${conv.id}/members`, noToken);
    await send('me', 'GET', `/v1/conversations/${conv.id}/members/me`, { token: aliceToken });
    await send('me, not a member', 'GET', `/v1/conversations/${other.id}/members/me`, { token: aliceToken });
    await send('no token', 'GET', `/v1/conversations/${conv.id}/members/me`, noToken);
    await send('get', 'GET', `/v1/conversations/${conv.id}/members/${aliceMember.id}`);
    await send('missing', 'GET', `/v1/conversations/${conv.id}/members/MEM-${randomUUID()}`);
    await send('no token', 'GET', `/v1/conversations/${conv.id}/members/${aliceMember.id}`, noToken);
    await send('join from invite', 'PATCH', `/v1/conversations/${conv.id}/members/${bobMember.id}`, {
      token: bobToken,
      body: { state: 'joined' },
    });
    await send('bad state', 'PATCH', `/v1/conversations/${conv.id}/members/${bobMember.id}`, {
      body: { state: 'asleep' },
    });
    await send('missing', 'PATCH', `/v1/conversations/${conv.id}/members/MEM-${randomUUID()}`, {
      body: { state: 'left' },
    });
    await send('no token', 'PATCH', `/v1/conversations/${conv.id}/members/${bobMember.id}`, {
      ...noToken,
      body: { state: 'left' },
    });

    // Events
    const events = `/v1/conversations/${conv.id}/events`;
    const hi = (
      await send('message', 'POST', events, {
        token: aliceToken,
        body: { type: 'message', body: { message_type: 'text', text: 'Hi' } },
      })
    ).body;
    await send('message:seen, id as a string', 'POST', events, {
      token: bobToken,
      body: { type: 'message:seen', body: { event_id: String(hi.id) } },
    });
    await send('message:delivered, id as a number', 'POST', events, {
      token: bobToken,
      body: { type: 'message:delivered', body: { event_id: hi.id } },
    });
    const custom = (
      await send('custom', 'POST', events, { token: bobToken, body: { type: 'custom:ping', body: { n: 1 } } })
    ).body;
    await send('missing', 'POST', `/v1/conversations/${missing}/events`, {
      body: { type: 'custom:x', body: {} },
    });
    await send('no token', 'POST', events, { ...noToken, body: { type: 'custom:x', body: {} } });
    await send('delete', 'DELETE', `${events}/${custom.id}`, { token: bobToken });
    await send('missing', 'DELETE', `${events}/999`);
    await send('no token', 'DELETE', `${events}/${hi.id}`, noToken);
    const listed = await send('list', 'GET', `${events}?page_size=100`);
    for (const e of listed.body._embedded) await send(`get ${e.type}`, 'GET', `${events}/${e.id}`);
    await send('missing', 'GET', `${events}/999`);
    await send('no token', 'GET', `${events}/${hi.id}`, noToken);
    await send('missing', 'GET', `/v1/conversations/${missing}/events`);
    await send('no token', 'GET', events, noToken);

    // A forwarded call: its member, leg and sip events, listed and read one by one.
    const number = `4477009${String(Math.floor(Math.random() * 1e5)).padStart(5, '0')}`;
    await routeNumber(number, '447700900003');
    const uuid = randomUUID().replace(/-/g, '');
    const answer = await vonageAnswerGet({
      to: number,
      from: '447700900001',
      uuid,
      conversation_uuid: 'CON-x',
    });
    const eventPath = eventPathOf(answer.body);
    const callId = new URL(eventPath, 'http://x').searchParams.get('conversation_id') as string;
    const callee = randomUUID();
    for (const status of ['started', 'ringing', 'answered', 'busy'])
      await vonagePost(eventPath, {
        uuid: callee,
        status,
        direction: 'outbound',
        from: 'Unknown',
        to: '447700900003',
        timestamp: new Date().toISOString(),
      });
    await vonagePost('/voice/vonage/event', {
      uuid,
      status: 'completed',
      direction: 'inbound',
      from: '447700900001',
      to: number,
      timestamp: new Date().toISOString(),
    });
    const call = await send('list a call', 'GET', `/v1/conversations/${callId}/events?page_size=100`);
    for (const e of call.body._embedded)
      await send(`get ${e.type}`, 'GET', `/v1/conversations/${callId}/events/${e.id}`);

    // A user's conversations
    await send('user conversations', 'GET', `/v1/users/${alice.id}/conversations`, { token: aliceToken });
    await send('user conversations, admin', 'GET', `/v1/users/${bob.id}/conversations`);
    await send('unknown user', 'GET', `/v1/users/USR-${randomUUID()}/conversations`);
    await send('no token', 'GET', `/v1/users/${alice.id}/conversations`, noToken);

    // Delete last
    await send('delete', 'DELETE', `/v1/conversations/${other.id}`);
    await send('missing', 'DELETE', `/v1/conversations/${missing}`);
    await send('no token', 'DELETE', `/v1/conversations/${conv.id}`, noToken);

    // Every response met its schema and every error code is the document's.
    expect(failures).toEqual([]);
    // Every documented status of every in-scope operation was seen, but those no request can provoke.
    const unseen = operations.flatMap((op) =>
      Object.keys(op.responses)
        .filter((s) => !NOT_PROVOKED.has(s))
        .filter((s) => !seen.some((x) => x.operation === op.id && String(x.status) === s))
        .map((s) => `${op.id} ${s}`),
    );
    expect(unseen).toEqual([]);
    // The receipts and the call's events are among what was checked.
    for (const type of [
      'message:seen',
      'message:delivered',
      'event:delete',
      'leg:status:update',
      'member:invited',
    ])
      expect(
        seen.some((x) => x.operation === 'getEvent' && x.what === `get ${type}`),
        type,
      ).toBe(true);
  });
});
