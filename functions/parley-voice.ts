/**
 * The call use-cases bound to their ports: what the voice webhooks and the call sweeper call. The second
 * composition root next to functions/parley.ts (the REST surface), so that neither Lambda bundles the
 * other's use-cases; surfaces import these two and never the store.
 */
import * as calls from './domain/use-cases/calls.ts';
import { dynamoPorts } from './store/ports.ts';
import { bind, depsOver } from './wiring.ts';

const deps = depsOver(dynamoPorts());

export const parleyVoice = {
  calls: {
    answer: bind(calls.answerInboundCall, deps),
    status: bind(calls.recordCallStatus, deps),
    sweep: bind(calls.sweepOpenLegs, deps),
  },
};
