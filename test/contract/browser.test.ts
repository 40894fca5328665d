/**
 * A real browser: a page using the nexmo-client browser bundle, unmodified, in headless Chromium (the
 * binary @sparticuz/chromium brings), chatting through the dev server with a Node client.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import chromium from '@sparticuz/chromium';
import { type Browser, chromium as playwright } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../support/api.ts';
import { type SdkUser, startSdkUser } from '../support/sdk/users.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { userToken } from '../support/tokens.ts';

/** What the page's script reads of the browser (the test's own tsconfig has no DOM types). */
interface PageGlobals {
  document: { querySelector(selector: string): { textContent: string | null } | null };
}

const require = createRequire(import.meta.url);
const bundle = readFileSync(require.resolve('nexmo-client/dist/nexmoClient.js'));
const page = readFileSync(new URL('./browser/page.html', import.meta.url));

describe('nexmo-client in a browser', () => {
  let server: TestServer;
  let site: Server;
  let siteUrl: string;
  let browser: Browser;
  let bob: SdkUser;
  const names = { alice: `ba-${Date.now()}`, bob: `bb-${Date.now()}` };
  let cid: string;

  beforeAll(async () => {
    server = await startTestServer({ sockets: true, stream: true });
    // The page comes from an origin of its own, as an application's would: its REST calls are cross-origin.
    site = createServer((req, res) => {
      if (req.url === '/nexmoClient.js')
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
      else res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    });
    await new Promise<void>((res) => site.listen(0, '127.0.0.1', res));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
    const users = await Promise.all(
      Object.values(names).map((name) => call('POST', '/v1/users', { body: { name } })),
    );
    cid = (await call('POST', '/v1/conversations', { body: {} })).body.id;
    for (const u of users)
      await call('POST', `/v1/conversations/${cid}/members`, {
        body: { state: 'joined', user: { id: u.body.id }, channel: { type: 'app' } },
      });
    browser = await playwright.launch({
      executablePath: await chromium.executablePath(),
      args: chromium.args,
      headless: true,
    });
    bob = startSdkUser('./nexmo-worker.mjs', { url: server.baseUrl, nexmo_api_url: server.baseUrl });
    await bob.call('login', await userToken(names.bob));
    await bob.call('get', cid);
  }, 120_000);

  afterAll(async () => {
    await bob?.stop();
    await browser?.close();
    site?.close();
    await server?.close();
  });

  it('exchanges a message each way with a Node client, in real time', async () => {
    const tab = await browser.newPage();
    await tab.goto(siteUrl);
    const me = await tab.evaluate(
      ([host, token, conversation]) =>
        (globalThis as unknown as { start: (...a: string[]) => Promise<string> }).start(
          host,
          token,
          conversation,
        ),
      [server.baseUrl, await userToken(names.alice), cid],
    );
    expect(me).toMatch(/^USR-/);

    await bob.call('sendMessage', cid, 'hello browser');
    await tab.waitForFunction(
      () =>
        (globalThis as unknown as PageGlobals).document
          .querySelector('#messages')
          ?.textContent?.includes('hello browser'),
      null,
      {
        timeout: 10_000,
      },
    );

    const id = await tab.evaluate(() =>
      (globalThis as unknown as { send: (t: string) => Promise<number> }).send('hello node'),
    );
    const got = await bob.waitFor((e) => e.type === 'message' && e.id === id);
    expect(got.body.text).toBe('hello node');
  });
});
