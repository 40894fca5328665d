/** What more than one SDK suite checks the same way, each with its own SDK's calls and event types. */
import { expect } from 'vitest';
import { call } from '../api.ts';
import type { TestServer } from '../server.ts';
import type { SdkUser } from './users.ts';

/**
 * The server drops every socket; an event posted meanwhile reaches both users once their SDKs reconnect,
 * the live path works again, and nothing reached `watcher`'s application twice.
 */
export const expectReconnectWithoutLoss = async (
  server: TestServer,
  cid: string,
  watcher: SdkUser,
  sender: SdkUser,
  text: { send: string; type: string },
): Promise<void> => {
  server.dropSockets();
  // Posted while the sockets are down: the resumed sessions get it as a missed event.
  const posted = await call('POST', `/v1/conversations/${cid}/events`, {
    body: { type: 'custom:while-away', body: { n: 1 } },
  });
  await watcher.waitFor((e) => e.id === posted.body.id, 10_000);
  await sender.waitFor((e) => e.id === posted.body.id, 10_000);
  expect(watcher.lifecycle).toContain('reconnect');
  // And the live path works again on the new socket.
  const sent = await sender.call(text.send, cid, 'back again');
  await watcher.waitFor((e) => e.type === text.type && e.id === sent.id);
  const once = watcher.events.filter(
    (e) => e.cid === cid && (e.type === text.type || e.type.includes('while-away')),
  );
  expect(new Set(once.map((e) => e.id)).size).toBe(once.length);
};

/** `user` logs out: its session ends and the server holds one socket fewer. */
export const expectLogoutClosesSocket = async (server: TestServer, user: SdkUser): Promise<void> => {
  const before = server.openSockets();
  await user.call('logout');
  const until = Date.now() + 5000;
  while (server.openSockets() >= before && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  expect(server.openSockets()).toBe(before - 1);
};
