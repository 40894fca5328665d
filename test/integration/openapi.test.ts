import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callsRoutes } from '../../functions/api/calls-routes.ts';
import { clientRoutes } from '../../functions/api/client-routes.ts';
import { routes as v1Routes } from '../../functions/api/routes.ts';

const apiRoutes = [...v1Routes, ...callsRoutes, ...clientRoutes];

import { routes as docsRoutes, documentedRoutes } from '../../functions/docs/handler.ts';
import { twilioRoutes } from '../../functions/twilio/routes.ts';
import { routes as voiceRoutes } from '../../functions/voice/handler.ts';
import { routes as webhookRoutes } from '../../functions/webhooks/admin.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { adminToken } from '../support/tokens.ts';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** A dummy value for each path parameter, so that the path reaches its route. */
const concrete = (path: string) =>
  path.replace(/\{([^/}]+)\}/g, (_, name: string) => (name === 'number' ? '447700900000' : `dummy-${name}`));

let server: TestServer;
// biome-ignore lint/suspicious/noExplicitAny: the document is JSON of any shape
let document: any;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('GET /v1/openapi.json', () => {
  it('serves an OpenAPI 3.1 document without a token, with a trailing slash too', async () => {
    // Prepare / Act
    const res = await fetch(`${server.baseUrl}/v1/openapi.json`);
    const slash = await fetch(`${server.baseUrl}/v1/openapi.json/`);

    // Assess
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    document = await res.json();
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    expect(document.info).toEqual(expect.objectContaining({ title: 'Parley', version: expect.any(String) }));
    expect(Object.keys(document.paths).length).toBeGreaterThan(20);
    expect(slash.status).toBe(200);
    expect(await slash.json()).toEqual(document);
  });

  it('lets no other route through without a token', async () => {
    for (const path of ['/v1/openapi', '/v1/openapi.json/x', '/v1/users', '/v1/conversations']) {
      const res = await fetch(`${server.baseUrl}${path}`);
      expect(res.status, path).toBe(401);
    }
    const post = await fetch(`${server.baseUrl}/v1/openapi.json`, { method: 'POST' });
    expect(post.status).toBe(401);
  });

  it('documents every route of every surface with its method, summary and responses', () => {
    const served = [...apiRoutes, ...voiceRoutes, ...twilioRoutes, ...webhookRoutes, ...docsRoutes].map(
      (r) => `${r.method} ${r.path}`,
    );
    const documented = documentedRoutes();
    expect(documented.map((r) => `${r.method} ${r.path}`).sort()).toEqual([...served].sort());
    for (const route of documented) {
      const operation = document.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      expect(operation.summary).toBe(route.summary);
      expect(operation.responses[String(route.response.status)]).toBeDefined();
    }
  });

  it('documents path parameters, query parameters, request bodies and the error body', () => {
    const member = document.paths['/v1/conversations/{conversation_id}/members'].post;
    expect(member.parameters).toEqual([
      { name: 'conversation_id', in: 'path', required: true, schema: { type: 'string' } },
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false }),
    ]);
    expect(member.responses['422']).toBeDefined();
    // Reads and the webhooks take no key.
    expect(JSON.stringify(document.paths['/v1/conversations'].get)).not.toContain('Idempotency-Key');
    expect(JSON.stringify(document.paths['/voice/vonage/event'].post)).not.toContain('Idempotency-Key');
    const body = member.requestBody.content['application/json'].schema;
    expect(body.additionalProperties).toBe(false);
    expect(body.properties.state).toEqual({ type: 'string', enum: ['invited', 'joined'] });
    expect(body.required).toEqual(expect.arrayContaining(['state', 'user', 'channel']));

    const list = document.paths['/v1/conversations'].get;
    expect(list.parameters).toEqual(
      expect.arrayContaining([
        {
          name: 'page_size',
          in: 'query',
          required: false,
          schema: { type: 'integer', minimum: 1, maximum: 100 },
        },
      ]),
    );
    for (const status of ['400', '401', '403'])
      expect(list.responses[status].content['application/json'].schema).toEqual({
        $ref: '#/components/schemas/Error',
      });
    expect(document.paths['/v1/conversations'].post.responses['409']).toBeDefined();
    expect(document.paths['/v1/conversations/{conversation_id}/events'].post.responses['429']).toBeDefined();
    expect(document.paths['/v1/conversations/{conversation_id}'].get.responses['404']).toBeDefined();
    expect(document.components.schemas.Error.required).toEqual(
      expect.arrayContaining(['type', 'title', 'code', 'detail', 'instance']),
    );
    expect(document.paths['/v1/openapi.json'].get.security).toEqual([]);
  });

  it('documents the Twilio routes with form bodies, basic auth and the Twilio error body', () => {
    const create = document.paths['/twilio/v1/Conversations/{ConversationSid}/Participants'].post;
    expect(create.tags).toEqual(['twilio']);
    expect(create.security).toEqual([{ twilioBasic: [] }]);
    const form = create.requestBody.content['application/x-www-form-urlencoded'].schema;
    expect(Object.keys(form.properties)).toEqual([
      'Identity',
      'MessagingBinding.Address',
      'MessagingBinding.ProxyAddress',
    ]);
    expect(create.responses['409'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/TwilioError',
    });
    const messages = document.paths['/twilio/v1/Conversations/{ConversationSid}/Messages'].get;
    expect(messages.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['Order', 'PageSize', 'PageToken', 'Anchor']),
    );
    expect(document.components.schemas.TwilioError.required).toEqual([
      'code',
      'message',
      'more_info',
      'status',
    ]);
    expect(document.components.securitySchemes.twilioBasic).toMatchObject({ type: 'http', scheme: 'basic' });
  });

  it('documents only paths and methods that exist', async () => {
    const token = await adminToken();
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item as object)
        .filter((m) => METHODS.includes(m))
        .map((method) => ({ path, method: method.toUpperCase() })),
    );
    expect(operations.length).toBe(
      apiRoutes.length + voiceRoutes.length + twilioRoutes.length + webhookRoutes.length + docsRoutes.length,
    );
    for (const { path, method } of operations) {
      const res = await fetch(`${server.baseUrl}${concrete(path)}`, {
        method,
        headers: { authorization: `Bearer ${token}` },
      });
      const text = await res.text();
      const label = `${method} ${path}: ${res.status} ${text.slice(0, 200)}`;
      expect(res.status, label).not.toBe(405);
      if (res.status === 404) expect(JSON.parse(text).code, label).not.toBe('http:error:not-found');
    }
  });
});
