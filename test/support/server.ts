import type { AddressInfo } from 'node:net';
import { createDevServer } from '../../infra/local/dev-server.ts';
import { mounts } from '../../infra/local/mounts.ts';

export interface TestServer {
  /** e.g. `http://127.0.0.1:41234`, to give an SDK as its `apiHost`. */
  baseUrl: string;
  close(): Promise<void>;
}

/** Starts the dev server (the same handlers as Lambda) on a free loopback port. */
export const startTestServer = async (): Promise<TestServer> => {
  const server = createDevServer(mounts());
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((res) => {
        server.closeAllConnections();
        server.close(() => res());
      }),
  };
};
