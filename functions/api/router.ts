import middy from '@middy/core';
import httpRouterHandler from '@middy/http-router';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { notFound, requestError } from '../domain/errors.ts';
import { authenticate } from '../http/auth.ts';
import { errorMapper } from '../http/errors.ts';
import { requestLog } from '../http/log.ts';
import type { ApiEvent, ApiResult } from '../http/types.ts';
import { routes } from './routes.ts';

const patterns = routes.map((r) => ({
  method: r.method,
  re: new RegExp(`^${r.path.replace(/\{[^/]+\}/g, '[^/]+')}/?$`),
}));

/** A path that exists under another method is a 405; anything else a 404. */
const notFoundResponse = ({ method, path }: { method: string; path: string }): never => {
  const allowed = patterns.filter((p) => p.re.test(path)).map((p) => p.method);
  if (allowed.length > 0)
    throw requestError.methodNotAllowed(
      `Request method not supported: ${method} ${path} accepts ${[...new Set(allowed)].join(', ')}.`,
    );
  throw notFound.route();
};

/**
 * The API Lambda: request log, auth, then the router; the error mapper is registered last so that it
 * turns anything thrown into the Vonage error body before the log line is written.
 */
export const handler = middy<ApiEvent, ApiResult>()
  .use(requestLog())
  .use(authenticate())
  .use(errorMapper())
  .handler(
    httpRouterHandler<APIGatewayProxyEventV2, ApiResult>({
      routes: routes as never,
      notFoundResponse,
    }) as never,
  );
