/**
 * The paths older than `/v1` that the Vonage Client SDKs and the 2017 API use (`/beta`, `/beta2`, `/v0.1`,
 * `/v0.2`, `/v0.3`): served by the client Lambda, apart from the API Lambda, so that the server API's
 * bundle carries none of their reshaping. Each alias runs a `/v1` endpoint's own handler.
 */
import type { RouteHandler } from '../http/route.ts';
import type { RouteDef, RouteKey } from '../http/router.ts';
import { aliasOf } from './alias.ts';
import { aliases } from './aliases.ts';
import { callsHandlers } from './calls-routes.ts';
import type { ApiRouteKey } from './contracts.ts';
import * as events from './events.ts';
import * as legacy from './legacy.ts';
import { routesOf, type V1RouteKey, v1Handlers } from './routes.ts';

/** Every `/v1` endpoint's handler, the calls Lambda's included: what the aliases run. */
const allV1Handlers: Record<V1RouteKey, RouteHandler> = { ...v1Handlers, ...callsHandlers };

import * as sessions from './sessions.ts';

/** The endpoints of `contracts.ts` that are not `/v1`: the 2017 views and the client SDKs' own calls. */
const clientHandlers: Record<Exclude<ApiRouteKey, V1RouteKey>, RouteHandler> = {
  'GET /beta/conversations': legacy.listBeta,
  'GET /v0.1/conversations': legacy.listV01,
  'GET /beta/conversations/{conversation_id}': legacy.getBeta,
  'GET /v0.1/conversations/{conversation_id}': legacy.getV01,
  // nexmo-client's legacy events (its `cid`, `originating_session` dropped), sessions, in-app media
  'POST /beta/conversations/{conversation_id}/events': aliasOf(events.createLegacy),
  'PUT /v0.2/sessions/{session_id}': sessions.refresh,
  'GET /v0.3/users/{user_id}/sessions': sessions.ofUser,
  'POST /beta/conversations/{conversation_id}/rtc': sessions.noMedia,
  'POST /v0.3/legs': sessions.noMedia,
};

/** Every path the client Lambda serves: its own endpoints, then every alias of a `/v1` one. */
export const clientRoutes: RouteDef[] = [
  ...routesOf(clientHandlers),
  ...routesOf(
    Object.fromEntries(
      Object.entries(aliases).map(([key, a]) => [
        key as RouteKey,
        aliasOf(allV1Handlers[a.of as V1RouteKey], a.reply, a.request),
      ]),
    ),
  ),
];
