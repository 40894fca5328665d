/**
 * The voice side's REST endpoints, number routes and legs: served by the calls Lambda, apart from the API
 * Lambda, so that the API Lambda's bundle carries neither their use-cases nor their repositories.
 */
import type { RouteHandler } from '../http/route.ts';
import type { RouteDef } from '../http/router.ts';
import * as legs from './legs.ts';
import * as numbers from './numbers.ts';
import { type CallsRouteKey, routesOf } from './routes.ts';

const C = '/v1/conversations/{conversation_id}';
const N = '/v1/numbers';

/** The handler of every number-route and leg endpoint in `contracts.ts`, in the order the router tries them. */
export const callsHandlers: Record<CallsRouteKey, RouteHandler> = {
  [`GET ${N}`]: numbers.list,
  [`GET ${N}/{number}`]: numbers.get,
  [`PUT ${N}/{number}`]: numbers.put,
  [`DELETE ${N}/{number}`]: numbers.remove,
  'GET /v1/legs/{leg_id}': legs.get,
  [`GET ${C}/legs`]: legs.listOfConversation,
};

/** Every path the calls Lambda serves. */
export const callsRoutes: RouteDef[] = routesOf(callsHandlers);
