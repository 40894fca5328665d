import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '../config.ts';
import { unavailable } from '../domain/errors.ts';

let documentClient: DynamoDBDocumentClient | undefined;

/** How an AWS client reaches DynamoDB Local (or its Streams API): the endpoint, and a region and keys it ignores. */
export const localEndpoint = (endpoint: string) => ({
  endpoint,
  region: process.env.AWS_REGION ?? 'local',
  credentials: {
    accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'local',
    secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
  },
});

/**
 * Timeouts that fit a Lambda's 10 s: a connection within 1 s, an answer within 2 s, and the SDK's three
 * attempts (with its back-off) done in under 7 s, so a stalled store is answered 503 before Lambda gives up.
 * DynamoDB Local on a busy machine can take longer than that to create a table: a local endpoint waits 10 s.
 */
export const REQUEST_TIMEOUT_MS = 2000;
const LOCAL_REQUEST_TIMEOUT_MS = 10_000;

/** Errors of a store that is down, stalled or throttling (after the SDK's own retries): worth a retry later. */
const UNAVAILABLE =
  /^(TimeoutError|ThrottlingException|ProvisionedThroughputExceededException|RequestLimitExceeded|InternalServerError|ServiceUnavailable)$/;
const isUnavailable = (error: unknown): boolean => {
  const e = error as {
    name?: string;
    code?: string;
    $metadata?: { httpStatusCode?: number };
    CancellationReasons?: { Code?: string }[];
  };
  return (
    UNAVAILABLE.test(e?.name ?? '') ||
    // A refused, reset or unreachable connection (Node's system error codes).
    /^E[A-Z]+$/.test(e?.code ?? '') ||
    (e?.$metadata?.httpStatusCode ?? 0) >= 500 ||
    Boolean(e?.CancellationReasons?.some((r) => r.Code === 'ThrottlingError'))
  );
};

/** Builds a document client for an endpoint (DynamoDB Local) or for the Lambda's own region. */
export const createDocumentClient = (
  endpoint?: string,
  requestTimeout = endpoint ? LOCAL_REQUEST_TIMEOUT_MS : REQUEST_TIMEOUT_MS,
): DynamoDBDocumentClient => {
  const requestHandler = { connectionTimeout: 1000, requestTimeout, throwOnRequestTimeout: true };
  const client = new DynamoDBClient(
    endpoint ? { ...localEndpoint(endpoint), requestHandler } : { requestHandler },
  );
  // Outside the SDK's retries: what is still unavailable after them becomes the 503 every surface answers.
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        throw isUnavailable(error) ? unavailable() : error;
      }
    },
    { step: 'initialize', name: 'parleyUnavailable' },
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
