import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { loadDevApplication } from './local/dev-application.ts';
import { PROJECT_ROOT } from './project-root.ts';

/** Levels the functions log at, lowest first: Lambda drops application log lines below the configured one. */
export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A setting given literally, or the name of an SSM String parameter CloudFormation resolves at deploy time. */
export type Setting = { value: string } | { ssmParameter: string };

/** What a deployment is configured with; every field comes from CDK context (`-c key=value` or cdk.json). */
export interface ParleySettings {
  applicationId: Setting;
  /** PEM text of the application's public key. */
  applicationPublicKey: Setting;
  /** Base of the absolute `_links` (a custom domain); by default the HTTP API's own endpoint. */
  publicBaseUrl?: string;
  maxMembersPerConversation?: number;
  maxCallSeconds?: number;
  /** SSM parameter names only: a secret never appears literally in the template. */
  vonageSignatureSecretParameter?: string;
  twilioAuthTokenParameter?: string;
  /** The Twilio account SID (`AC…`) the Twilio Conversations surface accepts; not a secret. */
  twilioAccountSid?: string;
  /** An API key SID (`SK…`) the Twilio Conversations surface also accepts, and its secret's SSM name. */
  twilioApiKeySid?: string;
  twilioApiKeySecretParameter?: string;
  /** Lowest level of application log lines the functions keep. @default INFO */
  logLevel: LogLevel;
  /** `AUTHORIZATION`: `membership` (Parley's rules) or `acl` (Vonage's: the ACL alone). @default membership */
  authorization?: 'membership' | 'acl';
  /** Application webhooks: the event URL that seeds the settings until one is PUT. */
  webhookEventUrl?: string;
  /** SSM parameter name of WEBHOOK_SIGNATURE_SECRET (the HS256 key deliveries are signed with). */
  webhookSignatureSecretParameter?: string;
  /** The API key of the Application API's basic auth (and the deliveries' `api_key` claim). */
  vonageApiKey?: string;
  /** SSM parameter name of VONAGE_API_SECRET (the Application API's basic auth). */
  vonageApiSecretParameter?: string;
  /** The delivery policy's settings given in context, as the webhook Lambdas' environment. */
  webhookPolicy?: Record<string, string>;
  /**
   * Origins browsers may call the REST API from: `*` (any) or a list. Context `corsOrigins`, a comma
   * list. @default ['*'] (the stack's)
   */
  corsOrigins?: string[];
  /** Delete the table and log groups with the stack (dev stacks); by default they are retained. */
  destroyOnRemoval: boolean;
  /** Set when the settings fell back to the local dev application; the stack warns about it. */
  devApplicationNotice?: string;
}

type Context = (key: string) => unknown;

/** A deployment setting that is missing or malformed; the app prints its message as one line. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

const text = (context: Context, key: string): string | undefined => {
  const v = context(key);
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' && typeof v !== 'number')
    throw new SettingsError(`context ${key} must be a string`);
  return String(v);
};

const positiveInt = (context: Context, key: string): number | undefined => {
  const raw = text(context, key);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0)
    throw new SettingsError(`context ${key} must be a positive integer, got "${raw}"`);
  return n;
};

const logLevel = (context: Context, key: string): LogLevel => {
  const raw = text(context, key);
  if (raw === undefined) return 'INFO';
  const level = LOG_LEVELS.find((l) => l === raw.toUpperCase());
  if (!level) throw new SettingsError(`context ${key} must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  return level;
};

const authorization = (context: Context, key: string): 'membership' | 'acl' | undefined => {
  const raw = text(context, key);
  if (raw === undefined) return undefined;
  if (raw === 'membership' || raw === 'acl') return raw;
  throw new SettingsError(`context ${key} must be membership or acl, got "${raw}"`);
};

/** A Twilio SID of one kind: its two letters and 32 hex digits. */
const sid = (context: Context, key: string, prefix: string): string | undefined => {
  const raw = text(context, key);
  if (raw === undefined) return undefined;
  if (!new RegExp(`^${prefix}[0-9a-fA-F]{32}$`).test(raw))
    throw new SettingsError(`context ${key} must be ${prefix} followed by 32 hex digits, got "${raw}"`);
  return raw;
};

/** `corsOrigins`: `*`, or a comma list of origins (`https://app.example.com`), each without a path. */
const corsOrigins = (context: Context, key: string): string[] | undefined => {
  const raw = text(context, key);
  if (raw === undefined) return undefined;
  const origins = raw
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const o of origins)
    if (o !== '*' && !/^https?:\/\/[^/\s]+$/.test(o))
      throw new SettingsError(
        `context ${key}: "${o}" is not * nor an origin such as https://app.example.com`,
      );
  return origins.length > 0 ? origins : ['*'];
};

const readKeyFile = (path: string): string => {
  try {
    return readFileSync(isAbsolute(path) ? path : join(process.cwd(), path), 'utf8');
  } catch (error) {
    throw new SettingsError(
      `context applicationPublicKeyFile: cannot read ${path} (${(error as Error).message})`,
    );
  }
};

/** Context keys of the delivery policy and the environment variable each sets (functions/webhook-config.ts). */
export const WEBHOOK_POLICY_CONTEXT = {
  webhookConnectTimeoutMs: 'WEBHOOK_CONNECT_TIMEOUT_MS',
  webhookReadTimeoutMs: 'WEBHOOK_READ_TIMEOUT_MS',
  webhookMaxAttempts: 'WEBHOOK_MAX_ATTEMPTS',
  webhookRetryBaseMs: 'WEBHOOK_RETRY_BASE_MS',
  webhookRetryCapMs: 'WEBHOOK_RETRY_CAP_MS',
  webhookRecordTtlSeconds: 'WEBHOOK_RECORD_TTL_SECONDS',
} as const;

const webhookPolicy = (context: Context): Record<string, string> | undefined => {
  const out: Record<string, string> = {};
  for (const [key, envName] of Object.entries(WEBHOOK_POLICY_CONTEXT)) {
    const n = positiveInt(context, key);
    if (n !== undefined) out[envName] = String(n);
  }
  return Object.keys(out).length > 0 ? out : undefined;
};

const flag = (context: Context, key: string): boolean => {
  const v = context(key);
  return v === true || v === 'true' || v === '1';
};

/**
 * Reads the deployment settings from CDK context. The application comes from, in order:
 * `applicationId` / `applicationIdParameter` plus `applicationPublicKey` / `applicationPublicKeyFile` /
 * `applicationPublicKeyParameter`; else the APPLICATION_ID + APPLICATION_PUBLIC_KEY environment; else the
 * local dev application under `.parley/` (the one `npm start` uses, created on first use), so that
 * `npm run synth` works from a fresh clone.
 */
export const settingsFromContext = (
  context: Context,
  {
    devDir = join(PROJECT_ROOT, '.parley'),
    env = process.env,
  }: { devDir?: string; env?: NodeJS.ProcessEnv } = {},
): ParleySettings => {
  const idValue = text(context, 'applicationId');
  const idParameter = text(context, 'applicationIdParameter');
  const keyValue = text(context, 'applicationPublicKey');
  const keyFile = text(context, 'applicationPublicKeyFile');
  const keyParameter = text(context, 'applicationPublicKeyParameter');

  let applicationId: Setting | undefined = idParameter
    ? { ssmParameter: idParameter }
    : idValue
      ? { value: idValue }
      : undefined;
  let applicationPublicKey: Setting | undefined = keyParameter
    ? { ssmParameter: keyParameter }
    : keyFile
      ? { value: readKeyFile(keyFile) }
      : keyValue
        ? { value: keyValue }
        : undefined;

  if ((applicationId === undefined) !== (applicationPublicKey === undefined))
    throw new SettingsError(
      applicationId
        ? 'applicationId is set but no public key: add -c applicationPublicKeyFile=<path> (or applicationPublicKey / applicationPublicKeyParameter)'
        : 'a public key is set but no applicationId: add -c applicationId=<id> (or applicationIdParameter)',
    );

  let devApplicationNotice: string | undefined;
  if (applicationId === undefined || applicationPublicKey === undefined) {
    const dev = loadDevApplication(devDir, env);
    applicationId = { value: dev.applicationId };
    applicationPublicKey = { value: dev.publicKeyPem };
    devApplicationNotice =
      dev.source === 'environment'
        ? 'Parley uses APPLICATION_ID and APPLICATION_PUBLIC_KEY from the environment.'
        : `Parley uses the local dev application ${dev.applicationId} (key pair in .parley/): pass -c applicationId=<id> -c applicationPublicKeyFile=<public key PEM> for your own application.`;
  }

  return {
    applicationId,
    applicationPublicKey,
    publicBaseUrl: text(context, 'publicBaseUrl'),
    maxMembersPerConversation: positiveInt(context, 'maxMembersPerConversation'),
    maxCallSeconds: positiveInt(context, 'maxCallSeconds'),
    vonageSignatureSecretParameter: text(context, 'vonageSignatureSecretParameter'),
    twilioAuthTokenParameter: text(context, 'twilioAuthTokenParameter'),
    twilioAccountSid: sid(context, 'twilioAccountSid', 'AC'),
    twilioApiKeySid: sid(context, 'twilioApiKeySid', 'SK'),
    twilioApiKeySecretParameter: text(context, 'twilioApiKeySecretParameter'),
    logLevel: logLevel(context, 'logLevel'),
    authorization: authorization(context, 'authorization'),
    webhookEventUrl: text(context, 'webhookEventUrl'),
    webhookSignatureSecretParameter: text(context, 'webhookSignatureSecretParameter'),
    vonageApiKey: text(context, 'vonageApiKey'),
    vonageApiSecretParameter: text(context, 'vonageApiSecretParameter'),
    webhookPolicy: webhookPolicy(context),
    corsOrigins: corsOrigins(context, 'corsOrigins'),
    destroyOnRemoval: flag(context, 'destroyOnRemoval'),
    devApplicationNotice,
  };
};
