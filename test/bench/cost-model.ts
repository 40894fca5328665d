/**
 * What Parley costs to run in AWS, from what the benchmark measures: public list prices (us-east-1, on
 * demand, no free tier) applied to each request's measured read and write units, DynamoDB calls and handler
 * CPU time. It lives with the benchmark, not in functions/: no Lambda uses it, and it is a model of the
 * measurements, not a rule of the product.
 */

/** Public AWS list prices, us-east-1, in USD. */
export const PRICES = {
  /** When these were the published prices (DynamoDB on-demand since its 2024-11-01 reduction). */
  asOf: '2024-11-01',
  region: 'us-east-1',
  /** API Gateway HTTP API, per million requests (first 300 million a month; 512 KB each). */
  httpApiRequestsPerMillion: 1.0,
  /** API Gateway WebSocket API, per million messages (first billion; 32 KB each). */
  webSocketMessagesPerMillion: 1.0,
  /** API Gateway WebSocket API, per million connection minutes. */
  webSocketConnectionMinutesPerMillion: 0.25,
  /** Lambda, per million requests. */
  lambdaRequestsPerMillion: 0.2,
  /** Lambda on arm64 (Graviton), per GB-second (first 7.5 billion GB-seconds a month). */
  lambdaArm64GbSecond: 0.0000133334,
  /** DynamoDB on demand, per million write request units. */
  dynamoDbWriteUnitsPerMillion: 0.625,
  /** DynamoDB on demand, per million read request units. */
  dynamoDbReadUnitsPerMillion: 0.125,
  /** DynamoDB Standard table class, per GB-month of storage (past the first 25 GB). */
  dynamoDbStorageGbMonth: 0.25,
  /** SQS standard queue, per million requests (the webhook dead-letter queue; no request path uses it). */
  sqsRequestsPerMillion: 0.4,
} as const;

/** Twilio Conversations: per monthly active user (its public price page). */
export const TWILIO_PER_MAU_USD = 0.05;

/** The API and voice Lambdas' memory size (infra/parley-function.ts). */
export const LAMBDA_MEMORY_MB = 512;

/**
 * Assumption: wall time one DynamoDB call adds to a Lambda's billed duration in AWS (same-region single-digit
 * milliseconds; a transaction is slower, a GetItem faster). Lambda bills wall time, not CPU time.
 */
export const DYNAMODB_CALL_MS = 8;

/** What one request was measured to do. */
export interface RequestMeasure {
  readUnits: number;
  writeUnits: number;
  /** DynamoDB calls (round trips). */
  calls: number;
  /** Handler CPU time, ms. */
  cpuMs: number;
}

export interface Cost {
  api: number;
  lambda: number;
  dynamoDb: number;
  total: number;
}

const sum = (parts: Omit<Cost, 'total'>): Cost => ({
  ...parts,
  total: parts.api + parts.lambda + parts.dynamoDb,
});

/** Billed Lambda duration of a request, ms: its CPU time plus its DynamoDB round trips, rounded up to 1 ms. */
export const billedMs = (m: RequestMeasure): number =>
  Math.max(1, Math.ceil(m.cpuMs + m.calls * DYNAMODB_CALL_MS));

/** The cost of one request through the HTTP API to a Lambda. */
export const requestCost = (m: RequestMeasure): Cost =>
  sum({
    api: PRICES.httpApiRequestsPerMillion / 1e6,
    lambda:
      PRICES.lambdaRequestsPerMillion / 1e6 +
      (billedMs(m) / 1000) * (LAMBDA_MEMORY_MB / 1024) * PRICES.lambdaArm64GbSecond,
    dynamoDb:
      (m.writeUnits * PRICES.dynamoDbWriteUnitsPerMillion +
        m.readUnits * PRICES.dynamoDbReadUnitsPerMillion) /
      1e6,
  });

export const times = (c: Cost, n: number): Cost =>
  sum({ api: c.api * n, lambda: c.lambda * n, dynamoDb: c.dynamoDb * n });

export const plus = (...cs: Cost[]): Cost =>
  sum({
    api: cs.reduce((s, c) => s + c.api, 0),
    lambda: cs.reduce((s, c) => s + c.lambda, 0),
    dynamoDb: cs.reduce((s, c) => s + c.dynamoDb, 0),
  });

/** A month of storage of `bytes`. */
export const storageCost = (bytes: number): Cost =>
  sum({ api: 0, lambda: 0, dynamoDb: (bytes / 1024 ** 3) * PRICES.dynamoDbStorageGbMonth });

/** One monthly active user, as the README states it. */
export const USAGE_PROFILE = {
  messagesSent: 100,
  eventsReceived: 1000,
  /** Events a client reads per `GET …/events` page (the default page size). */
  eventsPerPage: 10,
  sessions: 30,
  /** Minutes a session stays connected, for the WebSocket alternative. */
  sessionMinutes: 20,
} as const;

/** A typical forwarded call's webhooks: the answer, then each leg's started/ringing/answered/completed. */
export const CALL_PROFILE = { answers: 1, legStatusReports: 6, hangUps: 2 } as const;

export interface Measured {
  textPost: RequestMeasure;
  /** Bytes of one stored text event. */
  textEventBytes: number;
  eventsPage: RequestMeasure;
  /** A session's start: the user's conversation list, its member and the conversation. */
  session: RequestMeasure[];
  answerWebhook: RequestMeasure;
  statusWebhook: RequestMeasure;
  hangUpWebhook: RequestMeasure;
}

export interface CostFigures {
  perMillionMessages: Cost;
  perThousandCalls: Cost;
  perMau: Cost;
  /** What delivering the received events over an API Gateway WebSocket would add per user instead of reads. */
  webSocketDeliveryPerMau: number;
  twilioRatio: number;
}

export const costFigures = (m: Measured): CostFigures => {
  const post = requestCost(m.textPost);
  const perMillionMessages = plus(times(post, 1e6), storageCost(m.textEventBytes * 1e6));
  const call = plus(
    times(requestCost(m.answerWebhook), CALL_PROFILE.answers),
    times(requestCost(m.statusWebhook), CALL_PROFILE.legStatusReports),
    times(requestCost(m.hangUpWebhook), CALL_PROFILE.hangUps),
  );
  const u = USAGE_PROFILE;
  const perMau = plus(
    times(post, u.messagesSent),
    storageCost(m.textEventBytes * u.messagesSent),
    times(requestCost(m.eventsPage), Math.ceil(u.eventsReceived / u.eventsPerPage)),
    times(plus(...m.session.map(requestCost)), u.sessions),
  );
  const webSocketDeliveryPerMau =
    (u.eventsReceived * PRICES.webSocketMessagesPerMillion +
      u.sessions * u.sessionMinutes * PRICES.webSocketConnectionMinutesPerMillion) /
    1e6;
  return {
    perMillionMessages,
    perThousandCalls: times(call, 1000),
    perMau,
    webSocketDeliveryPerMau,
    twilioRatio: TWILIO_PER_MAU_USD / perMau.total,
  };
};
