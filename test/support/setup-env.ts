import { randomUUID } from 'node:crypto';
import { beforeAll, inject } from 'vitest';
import { createDocumentClient } from '../../functions/store/client.ts';
import { ensureTable } from '../../infra/local/dynamodb-local.ts';
import { useTestEnvironment } from './test-env.ts';

const endpoint = inject('dynamodbEndpoint');
const url = new URL(endpoint);
// Storage tests only ever run against DynamoDB Local on this machine.
if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
  throw new Error(`Refusing to run tests against a non-local DynamoDB endpoint: ${endpoint}`);
}

// Each test file gets a table of its own, so files never see each other's items.
useTestEnvironment(`parley-test-${randomUUID()}`, endpoint);

beforeAll(async () => {
  await ensureTable(createDocumentClient(endpoint), process.env.TABLE_NAME as string);
});
