/**
 * nexmo-client 8.x (engine.io 3, the token in a `session:login` message), unmodified (installed as
 * `nexmo-client-8`, an npm alias), against the dev server, beside a 9.x user in the same conversation: each
 * user its own SDK instance in its own worker thread, configured only by its host options.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../support/api.ts';
import { expectLogoutClosesSocket, expectReconnectWithoutLoss } from '../support/sdk/cases.ts';
import { type RefreshScene, refreshScene } from '../support/sdk/refresh-scene.ts';
import { type SdkUser, startSdkUser } from '../support/sdk/users.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { userToken } from '../support/tokens.ts';

const NEXMO = './nexmo-worker.mjs';
const V8 = 'nexmo-client-8';

describe('nexmo-client 8.x chats through Parley', () => {
  let server: TestServer;
  let alice: SdkUser;
  let bob: SdkUser;
  let carol: SdkUser;
  let dave: SdkUser;
  const stamp = Date.now();
  const names = {
    alice: `alice8-${stamp}`,
    bob: `bob8-${stamp}`,
    carol: `carol8-${stamp}`,
    dave: `dave9-${stamp}`,
  };
  const ids: Record<string, string> = {};
  let cid: string;

  // 8.x takes the socket's host as `url` and its path as `path` (default `/rtc`).
  const v8Config = () => ({
    url: server.baseUrl,
    nexmo_api_url: server.baseUrl,
    path: '/rtc',
    socket_io: { reconnectionDelay: 200, reconnectionDelayMax: 500, randomizationFactor: 0 },
  });

  beforeAll(async () => {
    server = await startTestServer({ sockets: true, stream: true });
    for (const [key, name] of Object.entries(names)) {
      const created = await call('POST', '/v1/users', { body: { name, display_name: key } });
      ids[key] = created.body.id;
    }
    alice = startSdkUser(NEXMO, v8Config(), V8);
    bob = startSdkUser(NEXMO, v8Config(), V8);
    carol = startSdkUser(NEXMO, v8Config(), V8);
    dave = startSdkUser(NEXMO, { url: server.baseUrl, nexmo_api_url: server.baseUrl });
  });

  afterAll(async () => {
    await Promise.all([alice, bob, carol, dave].map((u) => u?.stop()));
    await server?.close();
  });

  it('refuses a login with a token that is not valid, and logs each user in with its own', async () => {
    const refused = startSdkUser(NEXMO, v8Config(), V8);
    try {
      await expect(refused.call('login', `${await userToken(names.alice)}x`)).rejects.toThrow();
    } finally {
      await refused.stop();
    }
    const [a, b, c, d] = await Promise.all([
      alice.call('login', await userToken(names.alice)),
      bob.call('login', await userToken(names.bob)),
      carol.call('login', await userToken(names.carol)),
      dave.call('login', await userToken(names.dave)),
    ]);
    expect(a).toMatchObject({
      userId: ids.alice,
      name: names.alice,
      sessionId: expect.stringMatching(/^SES-/),
    });
    expect(b).toMatchObject({ userId: ids.bob, name: names.bob });
    expect(c).toMatchObject({ userId: ids.carol, name: names.carol });
    expect(d).toMatchObject({ userId: ids.dave, name: names.dave });
  });

  it('creates and joins a conversation, invites bob and dave, who get the invite in real time and join', async () => {
    cid = await alice.call('create', `chat8-${stamp}`);
    expect(cid).toMatch(/^CON-/);
    expect((await alice.call('join', cid)).state).toBe('JOINED');
    await alice.call('invite', cid, names.bob);
    await alice.call('invite', cid, names.dave);
    await bob.waitFor((e) => e.type === 'member:invited' && e.cid === cid);
    await dave.waitFor((e) => e.type === 'member:invited' && e.cid === cid);
    expect((await bob.call('join', cid)).state).toBe('JOINED');
    expect((await dave.call('join', cid)).state).toBe('JOINED');
    await alice.waitFor(
      (e) => e.type === 'member:joined' && e.cid === cid && e.body.user?.name === names.dave,
    );
    expect(await bob.call('conversations')).toContain(cid);
  });

  it('exchanges texts between the two 8.x users and the 9.x user, each received in real time', async () => {
    const sent = await alice.call('sendText', cid, 'hello from 8');
    expect((await bob.waitFor((e) => e.type === 'text' && e.id === sent.id)).body.text).toBe('hello from 8');
    expect((await dave.waitFor((e) => e.id === sent.id)).body.text).toBe('hello from 8');
    const reply = await dave.call('sendMessage', cid, 'hello from 9');
    const atAlice = await alice.waitFor((e) => e.id === reply.id && e.cid === cid);
    expect(atAlice.body).toMatchObject({ text: 'hello from 9' });
  });

  it('shows typing, a seen receipt, a deleted text and a custom event to the others', async () => {
    await bob.call('typing', cid, true);
    const on = await alice.waitFor((e) => e.type === 'text:typing:on' && e.cid === cid);
    expect(on.id === undefined || Number.isNaN(on.id)).toBe(true);
    const sent = await alice.call('sendText', cid, 'read me');
    await bob.waitFor((e) => e.type === 'text' && e.id === sent.id);
    await bob.call('seen', cid, sent.id);
    await alice.waitFor((e) => e.type === 'text:seen' && e.id === sent.id);
    const oops = await bob.call('sendText', cid, 'oops');
    await alice.waitFor((e) => e.type === 'text' && e.id === oops.id);
    await bob.call('deleteEvent', cid, oops.id);
    const deleted = await alice.waitFor((e) => e.type === 'event:delete' && e.id === oops.id);
    expect(deleted.body.text ?? '').toBe('');
    const custom = await alice.call('custom', cid, 'poll', { question: 'lunch?' });
    const got = await bob.waitFor((e) => e.id === custom.id);
    expect(got.body).toEqual({ question: 'lunch?' });
  });

  it('delivers an event posted through the REST API with an admin token, and nothing to a non-member', async () => {
    const posted = await call('POST', `/v1/conversations/${cid}/events`, {
      body: { type: 'custom:announcement', body: { text: 'from the server' } },
    });
    expect(posted.status).toBe(201);
    await alice.waitFor((e) => e.id === posted.body.id && e.cid === cid);
    await bob.waitFor((e) => e.id === posted.body.id && e.cid === cid);
    expect(carol.events.filter((e) => e.cid === cid)).toEqual([]);
  });

  it('reconnects after the server drops the socket, and loses no event posted in between', () =>
    expectReconnectWithoutLoss(server, cid, alice, bob, { send: 'sendText', type: 'text' }));

  it('logs out: the session ends and its socket closes', () => expectLogoutClosesSocket(server, carol));
});

describe('nexmo-client 8.x token refresh (updateToken, over the socket) extends the session', () => {
  let scene: RefreshScene;

  beforeAll(async () => {
    scene = await refreshScene({
      prefix: 'n8',
      start: (server) =>
        startSdkUser(NEXMO, { url: server.baseUrl, nexmo_api_url: server.baseUrl, path: '/rtc' }, V8),
      afterLogin: (user, cid) => user.call('get', cid),
    });
  });

  afterAll(() => scene?.stop());

  it("keeps a refreshed session past its first token's end; one not refreshed ends then; another user's token is refused", async () => {
    // Prepare: both log in with tokens that end within seconds
    const { dave, frank } = scene.users;
    const [firstEnd] = await Promise.all([scene.loginBriefly('dave', 4), scene.loginBriefly('frank', 4)]);
    // Act: a refusal first, then dave's own longer token; both pass the first token's end
    const refused = await dave
      .call('updateToken', await userToken(scene.names.erin, { ttlSeconds: 3600 }))
      .then(
        () => 'resolved',
        (error: Error) => error.message,
      );
    await dave.call('updateToken', await userToken(scene.names.dave, { ttlSeconds: 3600 }));
    await new Promise((r) => setTimeout(r, firstEnd - Date.now() + 1500));
    const id = await scene.erinPosts('still with us?');
    // Assess
    expect(refused).toMatch(/^updateToken: .*system:error:permission/);
    expect((await dave.waitFor((e) => e.id === id)).body.text).toBe('still with us?');
    expect(dave.lifecycle).toEqual([]);
    expect(frank.lifecycle).toContain('disconnect:TokenExpired');
    await new Promise((r) => setTimeout(r, 500));
    expect(frank.events.filter((e) => e.id === id)).toEqual([]);
  });
});
