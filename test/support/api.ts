import { dispatch, type Mount } from '../../infra/local/dev-server.ts';
import { mounts } from '../../infra/local/mounts.ts';
import { adminToken } from './tokens.ts';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are JSON of any shape
export interface ApiResponse<T = any> {
  status: number;
  headers: Record<string, string | string[]>;
  body: T;
  text: string;
}

export interface CallOptions {
  body?: unknown;
  /** A token to send; `null` sends none. Default: a fresh admin token. */
  token?: string | null;
  headers?: Record<string, string>;
  /** A raw body, sent as it is. */
  raw?: string | Buffer;
}

let handlers: Mount[] | undefined;

/**
 * Calls the API the way a client does: through the dev server's request → HTTP API v2 event translation
 * into the very handler exports Lambda runs (no socket).
 */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are JSON of any shape
export const call = async <T = any>(
  method: string,
  url: string,
  options: CallOptions = {},
): Promise<ApiResponse<T>> => {
  handlers ??= mounts();
  const token = options.token === undefined ? await adminToken() : options.token;
  const headers: Record<string, string> = { host: 'parley.test', ...options.headers };
  if (token) headers.authorization = `Bearer ${token}`;
  let body = Buffer.alloc(0);
  if (options.raw !== undefined) body = Buffer.from(options.raw);
  else if (options.body !== undefined) {
    body = Buffer.from(JSON.stringify(options.body));
    headers['content-type'] ??= 'application/json';
  }
  const out = await dispatch(handlers, { method, url, headers, body });
  const text = out.body.toString('utf8');
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: out.status, headers: out.headers, body: parsed as T, text };
};
