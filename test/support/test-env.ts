import { resetConfig } from '../../functions/config.ts';
import { setDocumentClient } from '../../functions/store/client.ts';
import { testApplication } from './tokens.ts';

/** The environment a test file runs the handlers in: its table, its storage endpoint, the test application. */
export const useTestEnvironment = (tableName: string, dynamodbEndpoint: string): void => {
  process.env.TABLE_NAME = tableName;
  process.env.DYNAMODB_ENDPOINT = dynamodbEndpoint;
  process.env.AWS_REGION = 'local';
  process.env.APPLICATION_ID = testApplication.applicationId;
  process.env.APPLICATION_PUBLIC_KEY = testApplication.publicKeyPem;
  process.env.PUBLIC_BASE_URL = 'http://parley.test';
  resetConfig();
  setDocumentClient(undefined);
};
