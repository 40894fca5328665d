import middy from '@middy/core';
import { authenticate } from '../http/auth.ts';
import { cors } from '../http/cors.ts';
import { errorMapper } from '../http/errors.ts';
import { requestLog } from '../http/log.ts';
import { router } from '../http/router.ts';
import type { ApiEvent, ApiResult } from '../http/types.ts';
import { clientRoutes } from './client-routes.ts';

/**
 * The client Lambda: the same middleware as the API Lambda (request log, CORS, auth, Vonage errors) in
 * front of the paths the Vonage Client SDKs and the 2017 API call.
 */
export const handler = middy<ApiEvent, ApiResult>()
  .use(requestLog())
  .use(cors())
  .use(authenticate())
  .use(errorMapper())
  .handler(router(clientRoutes));
