import middy from '@middy/core';
import { authenticate } from '../http/auth.ts';
import { cors } from '../http/cors.ts';
import { errorMapper } from '../http/errors.ts';
import { requestLog } from '../http/log.ts';
import { router } from '../http/router.ts';
import type { ApiEvent, ApiResult } from '../http/types.ts';
import { routes } from './routes.ts';

/**
 * The API Lambda: request log, auth (every route needs a token; the OpenAPI document is the docs Lambda's),
 * then the router; the error mapper is registered last so that it turns anything thrown into the Vonage
 * error body before the log line is written.
 */
export const handler = middy<ApiEvent, ApiResult>()
  .use(requestLog())
  .use(cors())
  .use(authenticate())
  .use(errorMapper())
  .handler(router(routes));
