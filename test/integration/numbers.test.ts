import { describe, expect, it } from 'vitest';
import { call } from '../support/api.ts';
import { userToken } from '../support/tokens.ts';

describe('number routes', () => {
  it('creates a route, and the spellings of one number name the same route', async () => {
    const created = await call('PUT', `/v1/numbers/${encodeURIComponent('+44 7700 900001')}`, {
      body: { forward_to: '+44 7700 900111' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      number: '447700900001',
      forward_to: '447700900111',
      ring_timeout: 60,
      timestamp: { created: expect.any(String) },
      _links: { self: { href: 'http://parley.test/v1/numbers/447700900001' } },
    });
    const replaced = await call('PUT', '/v1/numbers/447700900001', {
      body: { forward_to: '447700900222', ring_timeout: 30, caller_id: '+447700900001' },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({
      forward_to: '447700900222',
      ring_timeout: 30,
      caller_id: '447700900001',
      timestamp: { created: created.body.timestamp.created, updated: expect.any(String) },
    });
    for (const spelling of ['+447700900001', '447700900001', '+44%207700%20900001']) {
      const read = await call('GET', `/v1/numbers/${spelling}`);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(replaced.body);
    }
  });

  it('lists routes by number and pages them', async () => {
    for (const n of ['447700900301', '447700900302', '447700900303'])
      await call('PUT', `/v1/numbers/${n}`, { body: { forward_to: '447700900399' } });
    const first = await call('GET', '/v1/numbers?page_size=2');
    expect(first.status).toBe(200);
    expect(first.body._embedded.numbers).toHaveLength(2);
    const all: string[] = [];
    let next: string | undefined = '/v1/numbers?page_size=2';
    while (next) {
      const page: {
        body: { _embedded: { numbers: { number: string }[] }; _links: { next?: { href: string } } };
      } = await call('GET', next);
      all.push(...page.body._embedded.numbers.map((r: { number: string }) => r.number));
      next = page.body._links.next?.href.replace('http://parley.test', '');
    }
    expect(all).toEqual([...all].sort());
    expect(all).toEqual(expect.arrayContaining(['447700900301', '447700900302', '447700900303']));
  });

  it('deletes a route; then it is not found', async () => {
    await call('PUT', '/v1/numbers/447700900401', { body: { forward_to: '447700900499' } });
    expect((await call('DELETE', '/v1/numbers/+447700900401')).status).toBe(204);
    const gone = await call('GET', '/v1/numbers/447700900401');
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('number:error:not-found');
    expect((await call('DELETE', '/v1/numbers/447700900401')).status).toBe(404);
  });

  it('refuses what is not a phone number, and unknown fields', async () => {
    const badPath = await call('PUT', '/v1/numbers/hello', { body: { forward_to: '447700900111' } });
    expect(badPath.status).toBe(400);
    expect(badPath.body.invalid_parameters).toEqual([
      { name: 'number', reason: '"number" must be a phone number in E.164 format' },
    ]);
    const badTarget = await call('PUT', '/v1/numbers/447700900501', { body: { forward_to: '12' } });
    expect(badTarget.status).toBe(400);
    expect(badTarget.body.invalid_parameters[0].name).toBe('forward_to');
    const unknown = await call('PUT', '/v1/numbers/447700900501', {
      body: { forward_to: '447700900111', colour: 'red' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.invalid_parameters).toEqual([{ name: 'colour', reason: '"colour" is not allowed' }]);
    expect((await call('GET', '/v1/numbers/447700900501')).status).toBe(404);
  });

  it('needs an admin token', async () => {
    const token = await userToken('alice', { aclPaths: { '/*/numbers/**': {} } });
    const res = await call('PUT', '/v1/numbers/447700900601', {
      token,
      body: { forward_to: '447700900111' },
    });
    expect(res.status).toBe(403);
    expect((await call('GET', '/v1/numbers', { token })).status).toBe(403);
    expect((await call('GET', '/v1/numbers', { token: null })).status).toBe(401);
  });
});
