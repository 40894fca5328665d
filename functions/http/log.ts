import type { MiddlewareObj } from '@middy/core';
import type { ApiEvent, ApiResult } from './types.ts';

type Level = 'debug' | 'info' | 'warn' | 'error';

/** Lambda's application log levels, lowest first (TRACE and FATAL too, as Lambda may set them). */
const PRIORITY: Record<string, number> = { TRACE: 1, DEBUG: 2, INFO: 3, WARN: 4, ERROR: 5, FATAL: 6 };

/** The console method Lambda files each level under (its application log level filters by method). */
const CONSOLE: Record<Level, (line: unknown) => void> = {
  debug: (line) => console.debug(line),
  info: (line) => console.info(line),
  warn: (line) => console.warn(line),
  error: (line) => console.error(line),
};

const quiet = (): boolean => process.env.PARLEY_LOG === 'silent';

/**
 * The lowest level written: `AWS_LAMBDA_LOG_LEVEL` (Lambda sets it from the function's application log
 * level), else `LOG_LEVEL`; unset or unknown, every level.
 */
const threshold = (): number =>
  PRIORITY[(process.env.AWS_LAMBDA_LOG_LEVEL || process.env.LOG_LEVEL || '').toUpperCase()] ?? 0;

/**
 * One structured JSON line (CloudWatch keeps it as it is). Under Lambda's JSON log format the record is
 * passed as an object, so it lands as the `message` object of Lambda's own JSON line, not as an escaped
 * string. Lines below the log level are dropped; `PARLEY_LOG=silent` keeps only errors.
 */
export const log = (level: Level, message: string, fields: Record<string, unknown> = {}): void => {
  if (quiet() && level !== 'error') return;
  if (PRIORITY[level.toUpperCase()] < threshold()) return;
  const record = { level, message, timestamp: new Date().toISOString(), ...fields };
  CONSOLE[level](process.env.AWS_LAMBDA_LOG_FORMAT === 'JSON' ? record : JSON.stringify(record));
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
