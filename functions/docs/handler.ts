/**
 * The docs Lambda behind `GET /v1/openapi.json`: the OpenAPI 3.1 document of the REST API, the voice
 * webhooks, the Twilio surface and the webhook admin surface, served without a token. It reads the route tables' paths and request schemas and the docs
 * next to them, never the handlers (nor the store behind them); the document is built once per process.
 */
import middy from '@middy/core';
import { aliases } from '../api/aliases.ts';
import { type ApiRouteKey, contracts } from '../api/contracts.ts';
import { documentResponse, errorResponse } from '../api/responses.ts';
import { aliasRouteDocs, apiRouteDocs } from '../api/route-docs.ts';
import { cors } from '../http/cors.ts';
import { errorMapper } from '../http/errors.ts';
import { requestLog } from '../http/log.ts';
import { type DocumentedRoute, openApiDocument, type RouteDocs } from '../http/openapi.ts';
import { route } from '../http/route.ts';
import { type RouteDef, type RouteKey, routeOfKey, router } from '../http/router.ts';
import type { ApiEvent, ApiResult } from '../http/types.ts';
import { type TwilioRouteKey, twilioContracts } from '../twilio/contracts.ts';
import { twilioErrorResponse, twilioRouteDocs, twilioSecurityScheme } from '../twilio/route-docs.ts';
import { voiceRouteDocs } from '../voice/route-docs.ts';
import { voiceRouteKey, voiceRoutes } from '../voice/routes.ts';
import { webhookRouteDocs } from '../webhooks/route-docs.ts';
import { type WebhookRouteKey, webhookContracts } from '../webhooks/routes.ts';

const INFO = {
  title: 'Parley',
  version: '1',
  description:
    'A self-hosted Conversation API, wire-compatible with the Vonage Conversation API v1, the telephony webhooks of its call forwarding (`voice` tag), and Twilio Conversations v1 REST over the same data (`twilio` tag, under `/twilio`).',
  errorSchema: errorResponse,
  schemas: { TwilioError: twilioErrorResponse },
  securitySchemes: { twilioBasic: twilioSecurityScheme },
};

const OPENAPI_PATH = '/v1/openapi.json';

/** This Lambda's own route, as documented. */
export const docsRouteDocs: RouteDocs = {
  [`GET ${OPENAPI_PATH}`]: {
    summary: 'This API as an OpenAPI 3.1 document (no token needed)',
    response: { status: 200, description: 'The OpenAPI document.', schema: documentResponse },
    public: true,
  },
};

const documented = (key: RouteKey, docs: RouteDocs, contract = {}): DocumentedRoute => {
  const doc = docs[key];
  if (!doc) throw new Error(`route ${key} is not documented`);
  return { ...routeOfKey(key), ...doc, contract };
};

/** Every route of the HTTP Lambdas, as the document shows them. */
export const documentedRoutes = (): DocumentedRoute[] => {
  const aliasDocs = aliasRouteDocs();
  return [
    ...(Object.keys(contracts) as ApiRouteKey[]).map((key) => documented(key, apiRouteDocs, contracts[key])),
    ...(Object.keys(aliases) as RouteKey[]).map((key) =>
      documented(key, aliasDocs, contracts[aliases[key].of]),
    ),
    ...voiceRoutes.map((r) => documented(voiceRouteKey(r), voiceRouteDocs)),
    ...(Object.keys(twilioContracts) as TwilioRouteKey[]).map((key) =>
      documented(key, twilioRouteDocs, twilioContracts[key]),
    ),
    ...(Object.keys(webhookContracts) as WebhookRouteKey[]).map((key) =>
      documented(key, webhookRouteDocs, webhookContracts[key]),
    ),
    ...(Object.keys(docsRouteDocs) as RouteKey[]).map((key) => documented(key, docsRouteDocs)),
  ];
};

let document: string | undefined;

export const routes: RouteDef[] = [
  {
    method: 'GET',
    path: OPENAPI_PATH,
    handler: route({}, async () => {
      document ??= JSON.stringify(openApiDocument(documentedRoutes(), INFO));
      return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: document };
    }),
  },
];

/** Request log, then the router; the error mapper turns anything thrown into the Vonage error body. */
export const handler = middy<ApiEvent, ApiResult>()
  .use(requestLog())
  .use(cors())
  .use(errorMapper())
  .handler(router(routes));
