import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../support/api.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';
import { openSocket as open } from '../../support/socket-client.ts';
import { userToken } from '../../support/tokens.ts';

describe('Socket gateway: the dev server speaks the Client SDK handshake', () => {
  let server: TestServer;
  let wsBase: string;
  let alice: { id: string; name: string };

  beforeAll(async () => {
    server = await startTestServer({ sockets: true, stream: true });
    wsBase = server.baseUrl.replace('http', 'ws');
    const name = `alice-${Date.now()}`;
    const created = await call('POST', '/v1/users', { body: { name } });
    alice = { id: created.body.id, name };
  });
  afterAll(() => server.close());

  it('greets an engine.io 4 client with open, connect and session:success', async () => {
    // Prepare
    const token = await userToken(alice.name);
    // Act
    const c = open(`${wsBase}/v2/rtc/?token=${token}&EIO=4&transport=websocket`);
    const frames = await c.waitFor(3);
    // Assess
    expect(frames[0]).toMatch(/^0\{/);
    const handshake = JSON.parse(frames[0].slice(1));
    expect(handshake).toMatchObject({ upgrades: [], pingInterval: expect.any(Number) });
    expect(frames[1]).toBe(`40{"sid":"${handshake.sid}"}`);
    expect(frames[2].startsWith('42["session:success"')).toBe(true);
    const [, success] = JSON.parse(frames[2].slice(2));
    expect(success.body).toMatchObject({
      user_id: alice.id,
      name: alice.name,
      id: expect.stringMatching(/^SES-/),
    });
    c.ws.send('40');
    c.ws.send('42["session:logout",{"tid":7,"body":{}}]');
    await c.waitFor(4);
    expect(JSON.parse(c.frames[3].slice(2))).toEqual(['session:logged-out', { rid: 7, body: {} }]);
    c.ws.close();
  });

  it("pushes a conversation's stored events to its members' sessions, and to no one else", async () => {
    // Prepare
    const bobName = `bob-${Date.now()}`;
    await call('POST', '/v1/users', { body: { name: bobName } });
    const a = open(`${wsBase}/v2/rtc/?token=${await userToken(alice.name)}&EIO=4&transport=websocket`);
    const b = open(`${wsBase}/v2/rtc/?token=${await userToken(bobName)}&EIO=4&transport=websocket`);
    await Promise.all([a.waitFor(3), b.waitFor(3)]);
    const conversation = await call('POST', '/v1/conversations', { body: {} });
    const cid = conversation.body.id;
    // Act
    const member = await call('POST', `/v1/conversations/${cid}/members`, {
      body: { state: 'joined', user: { id: alice.id }, channel: { type: 'app' } },
    });
    const posted = await call('POST', `/v1/conversations/${cid}/events`, {
      body: { type: 'message', from: member.body.id, body: { message_type: 'text', text: 'hello' } },
    });
    // Assess
    const frames = await a.waitFor(5);
    const pushed = frames.slice(3).map((f) => JSON.parse(f.slice(2)));
    expect(pushed.map(([type, e]) => [type, e.id, e.cid])).toEqual([
      ['member:joined', 1, cid],
      ['message', posted.body.id, cid],
    ]);
    const stored = await call('GET', `/v1/conversations/${cid}/events/${posted.body.id}`);
    const { cid: _cid, conversation_id: _conversationId, ...body } = pushed[1][1];
    expect(body).toEqual(stored.body);
    await new Promise((r) => setTimeout(r, 300));
    expect(b.frames).toHaveLength(3);
    a.ws.close();
    b.ws.close();
  });

  it('refuses a connect without a token', async () => {
    const c = open(`${wsBase}/v2/rtc/?EIO=4&transport=websocket`);
    const { code } = await c.closed;
    expect(code).toBe(1008);
    expect(c.frames).toEqual([]);
  });

  it('answers an engine.io 3 ping with a pong', async () => {
    const c = open(`${wsBase}/rtc/?EIO=3&transport=websocket`);
    await c.waitFor(2);
    c.ws.send('2');
    const frames = await c.waitFor(3);
    expect(frames[2]).toBe('3');
    c.ws.close();
  });

  it('logs an engine.io 3 client in by its session:login message, answering the request by its tid', async () => {
    // Prepare: connected without a token, as nexmo-client 8.x connects.
    const c = open(`${wsBase}/rtc/?EIO=3&transport=websocket`);
    const greeting = await c.waitFor(2);
    expect(greeting[1]).toBe('40');
    // Act: a token that is not one, then the user's own.
    c.ws.send('42["session:login",{"tid":"t-1","body":{"token":"not-a-token"}}]');
    await c.waitFor(3);
    c.ws.send(`42["session:login",{"tid":"t-2","body":{"token":"${await userToken(alice.name)}"}}]`);
    const frames = await c.waitFor(4);
    // Assess: the refusal names its request and says why; the login answers with the session.
    const [refusedType, refused] = JSON.parse(frames[2].slice(2));
    expect(refusedType).toBe('system:error:invalid-token');
    expect(refused).toMatchObject({ rid: 't-1', body: { code: 'system:error:invalid-token' } });
    const [type, success] = JSON.parse(frames[3].slice(2));
    expect(type).toBe('session:success');
    expect(success).toMatchObject({
      rid: 't-2',
      body: { user_id: alice.id, name: alice.name, id: expect.stringMatching(/^SES-/) },
    });
    c.ws.close();
  });
});
