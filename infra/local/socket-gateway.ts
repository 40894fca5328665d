/**
 * The local stand-in for API Gateway's WebSocket API, on the dev server's own port: a WebSocket upgrade on
 * a socket path becomes a `$connect` event, each text frame a `$default` event (its route response sent
 * back), the close a `$disconnect` event, all for the socket Lambda's own handler export. Beside it, the
 * two AWS APIs the handlers call: the Management API (`POST`/`DELETE /@connections/{id}`, which refuses a
 * connection whose `$connect` has not completed with 410, as API Gateway does) and Lambda's asynchronous
 * Invoke, which runs the named handler after answering 202. Only loopback callers reach those two.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Context } from 'aws-lambda';
import { type WebSocket, WebSocketServer } from 'ws';
import { lambdaContext } from './dev-server.ts';

export type SocketLambda = (
  // biome-ignore lint/suspicious/noExplicitAny: the socket handler has its own event type
  event: any,
  context: Context,
) => Promise<{ statusCode: number; body?: string } | undefined>;

export interface SocketMount {
  /** Paths the gateway upgrades (a trailing `/` allowed). */
  paths: readonly string[];
  /** The function name the handlers invoke this Lambda by (SOCKET_FUNCTION_NAME). */
  functionName: string;
  handler: SocketLambda;
  /** How often the schedule runs the heartbeat (ms); none when 0. */
  heartbeatMs: number;
}

/** Where the emulated Management API and Lambda Invoke live on the dev server. */
export const MANAGEMENT_PATH = '/@aws/execute-api';
export const LAMBDA_PATH = '/@aws/lambda';

const isLoopback = (address: string | undefined) =>
  address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';

const readAll = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((res, rej) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => res(Buffer.concat(chunks)));
    req.on('error', rej);
  });

/** Keeps `promise` in `running` until it settles; answers it. */
const tracked = <T>(running: Set<Promise<unknown>>, promise: Promise<T>): Promise<T> => {
  const done = () => running.delete(promise);
  running.add(promise);
  promise.then(done, done);
  return promise;
};

/** An API Gateway connection id: 16 characters of base64 ending in `=`, as the real ones look. */
const newConnectionId = () => `${randomBytes(11).toString('base64').slice(0, 15)}=`;

export class LocalSocketGateway {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 128 * 1024 });
  /** Open sockets by connection id; `live` once `$connect` answered 200. */
  private readonly sockets = new Map<string, { ws: WebSocket; live: boolean }>();
  private heartbeat: NodeJS.Timeout | undefined;
  /** Handler invocations under way. */
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly mount: SocketMount) {
    if (mount.heartbeatMs > 0) {
      this.heartbeat = setInterval(() => {
        void this.invoke({ source: 'aws.events', 'detail-type': 'Scheduled Event' });
      }, mount.heartbeatMs);
      this.heartbeat.unref();
    }
  }

  /** Whether a path is one of the socket paths. */
  serves(path: string): boolean {
    return this.mount.paths.some((p) => path === p || path === `${p}/`);
  }

  private invoke(event: unknown): Promise<{ statusCode: number; body?: string } | undefined> {
    const run = this.mount
      .handler(event, lambdaContext(randomUUID(), this.mount.functionName))
      .catch((error) => {
        console.error('parley: socket handler failed', error);
        return { statusCode: 500 };
      });
    return tracked(this.running, run);
  }

  /** Resolves once no handler invocation is under way (a `$disconnect` after a socket closed, among them). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private event(routeKey: string, connectionId: string, extra: Record<string, unknown> = {}) {
    const now = new Date();
    return {
      requestContext: {
        routeKey,
        eventType:
          routeKey === '$connect' ? 'CONNECT' : routeKey === '$disconnect' ? 'DISCONNECT' : 'MESSAGE',
        connectionId,
        requestId: randomUUID(),
        apiId: 'local',
        stage: '$default',
        domainName: 'localhost',
        requestTimeEpoch: now.getTime(),
        connectedAt: now.getTime(),
      },
      isBase64Encoded: false,
      ...extra,
    };
  }

  /** A WebSocket upgrade: `$connect` decides; a refusal answers the upgrade with its status. */
  async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const connectionId = newConnectionId();
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = v;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    this.wss.handleUpgrade(req, socket, head, async (ws) => {
      this.sockets.set(connectionId, { ws, live: false });
      // The frames still being handled: `$disconnect` comes after them.
      const frames = new Set<Promise<unknown>>();
      ws.on('message', (data, isBinary) => {
        const body = isBinary ? Buffer.from(data as Buffer).toString('base64') : data.toString();
        tracked(frames, this.onMessage(connectionId, body, isBinary));
      });
      ws.on('close', () => {
        this.sockets.delete(connectionId);
        void Promise.allSettled([...frames]).then(() => this.invoke(this.event('$disconnect', connectionId)));
      });
      const result = await this.invoke(
        this.event('$connect', connectionId, {
          headers,
          queryStringParameters: Object.keys(query).length > 0 ? query : undefined,
        }),
      );
      const entry = this.sockets.get(connectionId);
      if (!entry) return;
      if (result?.statusCode !== 200) {
        // API Gateway refuses the upgrade; a socket already accepted here closes at once instead.
        this.sockets.delete(connectionId);
        ws.close(1008, `connect refused (${result?.statusCode ?? 500})`);
        return;
      }
      entry.live = true;
    });
  }

  private async onMessage(connectionId: string, body: string, isBinary: boolean) {
    const result = await this.invoke(
      this.event('$default', connectionId, { body, isBase64Encoded: isBinary }),
    );
    const entry = this.sockets.get(connectionId);
    if (entry && result?.body !== undefined && result.body !== '') entry.ws.send(result.body);
  }

  /**
   * Serves the Management API and Lambda Invoke emulations; false for any other request. Only loopback
   * callers are answered: these post into anyone's socket.
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const path = (req.url ?? '/').split('?')[0];
    if (!path.startsWith(MANAGEMENT_PATH) && !path.startsWith(LAMBDA_PATH)) return false;
    if (!isLoopback(req.socket.remoteAddress)) {
      res.writeHead(403).end();
      return true;
    }
    void this.serveAws(req, res, path);
    return true;
  }

  private async serveAws(req: IncomingMessage, res: ServerResponse, path: string) {
    const body = await readAll(req);
    const connection = /^\/@connections\/([^/]+)$/.exec(path.slice(MANAGEMENT_PATH.length));
    if (path.startsWith(MANAGEMENT_PATH) && connection) {
      const entry = this.sockets.get(decodeURIComponent(connection[1]));
      if (!entry?.live) {
        res.writeHead(410, { 'content-type': 'application/json' }).end('{"message":"Gone"}');
        return;
      }
      if (req.method === 'DELETE') entry.ws.close(1000);
      else entry.ws.send(body.toString('utf8'));
      res.writeHead(req.method === 'DELETE' ? 204 : 200).end();
      return;
    }
    const invoke = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(path.slice(LAMBDA_PATH.length));
    if (path.startsWith(LAMBDA_PATH) && invoke && decodeURIComponent(invoke[1]) === this.mount.functionName) {
      res.writeHead(202).end();
      setImmediate(() => void this.invoke(JSON.parse(body.toString('utf8') || '{}')));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
  }

  /** Drops every socket without a close handshake, as a network failure or the 2-hour limit would. */
  dropAll(): void {
    for (const { ws } of this.sockets.values()) ws.terminate();
  }

  get size(): number {
    return this.sockets.size;
  }

  close(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const { ws } of this.sockets.values()) ws.terminate();
    this.wss.close();
  }
}
