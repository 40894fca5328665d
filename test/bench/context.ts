/**
 * The benchmark's world: its own DynamoDB Local and table, a fresh application key pair, the process's
 * document client with a round-trip counter on it, and the real handlers called in-process.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mintToken } from '../../cli/token.ts';
import { type DynamoDbLocal, ensureTable, startDynamoDbLocal } from '../../infra/local/dynamodb-local.ts';
import { type Api, createApi, EndpointMissingError } from './api.ts';
import { installRoundTripCounter, type RoundTripCounter } from './round-trips.ts';
import { installUnitCounter, type UnitCounter } from './units.ts';

export interface BenchOptions {
  quick: boolean;
}

export interface Bench {
  options: BenchOptions;
  ddb: DynamoDbLocal;
  table: string;
  /** The document client every handler uses (counted). */
  client: DynamoDBDocumentClient;
  counter: RoundTripCounter;
  /** Request units of what the handlers read and write (while recording). */
  units: UnitCounter;
  api: Api;
  application: { applicationId: string; publicKeyPem: string; privateKeyPem: string };
  adminToken: string;
  userToken(name: string): Promise<string>;
  /** The environment the handlers run with (also given to child processes). */
  env: NodeJS.ProcessEnv;
  /** Runs `hook` after each request `api` handles (a stream tail's poke); answers the undo. */
  afterEachRequest(hook: () => void): () => void;
  /** Warm-up and sample counts of the latency figures. */
  latency: { warmup: number; samples: number };
  fixtures: Fixtures;
}

export interface Fixtures {
  createUser(name?: string): Promise<{ id: string; name: string; token: string }>;
  createConversation(): Promise<string>;
  /** Adds a JOINED app member for the user; throws `EndpointMissingError` while members do not exist. */
  join(conversationId: string, userId: string): Promise<string>;
  postMessage(conversationId: string, memberId: string, token: string, text?: string): Promise<number>;
}

export const setUp = async (options: BenchOptions): Promise<Bench> => {
  const ddb = await startDynamoDbLocal();
  const table = `parley-bench-${randomUUID()}`;
  await ensureTable(ddb.client, table);

  const pair = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const application = {
    applicationId: randomUUID(),
    publicKeyPem: pair.publicKey,
    privateKeyPem: pair.privateKey,
  };
  // Set before any handler module is loaded: the handlers read their configuration from here.
  const env = {
    TABLE_NAME: table,
    DYNAMODB_ENDPOINT: ddb.endpoint,
    AWS_REGION: 'local',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    APPLICATION_ID: application.applicationId,
    APPLICATION_PUBLIC_KEY: application.publicKeyPem,
    PUBLIC_BASE_URL: 'http://parley.bench',
    PARLEY_LOG: 'silent',
  };
  Object.assign(process.env, env);

  const { resetConfig } = await import('../../functions/config.ts');
  const { createDocumentClient, setDocumentClient } = await import('../../functions/store/client.ts');
  const { mounts, pokingMounts } = await import('../../infra/local/mounts.ts');
  resetConfig();
  const client = createDocumentClient(ddb.endpoint);
  const counter = installRoundTripCounter(client);
  const units = installUnitCounter(client, createDocumentClient(ddb.endpoint), table);
  setDocumentClient(client);
  const hooks = new Set<() => void>();
  const api = createApi(
    pokingMounts(mounts(), () => {
      for (const hook of hooks) hook();
    }),
  );

  const mint = (sub?: string) =>
    mintToken({
      applicationId: application.applicationId,
      privateKeyPem: application.privateKeyPem,
      sub,
      ttlSeconds: 4 * 3600,
    });
  const adminToken = await mint();
  const userTokens = new Map<string, string>();
  const userToken = async (name: string) => {
    let t = userTokens.get(name);
    if (!t) {
      t = await mint(name);
      userTokens.set(name, t);
    }
    return t;
  };

  const fixtures: Fixtures = {
    async createUser(name = `bench-${randomUUID().slice(0, 8)}`) {
      const r = await api.ok({ method: 'POST', url: '/v1/users', token: adminToken, body: { name } });
      return { id: r.body.id as string, name, token: await userToken(name) };
    },
    async createConversation() {
      const r = await api.ok({
        method: 'POST',
        url: '/v1/conversations',
        token: adminToken,
        body: { display_name: 'bench' },
      });
      return r.body.id as string;
    },
    async join(conversationId, userId) {
      const r = await api.ok({
        method: 'POST',
        url: `/v1/conversations/${conversationId}/members`,
        token: adminToken,
        body: { state: 'joined', user: { id: userId }, channel: { type: 'app' } },
      });
      if (typeof r.body?.id !== 'string') throw new EndpointMissingError('member create returned no id');
      return r.body.id as string;
    },
    async postMessage(conversationId, memberId, token, text = 'hello from the benchmark') {
      const r = await api.ok({
        method: 'POST',
        url: `/v1/conversations/${conversationId}/events`,
        token,
        body: { type: 'message', from: memberId, body: { message_type: 'text', text } },
      });
      return Number(r.body.id);
    },
  };

  return {
    options,
    ddb,
    table,
    client,
    counter,
    units,
    api,
    application,
    adminToken,
    userToken,
    env: { ...process.env, ...env },
    afterEachRequest(hook) {
      hooks.add(hook);
      return () => hooks.delete(hook);
    },
    latency: options.quick ? { warmup: 20, samples: 100 } : { warmup: 100, samples: 600 },
    fixtures,
  };
};
