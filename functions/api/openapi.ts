/** `GET /v1/openapi.json`: the OpenAPI document of the REST API and the voice webhooks, no token needed. */

import { type DocumentedRoute, openApiDocument } from '../http/openapi.ts';
import { route } from '../http/route.ts';
import { errorResponse } from './responses.ts';

const INFO = {
  title: 'Parley',
  version: '1',
  description:
    'A self-hosted Conversation API, wire-compatible with the Vonage Conversation API v1, and the telephony webhooks of its call forwarding (`voice` tag).',
  errorSchema: errorResponse,
};

/** The handler serving the document of `routes()` (read on first request, so a table may list this route). */
export const serveOpenApi = (routes: () => readonly DocumentedRoute[]) => {
  let document: string | undefined;
  return route({}, async () => {
    document ??= JSON.stringify(openApiDocument(routes(), INFO));
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: document };
  });
};
