/**
 * nexmo-client 9.x, unmodified, against the dev server: each user its own SDK instance in its own worker
 * thread, configured only by its host options, receiving in real time through the socket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../support/api.ts';
import { expectLogoutClosesSocket, expectReconnectWithoutLoss } from '../support/sdk/cases.ts';
import { type RefreshScene, refreshScene } from '../support/sdk/refresh-scene.ts';
import { type SdkUser, startSdkUser } from '../support/sdk/users.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { userToken } from '../support/tokens.ts';

const NEXMO = './nexmo-worker.mjs';

describe('nexmo-client 9.x chats through Parley', () => {
  let server: TestServer;
  let alice: SdkUser;
  let bob: SdkUser;
  let carol: SdkUser;
  const names = { alice: `alice-${Date.now()}`, bob: `bob-${Date.now()}`, carol: `carol-${Date.now()}` };
  const ids: Record<string, string> = {};
  let cid: string;

  const sdkConfig = () => ({
    url: server.baseUrl,
    nexmo_api_url: server.baseUrl,
    ips_url: `${server.baseUrl}/v1/image`,
    // A quick, predictable reconnect for the dropped-socket test.
    socket_io: { reconnectionDelay: 200, reconnectionDelayMax: 500, randomizationFactor: 0 },
  });

  beforeAll(async () => {
    server = await startTestServer({ sockets: true, stream: true });
    for (const [key, name] of Object.entries(names)) {
      const created = await call('POST', '/v1/users', { body: { name, display_name: key } });
      ids[key] = created.body.id;
    }
    alice = startSdkUser(NEXMO, sdkConfig());
    bob = startSdkUser(NEXMO, sdkConfig());
    carol = startSdkUser(NEXMO, sdkConfig());
  });

  afterAll(async () => {
    await Promise.all([alice, bob, carol].map((u) => u?.stop()));
    await server?.close();
  });

  it('logs each user in: a session of its own user', async () => {
    const [a, b, c] = await Promise.all([
      alice.call('login', await userToken(names.alice)),
      bob.call('login', await userToken(names.bob)),
      carol.call('login', await userToken(names.carol)),
    ]);
    expect(a).toMatchObject({
      userId: ids.alice,
      name: names.alice,
      sessionId: expect.stringMatching(/^SES-/),
    });
    expect(b).toMatchObject({ userId: ids.bob, name: names.bob });
    expect(c).toMatchObject({ userId: ids.carol, name: names.carol });
  });

  it('creates a conversation, joins it and invites bob, who receives the invite in real time and joins', async () => {
    cid = await alice.call('create', `chat-${Date.now()}`);
    expect(cid).toMatch(/^CON-/);
    const joined = await alice.call('join', cid);
    expect(joined.state).toBe('JOINED');
    await alice.call('invite', cid, names.bob);
    const invite = await bob.waitFor((e) => e.type === 'member:invited' && e.cid === cid);
    expect(invite.body.user).toMatchObject({ name: names.bob });
    const bobJoined = await bob.call('join', cid);
    expect(bobJoined.state).toBe('JOINED');
    await alice.waitFor(
      (e) => e.type === 'member:joined' && e.cid === cid && e.body.user?.name === names.bob,
    );
    const members = await alice.call('members', cid);
    expect(members.map((m: { state: string }) => m.state).sort()).toEqual(['JOINED', 'JOINED']);
    expect(await bob.call('conversations')).toContain(cid);
  });

  it('exchanges texts both ways, each received in real time by the other', async () => {
    const sent = await alice.call('sendMessage', cid, 'hello bob');
    const atBob = await bob.waitFor((e) => e.type === 'message' && e.id === sent.id);
    expect(atBob.body).toMatchObject({ message_type: 'text', text: 'hello bob' });
    const reply = await bob.call('sendMessage', cid, 'hi alice');
    const atAlice = await alice.waitFor((e) => e.type === 'message' && e.id === reply.id);
    expect(atAlice.body.text).toBe('hi alice');
  });

  it('sends delivered receipts automatically and seen receipts on request', async () => {
    const sent = await alice.call('sendMessage', cid, 'read me');
    await bob.waitFor((e) => e.type === 'message' && e.id === sent.id);
    // The SDK hands the application the message a receipt is about, marked by the receipt.
    const delivered = await alice.waitFor((e) => e.type === 'message:delivered' && e.id === sent.id);
    expect(Object.keys(delivered.state?.delivered_to ?? {})).toHaveLength(1);
    await bob.call('seen', cid, sent.id);
    const seen = await alice.waitFor((e) => e.type === 'message:seen' && e.id === sent.id);
    expect(Object.keys(seen.state?.seen_by ?? {})).toHaveLength(1);
  });

  it('shows typing on and off to the other member, without an id', async () => {
    await alice.call('typing', cid, true);
    const on = await bob.waitFor((e) => e.type === 'text:typing:on' && e.cid === cid);
    expect(on.id === undefined || Number.isNaN(on.id)).toBe(true);
    await alice.call('typing', cid, false);
    await bob.waitFor((e) => e.type === 'text:typing:off' && e.cid === cid);
  });

  it('deletes a message, and the other member sees it deleted', async () => {
    const sent = await bob.call('sendMessage', cid, 'oops');
    await alice.waitFor((e) => e.type === 'message' && e.id === sent.id);
    await bob.call('deleteEvent', cid, sent.id);
    // The SDK hands the application the deleted message, its text gone.
    const deleted = await alice.waitFor((e) => e.type === 'event:delete' && e.id === sent.id);
    expect(deleted.body.text).toBe('');
  });

  it('carries a custom event to the other member', async () => {
    const sent = await alice.call('custom', cid, 'custom:poll', { question: 'lunch?' });
    const got = await bob.waitFor((e) => e.id === sent.id);
    expect(got.type).toMatch(/poll/);
    expect(got.body).toEqual({ question: 'lunch?' });
  });

  it('delivers a message posted through the REST API with an admin token to both', async () => {
    const posted = await call('POST', `/v1/conversations/${cid}/events`, {
      body: { type: 'custom:announcement', body: { text: 'from the server' } },
    });
    expect(posted.status).toBe(201);
    await alice.waitFor((e) => e.id === posted.body.id && e.cid === cid);
    await bob.waitFor((e) => e.id === posted.body.id && e.cid === cid);
  });

  it('pages the event history', async () => {
    const history = await alice.call('events', cid, { page_size: 3, order: 'asc' });
    expect(history.first.map((e: { id: number }) => e.id)).toEqual([1, 2, 3]);
    expect(history.next.map((e: { id: number }) => e.id)).toEqual([4, 5, 6]);
  });

  it('gives a user who is no member nothing of the conversation', () => {
    expect(carol.events.filter((e) => e.cid === cid)).toEqual([]);
  });

  it('reconnects after the server drops the socket, and loses no event posted in between', () =>
    expectReconnectWithoutLoss(server, cid, alice, bob, { send: 'sendMessage', type: 'message' }));

  it('logs out: the session ends and its socket closes', () => expectLogoutClosesSocket(server, carol));
});

describe('nexmo-client 9.x token refresh (updateToken) extends the session', () => {
  let scene: RefreshScene;

  beforeAll(async () => {
    scene = await refreshScene({
      prefix: 'n9',
      start: (server) => startSdkUser(NEXMO, { url: server.baseUrl, nexmo_api_url: server.baseUrl }),
      afterLogin: (user, cid) => user.call('get', cid),
    });
  });

  afterAll(() => scene?.stop());

  it("keeps a refreshed session past its first token's end, still receiving; one not refreshed ends then", async () => {
    // Prepare: both log in with tokens that end within seconds
    const { dave, frank } = scene.users;
    const [firstEnd] = await Promise.all([scene.loginBriefly('dave', 4), scene.loginBriefly('frank', 4)]);
    // Act: dave refreshes through the SDK's own call; both pass the first token's end under the heartbeat
    await dave.call('updateToken', await userToken(scene.names.dave, { ttlSeconds: 3600 }));
    await new Promise((r) => setTimeout(r, firstEnd - Date.now() + 1500));
    const id = await scene.erinPosts('still with us?');
    // Assess
    const got = await dave.waitFor((e) => e.type === 'message' && e.id === id);
    expect(got.body.text).toBe('still with us?');
    expect(dave.lifecycle).toEqual([]);
    expect(frank.lifecycle).toContain('disconnect:TokenExpired');
    await new Promise((r) => setTimeout(r, 500));
    expect(frank.events.filter((e) => e.id === id)).toEqual([]);
  });

  it('rejects updateToken with a token of another user (403), and the session goes on', async () => {
    // Prepare
    const { dave } = scene.users;
    // Act
    const refused = await dave
      .call('updateToken', await userToken(scene.names.erin, { ttlSeconds: 3600 }))
      .then(
        () => 'resolved',
        (error: Error) => error.message,
      );
    const id = await scene.erinPosts('after the refusal');
    // Assess
    expect(refused).toMatch(/^updateToken: .*system:error:permission/);
    await dave.waitFor((e) => e.type === 'message' && e.id === id);
  });
});
