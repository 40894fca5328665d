import type { MiddlewareObj } from '@middy/core';
import { config } from '../config.ts';
import type { ApiEvent, ApiResult } from './types.ts';

/**
 * CORS for browsers running the Client SDKs: every response carries `Access-Control-Allow-Origin` for an
 * origin `CORS_ORIGINS` allows (`*`, or the request's origin when it is listed), and a preflight
 * (`OPTIONS`, any path) is answered 204 before auth, which a preflight never carries.
 */
export const cors = (): MiddlewareObj<ApiEvent, ApiResult> => {
  const headersOf = (event: ApiEvent): Record<string, string> => {
    const allowed = config().corsOrigins;
    const origin = event.headers?.origin;
    const base = { 'access-control-expose-headers': 'retry-after' };
    if (allowed.includes('*')) return { ...base, 'access-control-allow-origin': '*' };
    return origin && allowed.includes(origin)
      ? { ...base, 'access-control-allow-origin': origin, vary: 'origin' }
      : { vary: 'origin' };
  };
  const add = (request: { event: ApiEvent; response?: ApiResult | null }) => {
    if (request.response)
      request.response.headers = { ...request.response.headers, ...headersOf(request.event) };
  };
  return {
    name: 'cors',
    before: (request) => {
      if (request.event.requestContext.http.method !== 'OPTIONS') return;
      return {
        statusCode: 204,
        headers: {
          ...headersOf(request.event),
          'access-control-allow-methods': 'GET,POST,PUT,PATCH,DELETE,OPTIONS',
          'access-control-allow-headers': 'authorization,content-type',
          'access-control-max-age': '86400',
        },
      };
    },
    after: add,
    onError: add,
  };
};
