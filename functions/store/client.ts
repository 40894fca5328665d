import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '../config.ts';

let documentClient: DynamoDBDocumentClient | undefined;

/** Builds a document client for an endpoint (DynamoDB Local) or for the Lambda's own region. */
export const createDocumentClient = (endpoint?: string): DynamoDBDocumentClient => {
  const client = new DynamoDBClient(
    endpoint
      ? {
          endpoint,
          region: process.env.AWS_REGION ?? 'local',
          credentials: {
            accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'local',
            secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
          },
        }
      : {},
  );
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
};

/** The document client of this process: created once, on first use, and reused by every request. */
export const db = (): DynamoDBDocumentClient => {
  documentClient ??= createDocumentClient(config().dynamodbEndpoint);
  return documentClient;
};

/** Replaces the process's client (tests and the benchmark count round trips through their own client). */
export const setDocumentClient = (client: DynamoDBDocumentClient | undefined): void => {
  documentClient = client;
};

export const tableName = (): string => config().tableName;
