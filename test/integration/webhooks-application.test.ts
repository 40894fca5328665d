/**
 * The application's webhook settings through the Application API v2 shape: the official
 * `@vonage/server-sdk` applications client (HTTP basic with the API key and secret, as it sends)
 * sets and reads the RTC event_url, and an admin JWT may do the same; nobody else may.
 */
import { Auth } from '@vonage/auth';
import { Vonage } from '@vonage/server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../support/api.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { testApplication, userToken } from '../support/tokens.ts';
import { API_KEY, API_SECRET, useWebhookSettings } from '../support/webhooks.ts';

let server: TestServer;
let vonage: Vonage;
const appId = testApplication.applicationId;
const basic = (key: string, secret: string) => `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;

beforeAll(async () => {
  useWebhookSettings();
  server = await startTestServer();
  vonage = new Vonage(
    new Auth({
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      applicationId: appId,
      privateKey: testApplication.privateKeyPem,
    }),
    { apiHost: server.baseUrl },
  );
});

afterAll(async () => {
  await server.close();
});

describe('@vonage/server-sdk applications', () => {
  it('sets the event_url with updateApplication and reads it back with getApplication', async () => {
    // Act
    const updated = await vonage.applications.updateApplication({
      id: appId,
      name: 'Parley test app',
      capabilities: {
        rtc: {
          webhooks: { eventUrl: { address: 'https://example.com/webhooks/event', httpMethod: 'POST' } },
          signedCallbacks: true,
        } as never,
      },
    });
    const read = await vonage.applications.getApplication(appId);

    // Assess
    expect(updated.id).toBe(appId);
    expect(read.name).toBe('Parley test app');
    // The SDK keeps the snake_case keys next to the camelCase ones it adds.
    expect(read.capabilities.rtc?.webhooks.eventUrl).toMatchObject({
      address: 'https://example.com/webhooks/event',
      httpMethod: 'POST',
    });
    expect(read.capabilities.rtc?.signedCallbacks).toBe(true);
    expect(read.keys?.publicKey).toBe(testApplication.publicKeyPem);
  });

  it('takes back what getApplication returned, changed (the round trip an application does)', async () => {
    // Prepare
    const read = await vonage.applications.getApplication(appId);
    const rtc = read.capabilities.rtc as NonNullable<typeof read.capabilities.rtc>;
    rtc.webhooks.eventUrl = { address: 'https://example.com/hooks/v2', httpMethod: 'POST' };

    // Act
    await vonage.applications.updateApplication(read);
    const again = await vonage.applications.getApplication(appId);

    // Assess
    expect(again.capabilities.rtc?.webhooks.eventUrl.address).toBe('https://example.com/hooks/v2');
  });
});

describe('Route: GET/PUT /v2/applications/{id}', () => {
  it('answers an admin JWT in the Application API v2 shape', async () => {
    // Act
    const res = await call('GET', `/v2/applications/${appId}`);

    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: appId,
      capabilities: {
        rtc: { webhooks: { event_url: { address: expect.any(String), http_method: 'POST' } } },
      },
      _links: { self: { href: `http://parley.test/v2/applications/${appId}` } },
    });
  });

  it('refuses a wrong API secret, a user token and no credentials, and writes nothing', async () => {
    // Prepare
    const body = {
      name: 'x',
      capabilities: { rtc: { webhooks: { event_url: { address: 'https://evil.test/' } } } },
    };

    // Act
    const wrong = await call('PUT', `/v2/applications/${appId}`, {
      token: null,
      headers: { authorization: basic(API_KEY, 'nope') },
      body,
    });
    const user = await call('PUT', `/v2/applications/${appId}`, { token: await userToken('alice'), body });
    const none = await call('GET', `/v2/applications/${appId}`, { token: null });
    const after = await call('GET', `/v2/applications/${appId}`);

    // Assess
    expect([wrong.status, user.status, none.status]).toEqual([401, 403, 401]);
    expect(wrong.body.code).toBe('system:error:invalid-token');
    expect(after.body.capabilities.rtc.webhooks.event_url.address).not.toBe('https://evil.test/');
  });

  it('answers 404 for another application and 400 naming each bad field', async () => {
    // Act
    const other = await call('GET', '/v2/applications/00000000-0000-4000-8000-000000000000');
    const bad = await call('PUT', `/v2/applications/${appId}`, {
      body: {
        capabilities: { rtc: { webhooks: { event_url: { address: 'ftp://x', http_method: 'GET' } } }, x: 1 },
      },
    });

    // Assess
    expect(other.status).toBe(404);
    expect(bad.status).toBe(400);
    expect(bad.body.invalid_parameters.map((p: { name: string }) => p.name).sort()).toEqual([
      'capabilities.rtc.webhooks.event_url.address',
      'capabilities.rtc.webhooks.event_url.http_method',
      'capabilities.x',
      'name',
    ]);
  });
});
