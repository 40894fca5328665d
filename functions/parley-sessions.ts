/**
 * The Client SDK session use-cases the client Lambda serves over REST (the token refresh), bound to the
 * connection store. A root of its own beside functions/parley-socket.ts, which would bring the socket
 * gateway's client into the client Lambda's bundle, and apart from functions/parley.ts, so that the API
 * Lambda's bundle carries none of it.
 */
import type { RefreshDeps, SessionCaller } from './domain/use-cases/sessions.ts';
import * as sessions from './domain/use-cases/sessions.ts';
import { connectionStore } from './store/connections-repo.ts';
import { restPorts } from './store/ports.ts';
import { depsOver, noCallStore, noLegPorts, noNumberPorts } from './wiring.ts';

const base = depsOver({
  ...restPorts,
  calls: noCallStore('the client Lambda'),
  legs: noLegPorts('the client Lambda'),
  numbers: noNumberPorts('the client Lambda'),
});

const deps = (): RefreshDeps => ({ ...base(), sessions: { connections: connectionStore } });

export const parleySessions = {
  refresh: (caller: SessionCaller, sessionId: string) => sessions.refresh(deps(), caller, sessionId),
};
