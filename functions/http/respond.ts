import type { ApiResult } from './types.ts';

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

export const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResult => ({
  statusCode,
  headers: { ...JSON_HEADERS, ...headers },
  body: JSON.stringify(body),
});

export const noContent = (): ApiResult => ({ statusCode: 204 });
