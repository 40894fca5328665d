import type { AddressInfo } from 'node:net';
import { config, resetConfig } from '../../functions/config.ts';
import { createDevServer } from '../../infra/local/dev-server.ts';
import {
  mounts,
  pokingMounts,
  pokingSocket,
  SOCKET_FUNCTION_NAME,
  socketMount,
  streamHandler,
} from '../../infra/local/mounts.ts';
import { LAMBDA_PATH, LocalSocketGateway, MANAGEMENT_PATH } from '../../infra/local/socket-gateway.ts';
import { type StreamTail, startStreamTail } from '../../infra/local/stream-tail.ts';

export interface TestServer {
  /** e.g. `http://127.0.0.1:41234`, to give an SDK as its `apiHost`. */
  baseUrl: string;
  /** The WebSocket gateway on the same port (with `sockets`): drops every socket as a network failure would. */
  dropSockets(): void;
  /** How many sockets the gateway holds open. */
  openSockets(): number;
  /** Resolves once the socket handlers have nothing under way (the disconnects of closed sockets too). */
  socketsIdle(): Promise<void>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Also tail the table's stream into the fan-out handler, as `npm start` does (off by default). */
  stream?: boolean;
  /** Also serve the Client SDK socket (`/v2/rtc`, `/rtc`) and the AWS APIs its handlers call. */
  sockets?: boolean;
  /** The heartbeat schedule of the socket gateway, in ms (0: none). */
  heartbeatMs?: number;
}

/** Starts the dev server (the same handlers as Lambda) on a free loopback port. */
export const startTestServer = async (options: TestServerOptions = {}): Promise<TestServer> => {
  // As `npm start` does: each handler pokes the stream tail (once there is one) when it returns.
  let tail: StreamTail | undefined;
  const poke = () => tail?.poke();
  const gateway = options.sockets
    ? new LocalSocketGateway(pokingSocket(socketMount(options.heartbeatMs ?? 0), poke))
    : undefined;
  const server = createDevServer(pokingMounts(mounts(), poke), gateway);
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  if (gateway) {
    process.env.WEBSOCKET_MANAGEMENT_URL = `${baseUrl}${MANAGEMENT_PATH}`;
    process.env.LAMBDA_ENDPOINT = `${baseUrl}${LAMBDA_PATH}`;
    process.env.SOCKET_FUNCTION_NAME = SOCKET_FUNCTION_NAME;
    // What the handlers sign their calls to the emulated AWS APIs with (they check no signature).
    process.env.AWS_ACCESS_KEY_ID ??= 'local';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
    resetConfig();
  }
  const { dynamodbEndpoint, tableName } = config();
  tail = options.stream
    ? await startStreamTail(streamHandler(), { endpoint: dynamodbEndpoint ?? '', tableName })
    : undefined;
  return {
    baseUrl,
    dropSockets: () => gateway?.dropAll(),
    openSockets: () => gateway?.size ?? 0,
    socketsIdle: async () => gateway?.idle(),
    close: async () => {
      await tail?.stop();
      gateway?.close();
      await new Promise<void>((res) => {
        server.closeAllConnections();
        server.close(() => res());
      });
    },
  };
};
