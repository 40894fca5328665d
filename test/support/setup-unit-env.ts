/**
 * Unit tests run without DynamoDB Local: the application settings a handler needs, and a storage endpoint
 * that refuses every connection, so a unit test that reaches the store fails at once instead of passing.
 */
import { resetConfig } from '../../functions/config.ts';
import { setDocumentClient } from '../../functions/store/client.ts';
import { testApplication } from './tokens.ts';

process.env.TABLE_NAME = 'parley-unit';
process.env.DYNAMODB_ENDPOINT = 'http://127.0.0.1:9';
process.env.AWS_REGION = 'local';
process.env.APPLICATION_ID = testApplication.applicationId;
process.env.APPLICATION_PUBLIC_KEY = testApplication.publicKeyPem;
process.env.PUBLIC_BASE_URL = 'http://parley.test';
resetConfig();
setDocumentClient(undefined);
