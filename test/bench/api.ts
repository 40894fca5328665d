/**
 * Calls the real handler exports in-process, the way API Gateway would: a payload-format 2.0 event built by
 * the dev server's own translation, given to the mounted Lambda handler. No socket, no HTTP.
 */
import { randomUUID } from 'node:crypto';
import {
  fromResultV2,
  lambdaContext,
  type Mount,
  mountMatches,
  toEventV2,
} from '../../infra/local/dev-server.ts';

export interface BenchResponse {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are JSON of any shape
  body: any;
}

export interface RequestSpec {
  method: string;
  url: string;
  token?: string;
  body?: unknown;
}

/** A request answered "no such endpoint": the code that serves it is not there (yet). */
export class EndpointMissingError extends Error {
  override readonly name = 'EndpointMissingError';
}

/** The request went through but was refused or failed: the benchmark cannot measure it. */
export class UnexpectedResponseError extends Error {
  override readonly name = 'UnexpectedResponseError';
  constructor(
    readonly spec: RequestSpec,
    readonly response: BenchResponse,
  ) {
    super(
      `${spec.method} ${spec.url} answered ${response.status} ${JSON.stringify(response.body)?.slice(0, 300)}`,
    );
  }
}

export const isMissing = (r: BenchResponse): boolean =>
  (r.status === 404 && r.body?.code === 'http:error:not-found') ||
  (r.status === 405 && r.body?.code === 'http:error:method-not-allowed') ||
  (r.status === 404 && r.body?.message === 'Not Found');

export interface Api {
  /** Runs one request and returns status and parsed body. */
  send(spec: RequestSpec): Promise<BenchResponse>;
  /** Runs one request and requires a 2xx (else throws `EndpointMissingError` / `UnexpectedResponseError`). */
  ok(spec: RequestSpec): Promise<BenchResponse>;
  /** Builds the event now and returns a function that only runs the handler (for timing). */
  prepare(spec: RequestSpec): () => Promise<BenchResponse>;
}

export const HOST = 'parley.bench';

export const createApi = (mounts: Mount[]): Api => {
  const build = (spec: RequestSpec) => {
    const headers: Record<string, string> = { host: HOST };
    if (spec.token) headers.authorization = `Bearer ${spec.token}`;
    let body = Buffer.alloc(0);
    if (spec.body !== undefined) {
      body = Buffer.from(JSON.stringify(spec.body));
      headers['content-type'] = 'application/json';
    }
    const event = toEventV2({ method: spec.method, url: spec.url, headers, body });
    const mount = mounts.find((m) => mountMatches(m, event.requestContext.http.method, event.rawPath));
    // Provider webhooks have a Lambda of their own: until it is mounted, the API's catch-all is no answer.
    if (!mount || (event.rawPath.startsWith('/voice/') && 'prefix' in mount && mount.prefix === '/'))
      throw new EndpointMissingError(`${spec.method} ${event.rawPath} is missing (no handler mounted)`);
    const context = lambdaContext(randomUUID(), 'parley-bench');
    return async (): Promise<BenchResponse> => {
      const out = fromResultV2(await mount.handler(event, context));
      const text = out.body.toString('utf8');
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON (TwiML, …): keep the text
      }
      return { status: out.status, body: parsed };
    };
  };
  const send = (spec: RequestSpec) => build(spec)();
  return {
    send,
    prepare: build,
    async ok(spec) {
      const r = await send(spec);
      if (r.status >= 200 && r.status < 300) return r;
      if (isMissing(r)) throw new EndpointMissingError(`${spec.method} ${spec.url.split('?')[0]} is missing`);
      throw new UnexpectedResponseError(spec, r);
    },
  };
};
