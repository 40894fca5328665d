/**
 * What both composition roots (functions/parley.ts, functions/parley-voice.ts) bind their use-cases with:
 * the ports they are given, the settings from the environment, the clock. No store import here: each root
 * passes the ports its Lambdas use, so a bundle carries only those.
 */
import { config } from './config.ts';
import type { CallStore } from './domain/calls.ts';
import { nowIso } from './domain/ids.ts';
import type { Deps, LegPorts, NumberPorts, Ports } from './domain/ports.ts';

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

const notWired = (what: string, where: string, root: string) => async (): Promise<never> => {
  throw new Error(`${what} is not wired into ${where}: it is ${root}`);
};

/** A call store for a root whose use-cases record no call, so that its bundle carries none. */
export const noCallStore = (where: string): CallStore => {
  const fail = notWired('the call store', where, 'functions/parley-voice.ts');
  return {
    findRouteAndLeg: fail,
    getLeg: fail,
    createCall: fail,
    loadCall: fail,
    commitLegChange: fail,
    openLegsStartedBefore: fail,
  };
};

/** Leg reads for a root whose use-cases read no leg (the calls Lambda's root reads them). */
export const noLegPorts = (where: string): LegPorts => {
  const fail = notWired('the leg store', where, 'functions/parley-calls.ts');
  return { get: fail, listOfConversation: fail };
};

/** Number routes for a root whose use-cases keep none (the calls Lambda's root keeps them). */
export const noNumberPorts = (where: string): NumberPorts => {
  const fail = notWired('the number-route store', where, 'functions/parley-calls.ts');
  return { get: fail, put: fail, remove: fail, list: fail };
};
