import type { MiddlewareObj } from '@middy/core';
import type { ApiEvent, ApiResult } from './types.ts';

type Level = 'debug' | 'info' | 'warn' | 'error';

const quiet = (): boolean => process.env.PARLEY_LOG === 'silent';

/** One structured JSON line on stdout (CloudWatch keeps it as it is). */
export const log = (level: Level, message: string, fields: Record<string, unknown> = {}): void => {
  if (quiet() && level !== 'error') return;
  const line = JSON.stringify({ level, message, timestamp: new Date().toISOString(), ...fields });
  if (level === 'error') console.error(line);
  else console.log(line);
};

/**
 * Logs one line per request: request id, method, path, status, duration and the conversation id when the
 * path names one. Never the token, never the body.
 */
export const requestLog = (): MiddlewareObj<ApiEvent, ApiResult> => {
  const started = new WeakMap<object, number>();
  const done = (request: { event: ApiEvent; response: ApiResult | null | undefined }) => {
    const { event } = request;
    const path = event.requestContext?.http?.path ?? event.rawPath;
    log('info', 'request', {
      requestId: event.requestContext?.requestId,
      method: event.requestContext?.http?.method,
      path,
      status: request.response?.statusCode,
      durationMs: Date.now() - (started.get(event) ?? Date.now()),
      conversationId: /\/(CON-[0-9a-f-]{36})/.exec(path ?? '')?.[1],
    });
  };
  return {
    name: 'request-log',
    before: (request) => {
      started.set(request.event, Date.now());
    },
    after: done,
    onError: done,
  };
};
