/**
 * @vonage/client-sdk 2.x, unmodified, against the dev server: each user its own SDK in its own worker
 * thread, configured only by `setConfig({ apiUrl, websocketUrl, websocketPath })`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../support/api.ts';
import { type RefreshScene, refreshScene } from '../support/sdk/refresh-scene.ts';
import { type SdkUser, startSdkUser } from '../support/sdk/users.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { userToken } from '../support/tokens.ts';

const VONAGE = './vonage-worker.mjs';

describe('@vonage/client-sdk 2.x chats through Parley', () => {
  let server: TestServer;
  let alice: SdkUser;
  let bob: SdkUser;
  let carol: SdkUser;
  const names = { alice: `va-${Date.now()}`, bob: `vb-${Date.now()}`, carol: `vc-${Date.now()}` };
  let cid: string;

  beforeAll(async () => {
    server = await startTestServer({ sockets: true, stream: true });
    for (const name of Object.values(names)) await call('POST', '/v1/users', { body: { name } });
    const config = { apiUrl: server.baseUrl, websocketUrl: server.baseUrl, websocketPath: '/v2/rtc' };
    alice = startSdkUser(VONAGE, config);
    bob = startSdkUser(VONAGE, config);
    carol = startSdkUser(VONAGE, config);
  });

  afterAll(async () => {
    await Promise.all([alice, bob, carol].map((u) => u?.stop()));
    await server?.close();
  });

  it('logs each user in within the SDK’s 5-second deadline', async () => {
    const sessions = await Promise.all([
      alice.call('login', await userToken(names.alice)),
      bob.call('login', await userToken(names.bob)),
      carol.call('login', await userToken(names.carol)),
    ]);
    for (const s of sessions) expect(s.sessionId).toMatch(/^SES-/);
  });

  it('creates a conversation, joins, invites bob, who is told in real time and joins', async () => {
    cid = await alice.call('create', `vchat-${Date.now()}`);
    expect(cid).toMatch(/^CON-/);
    await alice.call('join', cid);
    await alice.call('invite', cid, names.bob);
    await bob.waitFor((e) => e.type === 'member:invited' && e.cid === cid);
    await bob.call('join', cid);
    await alice.waitFor(
      (e) => e.type === 'member:joined' && e.cid === cid && e.body?.user?.name === names.bob,
    );
  });

  it('exchanges texts both ways in real time', async () => {
    await alice.call('sendMessage', cid, 'hello bob');
    const atBob = await bob.waitFor((e) => e.type === 'message:text' && e.cid === cid);
    expect(atBob.body.text).toBe('hello bob');
    await bob.call('sendMessage', cid, 'hi alice');
    const atAlice = await alice.waitFor((e) => e.type === 'message:text' && e.body.text === 'hi alice');
    expect(atAlice.cid).toBe(cid);
  });

  it('carries seen receipts, custom and ephemeral events, and deletions', async () => {
    const msg = await alice.waitFor((e) => e.type === 'message:text' && e.body.text === 'hi alice');
    await alice.call('seen', cid, msg.id);
    await bob.waitFor((e) => e.type === 'message:seen' && e.cid === cid);
    await alice.call('custom', cid, JSON.stringify({ poll: 'lunch?' }));
    await bob.waitFor((e) => e.type === 'message:custom' && e.cid === cid);
    await bob.call('ephemeral', cid, JSON.stringify({ cursor: 3 }));
    const ephemeral = await alice.waitFor((e) => e.type === 'ephemeral' && e.cid === cid);
    expect(ephemeral.id === undefined || Number.isNaN(ephemeral.id)).toBe(true);
    await bob.call('deleteEvent', cid, msg.id);
    await alice.waitFor((e) => e.type === 'event:delete' && e.cid === cid);
  });

  it('delivers an event posted through the REST API to both, and nothing to a non-member', async () => {
    const posted = await call('POST', `/v1/conversations/${cid}/events`, {
      body: { type: 'custom:announcement', body: { text: 'from the server' } },
    });
    await alice.waitFor((e) => e.id === posted.body.id);
    await bob.waitFor((e) => e.id === posted.body.id);
    expect(carol.events.filter((e) => e.cid === cid)).toEqual([]);
  });

  it('reads the history, and logs out', async () => {
    const history = await alice.call('events', cid, { pageSize: 2, order: 'asc' });
    expect(history.ids).toHaveLength(2);
    await carol.call('logout');
  });
});

describe('@vonage/client-sdk 2.x token refresh (refreshSession) extends the session', () => {
  let scene: RefreshScene;

  beforeAll(async () => {
    scene = await refreshScene({
      prefix: 'v2',
      start: (server) =>
        startSdkUser(VONAGE, {
          apiUrl: server.baseUrl,
          websocketUrl: server.baseUrl,
          websocketPath: '/v2/rtc',
        }),
    });
  });

  afterAll(() => scene?.stop());

  it("keeps a refreshed session past its first token's end, still receiving; one not refreshed ends then", async () => {
    // Prepare: both log in with tokens that end within seconds
    const { dave, frank } = scene.users;
    const [firstEnd] = await Promise.all([scene.loginBriefly('dave', 4), scene.loginBriefly('frank', 4)]);
    // Act: dave refreshes through the SDK's own call; both pass the first token's end under the heartbeat
    await dave.call('refreshSession', await userToken(scene.names.dave, { ttlSeconds: 3600 }));
    await new Promise((r) => setTimeout(r, firstEnd - Date.now() + 1500));
    const id = await scene.erinPosts('still with us?');
    // Assess
    const got = await dave.waitFor((e) => e.type === 'message:text' && e.id === id);
    expect(got.body.text).toBe('still with us?');
    expect(dave.lifecycle).toEqual([]);
    expect(frank.lifecycle).toContain('disconnect:EXPIRED_TOKEN');
    await new Promise((r) => setTimeout(r, 500));
    expect(frank.events.filter((e) => e.id === id)).toEqual([]);
  });

  it('rejects refreshSession with a token of another user, and the session goes on', async () => {
    // Prepare
    const { dave } = scene.users;
    // Act
    const refused = await dave
      .call('refreshSession', await userToken(scene.names.erin, { ttlSeconds: 3600 }))
      .then(
        () => 'resolved',
        (error: Error) => error.message,
      );
    const id = await scene.erinPosts('after the refusal');
    // Assess
    expect(refused).toMatch(/^refreshSession: A session is refreshed with a token of the session's own user/);
    await dave.waitFor((e) => e.type === 'message:text' && e.id === id);
  });
});
