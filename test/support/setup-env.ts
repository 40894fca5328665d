import { randomUUID } from 'node:crypto';
import { beforeAll, inject } from 'vitest';
import { resetConfig } from '../../functions/config.ts';
import { createDocumentClient, setDocumentClient } from '../../functions/store/client.ts';
import { ensureTable } from '../../infra/local/dynamodb-local.ts';
import { testApplication } from './tokens.ts';

const endpoint = inject('dynamodbEndpoint');
const url = new URL(endpoint);
// Storage tests only ever run against DynamoDB Local on this machine.
if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
  throw new Error(`Refusing to run tests against a non-local DynamoDB endpoint: ${endpoint}`);
}

// Each test file gets a table of its own, so files never see each other's items.
process.env.TABLE_NAME = `parley-test-${randomUUID()}`;
process.env.DYNAMODB_ENDPOINT = endpoint;
process.env.AWS_REGION = 'local';
process.env.APPLICATION_ID = testApplication.applicationId;
process.env.APPLICATION_PUBLIC_KEY = testApplication.publicKeyPem;
process.env.PUBLIC_BASE_URL = 'http://parley.test';
resetConfig();
setDocumentClient(undefined);

beforeAll(async () => {
  await ensureTable(createDocumentClient(endpoint), process.env.TABLE_NAME as string);
});
