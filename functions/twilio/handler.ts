/**
 * The Twilio Lambda behind `ANY /twilio/{proxy+}`: Twilio Conversations v1 REST over the same use-cases as
 * the Vonage API. Request log, basic auth (Twilio's account or API key credentials), the router; the error
 * mapper, registered last, answers everything thrown in Twilio's error shape.
 */
import middy from '@middy/core';
import { requestLog } from '../http/log.ts';
import { router } from '../http/router.ts';
import type { ApiEvent, ApiResult } from '../http/types.ts';
import { twilioAuth } from './auth.ts';
import { twilioErrorMapper } from './errors.ts';
import { twilioRoutes } from './routes.ts';

export const handler = middy<ApiEvent, ApiResult>()
  .use(requestLog())
  .use(twilioAuth())
  .use(twilioErrorMapper())
  .handler(router(twilioRoutes));
