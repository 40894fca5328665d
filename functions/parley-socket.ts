/**
 * The realtime use-cases bound to their ports: what the socket Lambda and the fan-out's socket sink call.
 * Like functions/parley.ts, one of the few modules that know both the domain and the store.
 */
import { config } from './config.ts';
import { connectionCacheInMemory, readerCacheInMemory } from './domain/sessions.ts';
import type { SessionDeps } from './domain/use-cases/sessions.ts';
import * as sessions from './domain/use-cases/sessions.ts';
import { managementGateway } from './socket/gateway.ts';
import { connectionStore } from './store/connections-repo.ts';
import { restPorts } from './store/ports.ts';
import { depsOver, noCallStore, noLegPorts, noNumberPorts } from './wiring.ts';

/** Conversations whose readers a process remembers, each with at most this many (~50 bytes a reader). */
const READER_CACHE_LIMIT = 10_000;
const READER_CACHE_MAX_READERS = 100;
/** Users whose connections a process remembers, each with at most this many (~300 bytes a connection). */
const CONNECTION_CACHE_LIMIT = 10_000;
const CONNECTION_CACHE_MAX_PER_USER = 20;

const base = depsOver({
  ...restPorts,
  calls: noCallStore('the socket Lambda'),
  legs: noLegPorts('the socket Lambda'),
  numbers: noNumberPorts('the socket Lambda'),
});
const gateway = managementGateway();
/** Held for the process's life: who may read each conversation delivered to, as of its last event delivered. */
const readers = readerCacheInMemory(READER_CACHE_LIMIT, READER_CACHE_MAX_READERS);
/** The connections of the users delivered to, as last read. */
const seen = connectionCacheInMemory(CONNECTION_CACHE_LIMIT, CONNECTION_CACHE_MAX_PER_USER);

const deps = (): SessionDeps => ({
  ...base(),
  sessions: { connections: connectionStore, gateway, readers, seen },
  applicationId: config().applicationId,
});

const bound =
  <A extends unknown[], R>(useCase: (deps: SessionDeps, ...rest: A) => R) =>
  (...rest: A): R =>
    useCase(deps(), ...rest);

export const realtime = {
  connect: bound(sessions.connect),
  greet: bound(sessions.greet),
  login: bound(sessions.login),
  refresh: bound(sessions.refresh),
  logout: bound(sessions.logout),
  disconnect: bound(sessions.disconnect),
  heartbeat: bound(sessions.heartbeat),
  deliver: bound(sessions.deliver),
  connection: (id: string) => connectionStore.get(id),
};
