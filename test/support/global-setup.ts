import type { TestProject } from 'vitest/node';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../infra/local/dynamodb-local.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}

let ddb: DynamoDbLocal | undefined;

/** One DynamoDB Local (in memory, sharedDb) for the whole run; every test file makes its own table in it. */
export const setup = async (project: TestProject) => {
  ddb = await startDynamoDbLocal();
  project.provide('dynamodbEndpoint', ddb.endpoint);
};

export const teardown = async () => {
  await ddb?.stop();
};
