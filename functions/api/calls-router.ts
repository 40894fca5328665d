import middy from '@middy/core';
import { authenticate } from '../http/auth.ts';
import { cors } from '../http/cors.ts';
import { errorMapper } from '../http/errors.ts';
import { requestLog } from '../http/log.ts';
import { router } from '../http/router.ts';
import type { ApiEvent, ApiResult } from '../http/types.ts';
import { callsRoutes } from './calls-routes.ts';

/**
 * The calls Lambda: the same middleware as the API Lambda (request log, CORS, auth, Vonage errors) in
 * front of the number routes and the legs (`/v1/numbers…`, `/v1/legs/{leg_id}`,
 * `/v1/conversations/{conversation_id}/legs`).
 */
export const handler = middy<ApiEvent, ApiResult>()
  .use(requestLog())
  .use(cors())
  .use(authenticate())
  .use(errorMapper())
  .handler(router(callsRoutes));
