/** CORS over the dev server: preflights on any path, and the headers on every answer, errors included. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resetConfig } from '../../functions/config.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { adminToken } from '../support/tokens.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
afterEach(() => {
  delete process.env.CORS_ORIGINS;
  resetConfig();
});

const preflight = (path: string, origin = 'https://app.example.com') =>
  fetch(`${server.baseUrl}${path}`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type',
    },
  });

describe('CORS', () => {
  it('answers a preflight on any path with 204, without a token, allowing Authorization and Content-Type', async () => {
    for (const path of [
      '/v1/conversations',
      '/v0.3/conversations/CON-x/events',
      '/beta2/users/u/conversations',
      '/no/such/route',
      '/v1/openapi.json',
    ]) {
      // Act
      const res = await preflight(path);

      // Assess
      expect(res.status, path).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('access-control-allow-headers')).toBe('authorization,content-type');
      expect(res.headers.get('access-control-allow-methods')).toContain('DELETE');
      expect(res.headers.get('access-control-max-age')).toBe('86400');
    }
  });

  it('puts the headers on answers and on errors (Vonage shape), exposing Retry-After', async () => {
    // Act
    const ok = await fetch(`${server.baseUrl}/v0.3/users/nobody-here`, {
      headers: { origin: 'https://app.example.com', authorization: `bearer ${await adminToken()}` },
    });
    const unauthorized = await fetch(`${server.baseUrl}/v1/conversations`, {
      headers: { origin: 'https://app.example.com' },
    });
    const docs = await fetch(`${server.baseUrl}/v1/openapi.json`, { headers: { origin: 'https://x.test' } });

    // Assess
    expect(ok.status).toBe(404);
    expect(((await ok.json()) as { code: string }).code).toBe('user:error:not-found');
    expect(unauthorized.status).toBe(401);
    expect(((await unauthorized.json()) as { code: string }).code).toBe('system:error:missing-token');
    for (const res of [ok, unauthorized, docs]) {
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('access-control-expose-headers')).toBe('retry-after');
    }
  });

  it('with CORS_ORIGINS set, allows the listed origins only, echoing the one that asked', async () => {
    // Prepare
    process.env.CORS_ORIGINS = 'https://app.example.com, http://localhost:5173';
    resetConfig();

    // Act
    const listed = await preflight('/v1/users', 'http://localhost:5173');
    const other = await preflight('/v1/users', 'https://evil.example');
    const answer = await fetch(`${server.baseUrl}/v1/users`, {
      headers: { origin: 'https://app.example.com', authorization: `Bearer ${await adminToken()}` },
    });

    // Assess
    expect(listed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(listed.headers.get('vary')).toBe('origin');
    expect(other.status).toBe(204);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
  });
});
