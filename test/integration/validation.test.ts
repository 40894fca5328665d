import { describe, expect, it } from 'vitest';
import { type ApiResponse, call } from '../support/api.ts';

const ERROR_KEYS = ['code', 'detail', 'instance', 'title', 'type'];

/** Asserts the Vonage error shape and returns the body. */
const expectError = (res: ApiResponse, status: number, code: string) => {
  expect(res.status, res.text).toBe(status);
  expect(res.headers['content-type']).toBe('application/json');
  const keys = Object.keys(res.body)
    .filter((k) => k !== 'invalid_parameters')
    .sort();
  expect(keys).toEqual(ERROR_KEYS);
  expect(res.body.code).toBe(code);
  expect(res.body.type).toBe(`https://developer.nexmo.com/api/conversation#${code}`);
  expect(res.body.detail.length).toBeGreaterThan(0);
  return res.body;
};

const namesOf = (res: ApiResponse): string[] =>
  (res.body.invalid_parameters as { name: string }[]).map((p) => p.name).sort();

const counts = async () => {
  const c = await call('GET', '/v1/conversations?page_size=100');
  const u = await call('GET', '/v1/users?page_size=100');
  return { conversations: c.body._embedded.conversations.length, users: u.body._embedded.users.length };
};

describe('validation', () => {
  it('names every bad field of a conversation body and writes nothing', async () => {
    const before = await counts();
    const res = await call('POST', '/v1/conversations', {
      body: {
        name: 'x'.repeat(101),
        display_name: 5,
        image_url: 'not a uri',
        properties: { ttl: 'soon', custom_data: 'text', colour: 'red' },
        extra: true,
      },
    });
    const body = expectError(res, 400, 'http:error:validation-fail');
    expect(body.title).toBe('Bad request.');
    expect(body.detail).toBe('Input validation failure.');
    expect(namesOf(res)).toEqual(
      [
        'name',
        'display_name',
        'image_url',
        'properties.ttl',
        'properties.custom_data',
        'properties.colour',
        'extra',
      ].sort(),
    );
    const reasons = Object.fromEntries(
      res.body.invalid_parameters.map((p: { name: string; reason: string }) => [p.name, p.reason]),
    );
    expect(reasons.extra).toBe('"extra" is not allowed');
    expect(reasons['properties.ttl']).toBe('"ttl" must be a number');
    expect(reasons.image_url).toBe('"image_url" must be a valid uri');
    expect(reasons['properties.custom_data']).toBe('"custom_data" must be of type object');
    expect(await counts()).toEqual(before);
  });

  it('refuses an empty display_name and a negative ttl like Vonage does', async () => {
    const res = await call('POST', '/v1/conversations', {
      body: { display_name: '', properties: { ttl: -1 } },
    });
    expectError(res, 400, 'http:error:validation-fail');
    expect(res.body.invalid_parameters).toEqual(
      expect.arrayContaining([
        { name: 'display_name', reason: '"display_name" is not allowed to be empty' },
        { name: 'properties.ttl', reason: '"ttl" must be greater than or equal to 0' },
      ]),
    );
  });

  it('names every bad field of a user body and writes nothing', async () => {
    const before = await counts();
    const res = await call('POST', '/v1/users', {
      body: {
        name: 7,
        properties: { custom_data: {}, secret: 1 },
        channels: { pstn: 'x', carrier_pigeon: [] },
      },
    });
    expectError(res, 400, 'http:error:validation-fail');
    expect(namesOf(res)).toEqual(['channels.carrier_pigeon', 'channels.pstn', 'name', 'properties.secret']);
    expect(await counts()).toEqual(before);
  });

  it('leaves a conversation unchanged when an update fails validation', async () => {
    const created = await call('POST', '/v1/conversations', { body: { display_name: 'kept' } });
    const res = await call('PUT', `/v1/conversations/${created.body.id}`, {
      body: { display_name: 'changed', state: 'INACTIVE' },
    });
    expectError(res, 400, 'http:error:validation-fail');
    expect(namesOf(res)).toEqual(['state']);
    expect((await call('GET', `/v1/conversations/${created.body.id}`)).body).toEqual(created.body);
  });

  it('refuses a body that is not JSON', async () => {
    const before = await counts();
    const res = await call('POST', '/v1/conversations', {
      raw: '{"display_name": ',
      headers: { 'content-type': 'application/json' },
    });
    expectError(res, 400, 'http:error:validation-fail');
    expect(namesOf(res)).toEqual(['body']);
    expect(await counts()).toEqual(before);
  });

  it.each([['[1,2]'], ['"text"'], ['42'], ['null']])(
    'refuses the JSON body %s that is not an object',
    async (raw) => {
      const res = await call('POST', '/v1/users', { raw, headers: { 'content-type': 'application/json' } });
      expectError(res, 400, 'http:error:validation-fail');
      expect(namesOf(res)).toEqual(['body']);
    },
  );

  it.each([['text/plain'], ['application/x-www-form-urlencoded']])(
    'refuses a body sent as %s with 415',
    async (type) => {
      const before = await counts();
      const res = await call('POST', '/v1/conversations', {
        raw: '{"display_name":"x"}',
        headers: { 'content-type': type },
      });
      expectError(res, 415, 'http:error:unsupported-media-type');
      expect(await counts()).toEqual(before);
    },
  );

  it('refuses a body without a content type', async () => {
    const res = await call('POST', '/v1/conversations', { raw: '{"display_name":"x"}' });
    expectError(res, 415, 'http:error:unsupported-media-type');
  });

  it('accepts a JSON content type with a charset', async () => {
    const res = await call('POST', '/v1/conversations', {
      raw: '{"display_name":"charset"}',
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(res.status).toBe(201);
  });

  it('refuses an oversized body with 413 and writes nothing', async () => {
    const before = await counts();
    const res = await call('POST', '/v1/conversations', {
      body: { display_name: 'big', properties: { custom_data: { blob: 'x'.repeat(300 * 1024) } } },
    });
    expectError(res, 413, 'http:error:request-too-large');
    expect(await counts()).toEqual(before);
  });

  it.each([['/v1/nothing'], ['/v2/conversations'], ['/'], ['/v1/conversations/CON-x/nothing/else']])(
    'answers 404 http:error:not-found for the unknown route %s',
    async (path) => {
      expectError(await call('GET', path), 404, 'http:error:not-found');
    },
  );

  it.each([
    ['PATCH', '/v1/conversations'],
    ['DELETE', '/v1/users'],
    ['POST', '/v1/conversations/CON-00000000-0000-4000-8000-000000000000'],
    ['PUT', '/v1/users/alice/'],
  ])('answers 405 http:error:method-not-allowed for %s %s', async (method, path) => {
    const res = await call(method, path, { body: {} });
    expectError(res, 405, 'http:error:method-not-allowed');
  });

  it.each([
    ['page_size=0', 'page_size'],
    ['page_size=101', 'page_size'],
    ['page_size=ten', 'page_size'],
    ['order=sideways', 'order'],
    ['date_start=yesterday', 'date_start'],
    ['date_end=2020-13', 'date_end'],
    ['date_start=2020-13-45', 'date_start'],
    ['date_end=2020-02-01T25:00:00Z', 'date_end'],
    ['colour=red', 'colour'],
  ])('refuses the conversation list query %s', async (qs, name) => {
    const res = await call('GET', `/v1/conversations?${qs}`);
    expectError(res, 400, 'http:error:validation-fail');
    expect(namesOf(res)).toEqual([name]);
  });

  it('names every bad query parameter of the user list at once', async () => {
    const res = await call('GET', '/v1/users?page_size=0&order=up');
    expectError(res, 400, 'http:error:validation-fail');
    expect(namesOf(res)).toEqual(['order', 'page_size']);
  });

  it('hides internals: the instance is a request id, nothing else leaks', async () => {
    const res = await call('GET', '/v1/conversations?page_size=0');
    expect(res.body.instance).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.text).not.toMatch(/stack|at \w+ \(/);
  });
});
