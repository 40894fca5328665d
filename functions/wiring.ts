/**
 * What both composition roots (functions/parley.ts, functions/parley-voice.ts) bind their use-cases with:
 * the ports they are given, the settings from the environment, the clock. No store import here: each root
 * passes the ports its Lambdas use, so a bundle carries only those.
 */
import { config } from './config.ts';
import { nowIso } from './domain/ids.ts';
import type { Deps, Ports } from './domain/ports.ts';

/** A use-case with its dependencies given: the caller passes the rest. */
export const bind =
  <A extends unknown[], R>(useCase: (deps: Deps, ...rest: A) => R, deps: () => Deps) =>
  (...rest: A): R =>
    useCase(deps(), ...rest);

/** Dependencies of this process over `ports`: the settings are read from the environment on each call. */
export const depsOver = (ports: Ports) => (): Deps => {
  const c = config();
  return {
    ports,
    settings: {
      authorization: c.authorization,
      maxMembersPerConversation: c.maxMembersPerConversation,
      maxCallSeconds: c.maxCallSeconds,
    },
    now: nowIso,
  };
};
