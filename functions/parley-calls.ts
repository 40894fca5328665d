/**
 * The number-route and leg use-cases of the REST API bound to their ports: what the calls Lambda calls
 * (`GET/PUT/DELETE /v1/numbers…`, `GET /v1/legs/{leg_id}`, `GET /v1/conversations/{id}/legs`). A root of its
 * own next to functions/parley.ts, so that the API Lambda's bundle carries neither these use-cases nor
 * their repositories.
 */
import * as legs from './domain/use-cases/legs.ts';
import * as numbers from './domain/use-cases/numbers.ts';
import { callPorts } from './store/ports.ts';
import { bind, depsOver, noCallStore } from './wiring.ts';

// Reading a leg records nothing: the call store stays with the voice Lambdas (functions/parley-voice.ts).
const deps = depsOver({ ...callPorts(), calls: noCallStore('the calls Lambda') });

export const parleyCalls = {
  legs: { get: bind(legs.getLeg, deps), list: bind(legs.listLegs, deps) },
  numbers: {
    put: bind(numbers.putNumberRoute, deps),
    get: bind(numbers.getNumberRoute, deps),
    remove: bind(numbers.deleteNumberRoute, deps),
    list: bind(numbers.listNumberRoutes, deps),
  },
};
