/**
 * The local stand-in for API Gateway's HTTP API: turns each Node request into a payload-format 2.0 event,
 * runs the same handler export Lambda runs, and writes its result back.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';

// biome-ignore lint/suspicious/noExplicitAny: handlers are middy stacks with their own event types
export type LambdaHandler = (event: any, context: Context) => Promise<APIGatewayProxyResultV2 | undefined>;

/**
 * Which handler serves which requests, as the stack's HTTP API routes do: `prefix` takes every method on a
 * path prefix (an `ANY /…/{proxy+}` route), `route` one method (or `ANY`) on one path, a trailing `/`
 * allowed (a specific route such as `GET /v1/openapi.json`); a `{name}` segment of its path stands for any
 * one segment, as in `GET /v1/conversations/{conversation_id}/legs`. The first mount that matches wins, so
 * a route goes before the prefix it lies under.
 */
export type Mount =
  | { prefix: string; handler: LambdaHandler }
  | { route: { method: string; path: string }; handler: LambdaHandler };

const PARAMETER = /^\{[^/{}]+\}$/;

/** Whether `path` is `pattern`, each `{name}` segment of which takes one non-empty segment. */
const pathMatches = (pattern: string, path: string): boolean => {
  const want = pattern.split('/');
  const got = path.split('/');
  return (
    want.length === got.length && want.every((w, i) => w === got[i] || (PARAMETER.test(w) && got[i] !== ''))
  );
};

/** Whether a mount serves this method on this path. */
export const mountMatches = (mount: Mount, method: string, path: string): boolean => {
  if ('prefix' in mount) return path === mount.prefix || path.startsWith(mount.prefix);
  const { route } = mount;
  const wanted = route.method.toUpperCase();
  return (
    (wanted === 'ANY' || method.toUpperCase() === wanted) &&
    (pathMatches(route.path, path) || pathMatches(route.path, path.replace(/\/$/, '')))
  );
};

const TEXT_TYPES =
  /^(text\/|application\/(json|[\w.+-]+\+json|x-www-form-urlencoded|xml|[\w.+-]+\+xml|javascript))/i;

export interface RawRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  sourceIp?: string;
}

/** HTTP API decodes the path it hands Lambda; a malformed escape is kept as it came. */
const decodePath = (path: string): string => {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
};

/** Builds the HTTP API v2 event of one request, as API Gateway's `$default` stage does. */
export const toEventV2 = (req: RawRequest, now = new Date()): APIGatewayProxyEventV2 => {
  const url = new URL(req.url, 'http://localhost');
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    if (key === 'cookie') {
      cookies = (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(/;\s*/)).filter(Boolean);
      continue;
    }
    headers[key] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const contentType = headers['content-type'] ?? '';
  const isText = req.body.length === 0 || TEXT_TYPES.test(contentType);
  const host = headers.host ?? 'localhost';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: decodePath(url.pathname),
    rawQueryString: url.search.slice(1),
    ...(cookies ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: host,
      domainPrefix: host.split('.')[0],
      http: {
        method: req.method.toUpperCase(),
        path: decodePath(url.pathname),
        protocol: 'HTTP/1.1',
        sourceIp: req.sourceIp ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(req.body.length > 0
      ? { body: isText ? req.body.toString('utf8') : req.body.toString('base64'), isBase64Encoded: !isText }
      : { isBase64Encoded: false }),
  };
};

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/** Turns a Lambda result into an HTTP response the way HTTP API payload format 2.0 does. */
export const fromResultV2 = (result: APIGatewayProxyResultV2 | undefined): RawResponse => {
  if (result === undefined || result === null) return { status: 200, headers: {}, body: Buffer.alloc(0) };
  if (typeof result === 'string' || typeof result !== 'object' || !('statusCode' in result)) {
    // HTTP API infers a 200 JSON response from a result without a status code.
    const body = typeof result === 'string' ? result : JSON.stringify(result);
    return { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(body) };
  }
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k.toLowerCase()] = String(v);
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  const body =
    result.body === undefined
      ? Buffer.alloc(0)
      : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  return { status: result.statusCode ?? 200, headers, body };
};

export const lambdaContext = (requestId: string, functionName: string): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
  memoryLimitInMB: '1024',
  awsRequestId: requestId,
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: 'local',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

/**
 * Reads a request body up to `limit` bytes. Past the limit it keeps draining without keeping the bytes, so
 * the client finishes sending and can read the 413 (destroying the socket would leave it a reset instead).
 */
const readBody = (req: IncomingMessage, limit: number): Promise<Buffer> =>
  new Promise((res, rej) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () =>
      size > limit
        ? rej(Object.assign(new Error('payload too large'), { tooLarge: true }))
        : res(Buffer.concat(chunks)),
    );
    req.on('error', rej);
  });

/** API Gateway's own limit on a request body. */
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

/** Runs one request through the mounted handlers (used by the server and by tests without a socket). */
export const dispatch = async (mounts: Mount[], request: RawRequest): Promise<RawResponse> => {
  const event = toEventV2(request);
  const mount = mounts.find((m) => mountMatches(m, event.requestContext.http.method, event.rawPath));
  if (!mount) {
    return {
      status: 404,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify({ message: 'Not Found' })),
    };
  }
  const result = await mount.handler(event, lambdaContext(event.requestContext.requestId, 'parley-local'));
  return fromResultV2(result);
};

/** What serves the WebSocket side on the same port (infra/local/socket-gateway.ts). */
export interface SocketSide {
  serves(path: string): boolean;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void>;
  /** Answers the AWS APIs it emulates; false for any other request. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
}

export const createDevServer = (mounts: Mount[], sockets?: SocketSide): Server => {
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    if (sockets?.handle(req, res)) return;
    try {
      const body = await readBody(req, MAX_REQUEST_BYTES);
      const out = await dispatch(mounts, {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body,
        sourceIp: req.socket.remoteAddress,
      });
      res.writeHead(out.status, { ...out.headers, 'content-length': String(out.body.length) });
      res.end(out.body);
    } catch (error) {
      const tooLarge = (error as { tooLarge?: boolean }).tooLarge;
      res.writeHead(tooLarge ? 413 : 500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: tooLarge ? 'Request Entity Too Large' : 'Internal Server Error' }));
    }
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '/').split('?')[0];
    if (sockets?.serves(path)) {
      void sockets.upgrade(req, socket, head);
      return;
    }
    socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
  });
  return server;
};
