/**
 * `npm start`: DynamoDB Local (data kept under .parley/dynamodb, or PARLEY_DATA_DIR), the table, and the dev
 * server running the same handlers as Lambda. Any way of stopping it stops both: Ctrl-C, SIGTERM or SIGHUP
 * to this process, or the end of the `npm` process that started it (a process manager or an IDE signals
 * npm alone, which exits without passing the signal on). A DynamoDB Local that an earlier start left
 * running (its server was killed outright) is stopped before a new one starts on the same data.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { mintToken } from '../../cli/token.ts';
import { loadDevApplication, loadDevTwilioAccount } from './dev-application.ts';
import {
  ensureTable,
  forgetPid,
  isAlive,
  notePid,
  portInUse,
  startDynamoDbLocal,
  stopLeftoverDynamoDbLocal,
} from './dynamodb-local.ts';

const root = join(import.meta.dirname, '..', '..');
const dataDir = resolve(process.env.PARLEY_DATA_DIR || join(root, '.parley'));

/** The dev signature secret of webhook deliveries: made on first use, kept in the data folder. */
const devSignatureSecret = (dir: string): string => {
  const path = join(dir, 'webhook-signature-secret');
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(dir, { recursive: true });
  const secret = randomBytes(24).toString('base64url');
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  return secret;
};

/** A path as short as it can be shown: relative to the working directory when it lies under it. */
const shown = (path: string): string => {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
};

/** Stops DynamoDB Local once it runs; a no-op before that and after the first call. */
let stopDynamo = async () => {};

/** One line on stderr, DynamoDB Local stopped, exit 1: a failed start leaves nothing running. */
const fail = async (message: string): Promise<never> => {
  console.error(`parley: ${message}`);
  await stopDynamo();
  process.exit(1);
};

const portFrom = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const port = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(port) || port <= 0 || port > 65535)
    throw new Error(`${name} must be a port number, got "${raw}"`);
  return port;
};

/** The parent process of a process, or undefined when it cannot be told. */
const parentOf = (pid: number): number | undefined => {
  try {
    const ppid = Number(execFileSync('ps', ['-o', 'ppid=', '-p', String(pid)], { encoding: 'utf8' }).trim());
    return Number.isInteger(ppid) && ppid > 1 ? ppid : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Calls `onGone` once the process that started this one is gone: the parent, and under `npm start` also
 * npm itself (npm runs the script through a shell, and a shell that dies does not signal its child).
 */
const watchStarter = (onGone: () => void): void => {
  const parent = process.ppid;
  const watched = [parent];
  if (process.env.npm_lifecycle_event) {
    const npm = parentOf(process.ppid);
    if (npm) watched.push(npm);
  }
  const timer = setInterval(() => {
    // An orphan is adopted by another process: its parent id changes even where ids are reused.
    if (process.ppid !== parent || watched.some((pid) => !isAlive(pid))) {
      clearInterval(timer);
      onGone();
    }
  }, 500);
  timer.unref();
};

/** The config each Client SDK takes to use this server: its socket and its REST API on this one port. */
const clientSdkSnippets = (origin: string): string =>
  [
    'Client SDKs (sessions with a user token: `npm run -s parley -- jwt:generate sub=<user name>`):',
    `  nexmo-client 9.x:       new NexmoClient({ url: '${origin}', nexmo_api_url: '${origin}', ips_url: '${origin}/v1/image' })`,
    `  nexmo-client 8.x:       new NexmoClient({ url: '${origin}', nexmo_api_url: '${origin}', path: '/rtc' })`,
    `  @vonage/client-sdk 2.x: client.setConfig({ apiUrl: '${origin}', websocketUrl: '${origin}', websocketPath: '/v2/rtc' })`,
  ].join('\n');

const main = async () => {
  const port = portFrom('PORT', 3000);
  if (await portInUse(port)) return fail(`port ${port} is already in use; stop what uses it or set PORT`);

  const tableName = process.env.TABLE_NAME || 'parley';
  if (process.env.DYNAMODB_ENDPOINT) {
    console.log(`Using DynamoDB at ${process.env.DYNAMODB_ENDPOINT}`);
  } else {
    const dynamoPort = portFrom('DYNAMODB_PORT', 8000);
    const dynamoDir = join(dataDir, 'dynamodb');
    mkdirSync(dynamoDir, { recursive: true });
    const leftover = await stopLeftoverDynamoDbLocal(dataDir);
    if (leftover) console.log(`Stopped the DynamoDB Local (pid ${leftover}) an earlier start left running`);
    if (await portInUse(dynamoPort))
      return fail(
        `port ${dynamoPort} (DynamoDB Local) is already in use; stop what uses it or set DYNAMODB_PORT`,
      );
    const ddb = await startDynamoDbLocal({ port: dynamoPort, dataDir: dynamoDir });
    notePid(dataDir, ddb.pid);
    let stopping: Promise<void> | undefined;
    stopDynamo = () => {
      stopping ??= ddb.stop().then(() => forgetPid(dataDir));
      return stopping;
    };
    process.env.DYNAMODB_ENDPOINT = ddb.endpoint;
    console.log(`DynamoDB Local on ${ddb.endpoint} (data in ${shown(dynamoDir)})`);
  }
  const app = loadDevApplication(dataDir);
  process.env.TABLE_NAME = tableName;
  process.env.APPLICATION_ID = app.applicationId;
  process.env.APPLICATION_PUBLIC_KEY = app.publicKeyPem;
  process.env.PUBLIC_BASE_URL ||= `http://localhost:${port}`;
  // The socket side: the handlers call the dev server's own Management API and Lambda Invoke emulations,
  // signing with placeholder credentials as for DynamoDB Local.
  const local = `http://127.0.0.1:${port}`;
  process.env.WEBSOCKET_MANAGEMENT_URL = `${local}/@aws/execute-api`;
  process.env.LAMBDA_ENDPOINT = `${local}/@aws/lambda`;
  process.env.SOCKET_FUNCTION_NAME = 'parley-socket';
  process.env.AWS_ACCESS_KEY_ID ||= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ||= 'local';
  const twilioAccount = loadDevTwilioAccount(dataDir);
  process.env.TWILIO_ACCOUNT_SID = twilioAccount.accountSid;
  process.env.TWILIO_AUTH_TOKEN = twilioAccount.authToken;
  // Webhook deliveries are signed: with no secret given, a dev one kept beside the dev application.
  const devSecret = !process.env.WEBHOOK_SIGNATURE_SECRET;
  if (devSecret) process.env.WEBHOOK_SIGNATURE_SECRET = devSignatureSecret(dataDir);

  // Imported only now: the handlers read the environment set above.
  const { createDocumentClient } = await import('../../functions/store/client.ts');
  const { createDevServer } = await import('./dev-server.ts');
  const { mounts, pokingMounts, pokingSocket, socketMount, streamHandler, deliveryQueueHandler } =
    await import('./mounts.ts');
  const { LocalSocketGateway } = await import('./socket-gateway.ts');
  const { readSocketConfig } = await import('../../functions/config.ts');
  const { startStreamTail } = await import('./stream-tail.ts');
  const { startLocalDeliveryQueue } = await import('./delivery-queue.ts');
  const { setDeliveryQueue } = await import('../../functions/store/delivery-queue.ts');
  const created = await ensureTable(createDocumentClient(process.env.DYNAMODB_ENDPOINT), tableName);
  console.log(`Table ${tableName} ${created}`);
  // The webhook delivery queue in this process, feeding the sender handler (SQS FIFO in AWS).
  const deliveries = startLocalDeliveryQueue(deliveryQueueHandler());
  setDeliveryQueue(deliveries);
  const tail = await startStreamTail(streamHandler(), {
    endpoint: process.env.DYNAMODB_ENDPOINT ?? '',
    tableName,
  });

  // Every handler pokes the tail once it returns: its writes are tailed at once, not at the next idle poll.
  const poke = () => tail.poke();
  const sockets = new LocalSocketGateway(
    pokingSocket(socketMount(readSocketConfig().pingIntervalS * 1000), poke),
  );
  const server = createDevServer(pokingMounts(mounts(), poke), sockets);
  const stop = async () => {
    sockets.close();
    server.close();
    server.closeAllConnections();
    await tail.stop().catch(() => {});
    await deliveries.stop().catch(() => {});
    await stopDynamo();
    process.exit(0);
  };
  server.on('error', (error: NodeJS.ErrnoException) => {
    void fail(error.code === 'EADDRINUSE' ? `port ${port} is already in use` : error.message);
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop());
  watchStarter(() => void stop());
  server.listen(port, async () => {
    console.log(`Parley listening on http://localhost:${port}`);
    console.log(`Application id: ${app.applicationId}`);
    if (devSecret) console.log(`Webhook signature secret (dev): ${process.env.WEBHOOK_SIGNATURE_SECRET}`);
    if (app.source === 'dev' && app.privateKeyPem) {
      console.log(`Private key:    ${shown(app.privateKeyPath ?? '')}`);
      const token = await mintToken({
        applicationId: app.applicationId,
        privateKeyPem: app.privateKeyPem,
        ttlSeconds: 24 * 60 * 60 - 60,
      });
      console.log('Admin token (valid 24 h):');
      console.log(token);
    } else {
      console.log(
        'Using APPLICATION_ID / APPLICATION_PUBLIC_KEY from the environment: mint tokens with your key.',
      );
    }
    console.log(clientSdkSnippets(`http://localhost:${port}`));
    console.log(`Twilio Conversations: ${process.env.PUBLIC_BASE_URL}/twilio/v1`);
    console.log(`Twilio account SID: ${twilioAccount.accountSid}`);
    if (twilioAccount.source === 'dev') console.log(`Twilio auth token:  ${twilioAccount.authToken}`);
    else console.log('Using TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN from the environment.');
  });
};

main().catch((error) => fail(error instanceof Error ? error.message : String(error)));
