import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDevServer,
  dispatch,
  fromResultV2,
  type LambdaHandler,
  type Mount,
  mountMatches,
  toEventV2,
} from '../../infra/local/dev-server.ts';

const request = (over: Partial<Parameters<typeof toEventV2>[0]> = {}) => ({
  method: 'get',
  url: '/v1/things',
  headers: {},
  body: Buffer.alloc(0),
  ...over,
});

describe('Function: toEventV2', () => {
  it('builds a payload-format 2.0 event of the $default stage', () => {
    const now = new Date('2024-05-06T07:08:09.123Z');
    const event = toEventV2(request({ headers: { host: 'api.example.com', 'user-agent': 'ua/1' } }), now);
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/v1/things',
      rawQueryString: '',
      isBase64Encoded: false,
      requestContext: {
        domainName: 'api.example.com',
        domainPrefix: 'api',
        stage: '$default',
        routeKey: '$default',
        http: {
          method: 'GET',
          path: '/v1/things',
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: 'ua/1',
        },
        timeEpoch: now.getTime(),
        time: now.toUTCString(),
      },
    });
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.body).toBeUndefined();
    expect(event.queryStringParameters).toBeUndefined();
    expect(event.cookies).toBeUndefined();
  });

  it('gives each event its own request id', () => {
    expect(toEventV2(request()).requestContext.requestId).not.toBe(
      toEventV2(request()).requestContext.requestId,
    );
  });

  it('keeps the raw query string and joins repeated keys with commas', () => {
    const event = toEventV2(request({ url: '/x?a=1&b=two%20words&a=2&empty=&a=3' }));
    expect(event.rawQueryString).toBe('a=1&b=two%20words&a=2&empty=&a=3');
    expect(event.queryStringParameters).toEqual({ a: '1,2,3', b: 'two words', empty: '' });
  });

  it('lowercases header names and joins repeated headers', () => {
    const event = toEventV2(
      request({ headers: { 'X-Custom': 'v', Accept: ['a/b', 'c/d'], 'x-missing': undefined } }),
    );
    expect(event.headers).toEqual({ 'x-custom': 'v', accept: 'a/b,c/d' });
  });

  it('moves cookies out of the headers into `cookies`', () => {
    const event = toEventV2(request({ headers: { cookie: 'a=1; b=2', host: 'h' } }));
    expect(event.cookies).toEqual(['a=1', 'b=2']);
    expect(event.headers.cookie).toBeUndefined();
    const many = toEventV2(request({ headers: { cookie: ['a=1; b=2', 'c=3'] } }));
    expect(many.cookies).toEqual(['a=1', 'b=2', 'c=3']);
  });

  it('passes a text body as it is', () => {
    const json = '{"name":"zoë"}';
    const event = toEventV2(
      request({ method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.from(json) }),
    );
    expect(event.body).toBe(json);
    expect(event.isBase64Encoded).toBe(false);
    for (const type of [
      'text/plain; charset=utf-8',
      'application/x-www-form-urlencoded',
      'application/vnd.api+json',
    ]) {
      const e = toEventV2(request({ headers: { 'content-type': type }, body: Buffer.from('a=b') }));
      expect(e.isBase64Encoded, type).toBe(false);
    }
  });

  it('base64-encodes a binary body, byte for byte', () => {
    const bytes = Buffer.from([0, 255, 1, 254, 10, 13]);
    for (const headers of [{ 'content-type': 'image/png' }, {}]) {
      const event = toEventV2(request({ method: 'POST', headers, body: bytes }));
      expect(event.isBase64Encoded).toBe(true);
      expect(Buffer.from(event.body as string, 'base64').equals(bytes)).toBe(true);
    }
  });

  it('hands Lambda the decoded path, as HTTP API does', () => {
    const event = toEventV2(request({ url: '/v1/users/jo%20smith?q=1' }));
    expect(event.rawPath).toBe('/v1/users/jo smith');
    expect(event.requestContext.http.path).toBe('/v1/users/jo smith');
  });

  it('keeps a path with a malformed escape as it came instead of throwing', () => {
    expect(toEventV2(request({ url: '/v1/users/%E0%A4%A' })).rawPath).toBe('/v1/users/%E0%A4%A');
  });
});

describe('Function: fromResultV2', () => {
  it('turns a structured result into status, lowercased headers and body', () => {
    const out = fromResultV2({
      statusCode: 201,
      headers: { 'Content-Type': 'application/json', 'X-Count': 3 },
      body: '{"ok":true}',
    });
    expect(out.status).toBe(201);
    expect(out.headers).toEqual({ 'content-type': 'application/json', 'x-count': '3' });
    expect(out.body.toString()).toBe('{"ok":true}');
  });

  it('decodes a base64 body', () => {
    const bytes = Buffer.from([1, 2, 3, 250]);
    const out = fromResultV2({ statusCode: 200, body: bytes.toString('base64'), isBase64Encoded: true });
    expect(out.body.equals(bytes)).toBe(true);
  });

  it('writes cookies as set-cookie headers', () => {
    const out = fromResultV2({ statusCode: 200, cookies: ['a=1; Path=/', 'b=2'] });
    expect(out.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2']);
  });

  it('answers 204 with an empty body when there is none', () => {
    const out = fromResultV2({ statusCode: 204 });
    expect(out.status).toBe(204);
    expect(out.body.length).toBe(0);
  });

  it('infers a 200 JSON response from a result without a status code', () => {
    const obj = fromResultV2({ hello: 'world' } as never);
    expect(obj).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from('{"hello":"world"}'),
    });
    expect(fromResultV2('plain' as never).body.toString()).toBe('plain');
    expect(fromResultV2(undefined).status).toBe(200);
  });
});

/** A handler that answers with the event it got, so tests see the translation from outside. */
const echo: LambdaHandler = async (event: APIGatewayProxyEventV2, context) => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json', 'x-request-id': context.awsRequestId },
  cookies: ['session=abc; HttpOnly'],
  body: JSON.stringify(event),
});

describe('Function: dispatch', () => {
  it('runs the first mount whose prefix matches, with a Lambda context', async () => {
    const seen: string[] = [];
    const named =
      (name: string): LambdaHandler =>
      async () => {
        seen.push(name);
        return { statusCode: 200, body: name };
      };
    const mounts: Mount[] = [
      { prefix: '/voice/', handler: named('voice') },
      { prefix: '/', handler: named('api') },
    ];
    const voice = await dispatch(mounts, request({ url: '/voice/answer' }));
    expect(voice.body.toString()).toBe('voice');
    const api = await dispatch(mounts, request({ url: '/v1/conversations' }));
    expect(api.body.toString()).toBe('api');
    expect(seen).toEqual(['voice', 'api']);
  });

  it('runs a route mount for its method and exact path only, a trailing slash allowed', async () => {
    const named =
      (name: string): LambdaHandler =>
      async () => ({ statusCode: 200, body: name });
    const mounts: Mount[] = [
      { route: { method: 'GET', path: '/v1/openapi.json' }, handler: named('docs') },
      { prefix: '/', handler: named('api') },
    ];
    const served = async (method: string, url: string) =>
      (await dispatch(mounts, request({ method, url }))).body.toString();
    expect(await served('get', '/v1/openapi.json')).toBe('docs');
    expect(await served('GET', '/v1/openapi.json/')).toBe('docs');
    expect(await served('GET', '/v1/openapi.json?x=1')).toBe('docs');
    expect(await served('POST', '/v1/openapi.json')).toBe('api');
    expect(await served('GET', '/v1/openapi.json/x')).toBe('api');
    expect(await served('GET', '/v1/openapi')).toBe('api');
  });

  it('matches a prefix mount on any method', () => {
    expect(mountMatches({ prefix: '/voice/', handler: echo }, 'PATCH', '/voice/x')).toBe(true);
    expect(mountMatches({ prefix: '/voice/', handler: echo }, 'GET', '/v1/x')).toBe(false);
  });

  it('answers 404 when no mount matches', async () => {
    const out = await dispatch([{ prefix: '/voice/', handler: echo }], request({ url: '/v1/x' }));
    expect(out.status).toBe(404);
    expect(JSON.parse(out.body.toString())).toEqual({ message: 'Not Found' });
  });

  it('gives the handler the request id as awsRequestId', async () => {
    const out = await dispatch([{ prefix: '/', handler: echo }], request());
    const event = JSON.parse(out.body.toString());
    expect(out.headers['x-request-id']).toBe(event.requestContext.requestId);
  });
});

describe('Function: createDevServer', () => {
  let baseUrl = '';
  let close: () => Promise<void>;

  beforeAll(async () => {
    const server = createDevServer([
      {
        prefix: '/boom',
        handler: async () => {
          throw new Error('secret internals');
        },
      },
      { prefix: '/', handler: echo },
    ]);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise((r) => server.close(() => r()));
  });
  afterAll(() => close());

  it('round-trips a request and its result over HTTP', async () => {
    const body = JSON.stringify({ text: 'héllo', n: 1 });
    const res = await fetch(`${baseUrl}/v1/echo/?a=1&a=2&b=x`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-trace': 't1', cookie: 'k=v; k2=v2' },
      body,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toBe('session=abc; HttpOnly');
    const event = (await res.json()) as APIGatewayProxyEventV2;
    expect(event.version).toBe('2.0');
    expect(event.rawPath).toBe('/v1/echo/');
    expect(event.requestContext.http.method).toBe('POST');
    expect(event.queryStringParameters).toEqual({ a: '1,2', b: 'x' });
    expect(event.headers['x-trace']).toBe('t1');
    expect(event.headers.host).toBe(new URL(baseUrl).host);
    expect(event.cookies).toEqual(['k=v', 'k2=v2']);
    expect(event.body).toBe(body);
    expect(event.isBase64Encoded).toBe(false);
    expect(event.requestContext.http.sourceIp).toMatch(/127\.0\.0\.1/);
  });

  it('carries a binary body base64-encoded', async () => {
    const bytes = Buffer.from([0, 1, 2, 255, 128]);
    const res = await fetch(`${baseUrl}/upload`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    const event = (await res.json()) as APIGatewayProxyEventV2;
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body ?? '', 'base64').equals(bytes)).toBe(true);
  });

  it('answers 500 without internals when a handler throws', async () => {
    const res = await fetch(`${baseUrl}/boom`);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('secret internals');
  });

  it('answers 413 to a body larger than API Gateway accepts', async () => {
    const res = await fetch(`${baseUrl}/big`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.alloc(10 * 1024 * 1024 + 1, 'a'),
    }).catch((e) => e as Error);
    // The server may cut the upload short; either way nothing reaches the handler.
    if (res instanceof Error) throw res;
    expect(res.status).toBe(413);
  });
});
