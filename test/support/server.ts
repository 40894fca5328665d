import type { AddressInfo } from 'node:net';
import { config } from '../../functions/config.ts';
import { createDevServer } from '../../infra/local/dev-server.ts';
import { mounts, streamHandler } from '../../infra/local/mounts.ts';
import { startStreamTail } from '../../infra/local/stream-tail.ts';

export interface TestServer {
  /** e.g. `http://127.0.0.1:41234`, to give an SDK as its `apiHost`. */
  baseUrl: string;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Also tail the table's stream into the fan-out handler, as `npm start` does (off by default). */
  stream?: boolean;
}

/** Starts the dev server (the same handlers as Lambda) on a free loopback port. */
export const startTestServer = async (options: TestServerOptions = {}): Promise<TestServer> => {
  const server = createDevServer(mounts());
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const { port } = server.address() as AddressInfo;
  const { dynamodbEndpoint, tableName } = config();
  const tail = options.stream
    ? await startStreamTail(streamHandler(), { endpoint: dynamodbEndpoint ?? '', tableName })
    : undefined;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: async () => {
      await tail?.stop();
      await new Promise<void>((res) => {
        server.closeAllConnections();
        server.close(() => res());
      });
    },
  };
};
