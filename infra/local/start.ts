/**
 * `npm start`: DynamoDB Local (data kept under .parley/dynamodb), the table, and the dev server running the
 * same handlers as Lambda. Ctrl-C stops both.
 */
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { mintToken } from '../../cli/token.ts';
import { loadDevApplication } from './dev-application.ts';
import { ensureTable, portInUse, startDynamoDbLocal } from './dynamodb-local.ts';

const root = join(import.meta.dirname, '..', '..');
const dataDir = join(root, '.parley');

const fail = (message: string): never => {
  console.error(`parley: ${message}`);
  process.exit(1);
};

const main = async () => {
  const port = Number(process.env.PORT ?? 3000);
  const dynamoPort = Number(process.env.DYNAMODB_PORT ?? 8000);
  if (!Number.isInteger(port) || port <= 0) fail(`PORT must be a port number, got "${process.env.PORT}"`);
  if (await portInUse(port)) fail(`port ${port} is already in use; stop what uses it or set PORT`);

  const tableName = process.env.TABLE_NAME || 'parley';
  let stopDynamo = async () => {};
  if (process.env.DYNAMODB_ENDPOINT) {
    console.log(`Using DynamoDB at ${process.env.DYNAMODB_ENDPOINT}`);
  } else {
    if (await portInUse(dynamoPort))
      fail(`port ${dynamoPort} (DynamoDB Local) is already in use; stop what uses it or set DYNAMODB_PORT`);
    mkdirSync(join(dataDir, 'dynamodb'), { recursive: true });
    const ddb = await startDynamoDbLocal({ port: dynamoPort, dataDir: join(dataDir, 'dynamodb') });
    stopDynamo = ddb.stop;
    process.env.DYNAMODB_ENDPOINT = ddb.endpoint;
    console.log(`DynamoDB Local on ${ddb.endpoint} (data in ${relative(root, join(dataDir, 'dynamodb'))})`);
  }
  const app = loadDevApplication(dataDir);
  process.env.TABLE_NAME = tableName;
  process.env.APPLICATION_ID = app.applicationId;
  process.env.APPLICATION_PUBLIC_KEY = app.publicKeyPem;
  process.env.PUBLIC_BASE_URL ||= `http://localhost:${port}`;

  // Imported only now: the handlers read the environment set above.
  const { createDocumentClient } = await import('../../functions/store/client.ts');
  const { createDevServer } = await import('./dev-server.ts');
  const { mounts } = await import('./mounts.ts');
  const created = await ensureTable(createDocumentClient(process.env.DYNAMODB_ENDPOINT), tableName);
  console.log(`Table ${tableName} ${created}`);

  const server = createDevServer(mounts());
  const stop = async (code = 0) => {
    server.close();
    await stopDynamo();
    process.exit(code);
  };
  server.on('error', async (error: NodeJS.ErrnoException) => {
    console.error(
      `parley: ${error.code === 'EADDRINUSE' ? `port ${port} is already in use` : error.message}`,
    );
    await stop(1);
  });
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  server.listen(port, () => {
    console.log(`Parley listening on http://localhost:${port}`);
    console.log(`Application id: ${app.applicationId}`);
    if (app.source === 'dev' && app.privateKeyPem) {
      console.log(`Private key:    ${relative(process.cwd(), app.privateKeyPath ?? '')}`);
      void mintToken({
        applicationId: app.applicationId,
        privateKeyPem: app.privateKeyPem,
        ttlSeconds: 24 * 60 * 60 - 60,
      }).then((token) => {
        console.log('Admin token (valid 24 h):');
        console.log(token);
      });
    } else {
      console.log(
        'Using APPLICATION_ID / APPLICATION_PUBLIC_KEY from the environment: mint tokens with your key.',
      );
    }
  });
};

main().catch((error) => fail(error instanceof Error ? error.message : String(error)));
