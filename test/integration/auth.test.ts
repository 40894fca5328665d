import { createPrivateKey, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { CompactSign, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { call } from '../support/api.ts';
import { adminToken, testApplication, userToken } from '../support/tokens.ts';

const now = () => Math.floor(Date.now() / 1000);
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const privateKey = createPrivateKey(testApplication.privateKeyPem);

/** Claims of a valid admin token; tests override one thing at a time. */
const claims = (overrides: Record<string, unknown> = {}) => {
  const base: Record<string, unknown> = {
    application_id: testApplication.applicationId,
    iat: now(),
    jti: randomUUID(),
    exp: now() + 900,
    ...overrides,
  };
  for (const [k, v] of Object.entries(base)) if (v === undefined) delete base[k];
  return base;
};

const rs256 = (payload: Record<string, unknown>, key = privateKey) =>
  new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).sign(key);

const listWith = (token: string | null, headers: Record<string, string> = {}) =>
  call('GET', '/v1/conversations', { token, headers });

const expect401 = async (token: string | null, code: string, headers: Record<string, string> = {}) => {
  const res = await listWith(token, headers);
  expect(res.status, res.text).toBe(401);
  expect(res.body).toMatchObject({ title: 'Unauthorized.', code });
  expect(Object.keys(res.body).sort()).toEqual(['code', 'detail', 'instance', 'title', 'type']);
};

describe('auth', () => {
  it('accepts an admin token minted like @vonage/jwt', async () => {
    expect((await listWith(await adminToken())).status).toBe(200);
  });

  it('refuses a request without a token: system:error:missing-token', async () => {
    await expect401(null, 'system:error:missing-token');
  });

  it.each([['Basic dXNlcjpwYXNz'], ['Bearer'], ['Bearer not.a.jwt'], ['Bearer abc'], ['Bearer a b']])(
    'refuses the malformed Authorization header %s',
    async (authorization) => {
      await expect401(null, 'system:error:invalid-token', { authorization });
    },
  );

  it('refuses alg "none"', async () => {
    const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`;
    await expect401(token, 'system:error:invalid-token');
  });

  it('refuses HS256 signed with the public key as the secret', async () => {
    const secret = new TextEncoder().encode(testApplication.publicKeyPem);
    const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(secret);
    await expect401(token, 'system:error:invalid-token');
  });

  it.each(['RS512', 'PS256'])('refuses %s even when signed with the application key', async (alg) => {
    const token = await new SignJWT(claims()).setProtectedHeader({ alg, typ: 'JWT' }).sign(privateKey);
    await expect401(token, 'system:error:invalid-token');
  });

  it('refuses an RS256 token whose header asks for what Parley does not do (crit, an unencoded b64 payload)', async () => {
    const signed = (header: Record<string, unknown>) => {
      // Signed by hand: jose itself refuses to sign a crit it does not know.
      const input = `${b64(header)}.${b64(claims())}`;
      return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
    };
    // The same signing with a plain header passes: what is refused below is the header alone.
    expect((await listWith(signed({ alg: 'RS256', typ: 'JWT' }))).status).toBe(200);
    for (const header of [
      { alg: 'RS256', crit: ['exp'], exp: 1 },
      { alg: 'RS256', b64: false, crit: ['b64'] },
      { alg: 'RS256', b64: true },
    ]) {
      await expect401(signed(header), 'system:error:invalid-token');
    }
  });

  it('refuses a token with a fourth part, or a part that is not base64url', async () => {
    const token = await rs256(claims());
    await expect401(`${token}.x`, 'system:error:invalid-token');
    const [h, p, s] = token.split('.');
    await expect401(`${h}.${p}.${s.slice(0, -2)}+/`, 'system:error:invalid-token');
    await expect401(
      `${h}.${Buffer.from('not json').toString('base64url')}.${s}`,
      'system:error:invalid-token',
    );
  });

  it('refuses a token signed with another key', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    await expect401(await rs256(claims(), other), 'system:error:invalid-token');
  });

  it('refuses a token whose signature was tampered with', async () => {
    const token = await rs256(claims());
    const [h, , s] = token.split('.');
    await expect401(`${h}.${b64(claims({ sub: 'root' }))}.${s}`, 'system:error:invalid-token');
  });

  it('refuses another application id, or none', async () => {
    await expect401(await rs256(claims({ application_id: randomUUID() })), 'system:error:invalid-token');
    await expect401(await rs256(claims({ application_id: undefined })), 'system:error:invalid-token');
  });

  it('refuses an expired token: system:error:expired-token', async () => {
    await expect401(await rs256(claims({ iat: now() - 120, exp: now() - 60 })), 'system:error:expired-token');
  });

  it('refuses a token issued more than 24 hours ago even when exp is later', async () => {
    const token = await rs256(claims({ iat: now() - 25 * 3600, exp: now() + 3600 }));
    await expect401(token, 'system:error:expired-token');
  });

  it('refuses a token that is not valid yet (nbf in the future)', async () => {
    await expect401(await rs256(claims({ nbf: now() + 600 })), 'system:error:invalid-token');
  });

  it('accepts a token whose nbf has passed', async () => {
    expect((await listWith(await rs256(claims({ nbf: now() - 10 })))).status).toBe(200);
  });

  it('refuses a token issued in the future', async () => {
    await expect401(await rs256(claims({ iat: now() + 3600 })), 'system:error:invalid-token');
  });

  it('accepts exp as a string, as in Vonage’s sample token', async () => {
    expect((await listWith(await rs256(claims({ exp: String(now() + 600) })))).status).toBe(200);
  });

  it('refuses an exp that is not a number', async () => {
    await expect401(await rs256(claims({ exp: 'tomorrow' })), 'system:error:invalid-token');
  });

  it('refuses a token without jti or without iat (both required by Vonage)', async () => {
    await expect401(await rs256(claims({ jti: undefined })), 'system:error:invalid-token');
    await expect401(await rs256(claims({ iat: undefined })), 'system:error:invalid-token');
  });

  it('accepts a token without exp for at most 24 hours from iat', async () => {
    expect((await listWith(await rs256(claims({ exp: undefined })))).status).toBe(200);
    const old = await rs256(claims({ exp: undefined, iat: now() - 24 * 3600 - 5 }));
    await expect401(old, 'system:error:expired-token');
  });

  it('refuses a signed payload that is not a JSON object', async () => {
    const token = await new CompactSign(new TextEncoder().encode('[1,2,3]'))
      .setProtectedHeader({ alg: 'RS256' })
      .sign(privateKey);
    await expect401(token, 'system:error:invalid-token');
  });

  it('writes nothing for a request it refuses', async () => {
    const expired = await rs256(claims({ iat: now() - 120, exp: now() - 60 }));
    const res = await call('POST', '/v1/users', { token: expired, body: { name: 'never-written' } });
    expect(res.status).toBe(401);
    const none = await call('POST', '/v1/conversations', { token: null, body: { name: 'never-written' } });
    expect(none.status).toBe(401);
    expect((await call('GET', '/v1/users/never-written')).status).toBe(404);
    expect((await call('POST', '/v1/conversations', { body: { name: 'never-written' } })).status).toBe(201);
  });

  it('treats a token without sub as admin: it may create users', async () => {
    const res = await call('POST', '/v1/users', { token: await rs256(claims()), body: { name: 'by-admin' } });
    expect(res.status).toBe(201);
  });

  it('refuses an empty or non-string sub', async () => {
    await expect401(await rs256(claims({ sub: '' })), 'system:error:invalid-token');
    await expect401(await rs256(claims({ sub: 42 })), 'system:error:invalid-token');
  });

  describe('user tokens and acl.paths', () => {
    it('allows the paths of Vonage’s default Client SDK ACL', async () => {
      const token = await userToken('by-admin');
      expect((await call('GET', '/v1/conversations', { token })).status).toBe(200);
      expect((await call('GET', '/v1/users/by-admin', { token })).status).toBe(200);
    });

    it('refuses paths the ACL does not list with 403 system:error:permission', async () => {
      const token = await userToken('by-admin', { aclPaths: { '/*/users/**': {} } });
      expect((await call('GET', '/v1/users/by-admin', { token })).status).toBe(200);
      const denied = await call('GET', '/v1/conversations', { token });
      expect(denied.status).toBe(403);
      expect(denied.body.code).toBe('system:error:permission');
      const write = await call('POST', '/v1/conversations', { token, body: { name: 'acl-denied' } });
      expect(write.status).toBe(403);
      const list = await call('GET', '/v1/conversations?page_size=100');
      expect(list.body._embedded.conversations.map((c: { name: string }) => c.name)).not.toContain(
        'acl-denied',
      );
    });

    it('limits methods when a rule lists them', async () => {
      const token = await userToken('by-admin', {
        aclPaths: { '/*/conversations/**': { methods: ['GET'] } },
      });
      expect((await call('GET', '/v1/conversations', { token })).status).toBe(200);
      const post = await call('POST', '/v1/conversations', { token, body: {} });
      expect(post.status).toBe(403);
      expect(post.body.code).toBe('system:error:permission');
      const lower = await userToken('by-admin', {
        aclPaths: { '/*/conversations/**': { methods: ['post'] } },
      });
      expect((await call('POST', '/v1/conversations', { token: lower, body: {} })).status).toBe(201);
      expect((await call('GET', '/v1/conversations', { token: lower })).status).toBe(403);
    });

    it('reads a methods string as one method, and a methods value of another type as none', async () => {
      const one = await userToken('by-admin', {
        aclPaths: { '/*/conversations/**': { methods: 'GET' as unknown as string[] } },
      });
      expect((await call('GET', '/v1/conversations', { token: one })).status).toBe(200);
      const name = `acl-string-${randomUUID()}`;
      const post = await call('POST', '/v1/conversations', { token: one, body: { display_name: name } });
      expect(post.status, post.text).toBe(403);
      expect(post.body.code).toBe('system:error:permission');
      expect(Object.keys(post.body).sort()).toEqual(['code', 'detail', 'instance', 'title', 'type']);
      const latest = (await call('GET', '/v1/conversations?page_size=100&order=desc')).body._embedded;
      expect(latest.conversations.map((c: { display_name?: string }) => c.display_name)).not.toContain(name);
      const odd = await userToken('by-admin', {
        aclPaths: { '/*/conversations/**': { methods: { GET: true } as unknown as string[] } },
      });
      expect((await call('GET', '/v1/conversations', { token: odd })).status).toBe(403);
    });

    it('matches one segment with * and the rest with **', async () => {
      const oneLevel = await userToken('by-admin', { aclPaths: { '/v1/users/*': {} } });
      expect((await call('GET', '/v1/users/by-admin', { token: oneLevel })).status).toBe(200);
      expect((await call('GET', '/v1/users', { token: oneLevel })).status).toBe(403);
      const otherVersion = await userToken('by-admin', { aclPaths: { '/v2/users/**': {} } });
      expect((await call('GET', '/v1/users', { token: otherVersion })).status).toBe(403);
    });

    it('gives a user token without acl no access', async () => {
      const token = await rs256(claims({ sub: 'by-admin' }));
      expect((await call('GET', '/v1/users', { token })).status).toBe(403);
    });

    it('refuses admin-only operations to a user token', async () => {
      const token = await userToken('by-admin');
      expect((await call('POST', '/v1/users', { token, body: { name: 'x1' } })).status).toBe(403);
      expect((await call('DELETE', '/v1/users/by-admin', { token })).status).toBe(403);
      expect((await call('GET', '/v1/users/by-admin')).status).toBe(200);
    });
  });
});
