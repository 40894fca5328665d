/**
 * The Client SDKs' token refresh (`PUT /v0.2/sessions/{session_id}`, the new token as the bearer) against
 * a session opened on the dev server's socket: its own user's token moves the session's end; another
 * user's token, an admin token and an unknown or ended session are refused in the Vonage shape, and a
 * refused refresh writes nothing.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDropped } from '../../../functions/domain/sessions.ts';
import { db, tableName } from '../../../functions/store/client.ts';
import { connectionStore } from '../../../functions/store/connections-repo.ts';
import { connectionKeys } from '../../../functions/store/keys.ts';
import { type ApiResponse, call } from '../../support/api.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';
import { openSocket } from '../../support/socket-client.ts';
import { adminToken, userToken } from '../../support/tokens.ts';

const suffix = Date.now();
const names = { alice: `alice-${suffix}`, bob: `bob-${suffix}` };

const refresh = (sessionId: string, token: string, scheme: 'Bearer' | 'bearer' = 'Bearer') =>
  call('PUT', `/v0.2/sessions/${sessionId}`, {
    token: null,
    headers: { authorization: `${scheme} ${token}` },
  });

const expectVonageError = (res: ApiResponse, status: number, code: string) => {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({
    type: expect.any(String),
    title: expect.any(String),
    code,
    detail: expect.any(String),
    instance: expect.any(String),
  });
};

const rawItem = async (key: { pk: string; sk: string }) =>
  (await db().send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }))).Item;

describe('PUT /v0.2/sessions/{session_id}: a token refresh of a socket session', () => {
  let server: TestServer;
  let aliceId: string;

  /** Alice logs in over a raw engine.io 4 socket with a token valid for `ttlSeconds`. */
  const login = async (ttlSeconds: number) => {
    const token = await userToken(names.alice, { ttlSeconds });
    const socket = openSocket(
      `${server.baseUrl.replace('http', 'ws')}/v2/rtc/?token=${token}&EIO=4&transport=websocket`,
    );
    const frames = await socket.waitFor(3);
    const [, success] = JSON.parse(frames[2].slice(2));
    const sessionId = success.body.id as string;
    const [connection] = (await connectionStore.ofUsers([aliceId])).filter((c) => c.sessionId === sessionId);
    return { socket, sessionId, connectionId: connection.id };
  };

  /** The stored items of a session: its connection and its record, as DynamoDB holds them. */
  const itemsOf = async (sessionId: string, connectionId: string) => ({
    connection: await rawItem(connectionKeys.connection(connectionId)),
    session: await rawItem(connectionKeys.session(sessionId)),
  });

  beforeAll(async () => {
    server = await startTestServer({ sockets: true });
    aliceId = (await call('POST', '/v1/users', { body: { name: names.alice } })).body.id;
    await call('POST', '/v1/users', { body: { name: names.bob } });
  });
  afterAll(() => server?.close());

  it("moves the session's end to the new token's end, for either bearer scheme", async () => {
    // Prepare
    const { socket, sessionId, connectionId } = await login(60);
    const newer = await userToken(names.alice, { ttlSeconds: 3600 });
    // Act
    const nexmo = await refresh(sessionId, newer);
    const vonage = await refresh(sessionId, newer, 'bearer');
    // Assess
    expect(nexmo.status).toBe(200);
    expect(vonage.body).toEqual({ session_id: sessionId });
    const connection = await connectionStore.get(connectionId);
    const exp = JSON.parse(Buffer.from(newer.split('.')[1], 'base64url').toString()).exp as number;
    expect(connection?.validUntil).toBe(new Date(exp * 1000).toISOString());
    socket.ws.close();
  });

  it("refuses another user's token and an admin token with 403, writing nothing", async () => {
    // Prepare
    const { socket, sessionId, connectionId } = await login(60);
    const before = await itemsOf(sessionId, connectionId);
    // Act
    const byBob = await refresh(sessionId, await userToken(names.bob, { ttlSeconds: 3600 }));
    const byAdmin = await refresh(sessionId, await adminToken());
    // Assess
    expectVonageError(byBob, 403, 'system:error:permission');
    expectVonageError(byAdmin, 403, 'system:error:permission');
    expect(await itemsOf(sessionId, connectionId)).toEqual(before);
    socket.ws.close();
  });

  it('answers 404 for an unknown session and for one that logged out, writing nothing', async () => {
    // Prepare
    const unknown = 'SES-00000000-0000-4000-8000-000000000000';
    const { socket, sessionId, connectionId } = await login(60);
    socket.ws.send('40');
    socket.ws.send('42["session:logout",{"tid":1,"body":{}}]');
    await socket.waitFor(4);
    socket.ws.close();
    await socket.closed;
    const before = await itemsOf(sessionId, connectionId);
    const token = await userToken(names.alice, { ttlSeconds: 3600 });
    // Act
    const missing = await refresh(unknown, token);
    const loggedOut = await refresh(sessionId, token, 'bearer');
    // Assess
    expectVonageError(missing, 404, 'http:error:not-found');
    expectVonageError(loggedOut, 404, 'http:error:not-found');
    expect(await rawItem(connectionKeys.session(unknown))).toBeUndefined();
    expect(await itemsOf(sessionId, connectionId)).toEqual(before);
  });

  it('refreshes a dropped session that is still resumable', async () => {
    // Prepare
    const { socket, sessionId } = await login(60);
    socket.ws.terminate();
    await socket.closed;
    // The gateway's $disconnect runs after the close: wait for the drop to be recorded.
    const until = Date.now() + 5000;
    const dropped = async () => {
      const found = await connectionStore.session(sessionId);
      return found !== undefined && isDropped(found);
    };
    while (!(await dropped()) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    // Act
    const res = await refresh(sessionId, await userToken(names.alice, { ttlSeconds: 3600 }));
    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ session_id: sessionId });
  });

  it('refuses an invalid new token with 401', async () => {
    // Act
    const res = await call('PUT', '/v0.2/sessions/SES-1', {
      token: null,
      headers: { authorization: 'bearer not-a-jwt' },
    });
    // Assess
    expectVonageError(res, 401, 'system:error:invalid-token');
  });
});
