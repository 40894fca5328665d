/**
 * The scene of each SDK suite's token-refresh tests: a dev server with a fast heartbeat (it ends every
 * session whose token expired, as the scheduled one does in AWS), and three users JOINED in one
 * conversation: dave and frank, each with an SDK instance of their own, and erin, who posts over REST.
 */
import { expect } from 'vitest';
import { call } from '../api.ts';
import { startTestServer, type TestServer } from '../server.ts';
import { userToken } from '../tokens.ts';
import type { SdkUser } from './users.ts';

export interface RefreshScene {
  names: { dave: string; frank: string; erin: string };
  cid: string;
  users: { dave: SdkUser; frank: SdkUser };
  /** Logs a user in with a token that ends in `ttlSeconds`; when that token ends (epoch ms). */
  loginBriefly(key: 'dave' | 'frank', ttlSeconds: number): Promise<number>;
  /** Erin posts a message over REST with her own token; its id. */
  erinPosts(text: string): Promise<number>;
  stop(): Promise<void>;
}

export const refreshScene = async (options: {
  /** Tells the scene's users apart from other tests' in the shared table. */
  prefix: string;
  /** An SDK instance on this server, as the suite configures its SDK. */
  start: (server: TestServer) => SdkUser;
  /** What a user does once logged in (e.g. open the conversation, so the SDK routes its events). */
  afterLogin?: (user: SdkUser, cid: string) => Promise<unknown>;
}): Promise<RefreshScene> => {
  const server = await startTestServer({ sockets: true, stream: true, heartbeatMs: 250 });
  const stamp = Date.now();
  const names = {
    dave: `${options.prefix}dave-${stamp}`,
    frank: `${options.prefix}frank-${stamp}`,
    erin: `${options.prefix}erin-${stamp}`,
  };
  const cid: string = (await call('POST', '/v1/conversations', { body: {} })).body.id;
  const members: Record<string, string> = {};
  for (const [key, name] of Object.entries(names)) {
    const id = (await call('POST', '/v1/users', { body: { name } })).body.id;
    const member = await call('POST', `/v1/conversations/${cid}/members`, {
      body: { state: 'joined', user: { id }, channel: { type: 'app' } },
    });
    members[key] = member.body.id;
  }
  // Started (the SDK loaded) before any short-lived token is minted.
  const users = { dave: options.start(server), frank: options.start(server) };
  return {
    names,
    cid,
    users,
    async loginBriefly(key, ttlSeconds) {
      const token = await userToken(names[key], { ttlSeconds });
      await users[key].call('login', token);
      await options.afterLogin?.(users[key], cid);
      return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).exp * 1000;
    },
    async erinPosts(text) {
      const res = await call('POST', `/v1/conversations/${cid}/events`, {
        token: await userToken(names.erin),
        body: { type: 'message', from: members.erin, body: { message_type: 'text', text } },
      });
      expect(res.status).toBe(201);
      return res.body.id as number;
    },
    async stop() {
      await Promise.all(Object.values(users).map((u) => u.stop()));
      await server.close();
    },
  };
};
