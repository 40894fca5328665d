import type { AuthorizationMode } from './domain/ports.ts';

/**
 * Every setting Parley reads from the environment, in one place. Values are read lazily so tests and the
 * dev server can set the environment before the first request.
 */
export interface Config {
  /** The single DynamoDB table. */
  tableName: string;
  /** Set only for local runs (DynamoDB Local). */
  dynamodbEndpoint: string | undefined;
  /** The Vonage-style application id every JWT must carry in `application_id`. */
  applicationId: string;
  /** PEM text of the application's public key (SPKI or PKCS#1). */
  applicationPublicKey: string;
  /** Key of the HMAC that makes list cursors tamper-evident: CURSOR_SECRET, else the public key's PEM text. */
  cursorSecret: string;
  /** Base of the absolute URLs in `_links`, without a trailing slash; when unset the request's host is used. */
  publicBaseUrl: string | undefined;
  /** Most members (invited or joined) one conversation may hold. */
  maxMembersPerConversation: number;
  /** HS256 secret of Vonage signed webhooks; when set every Vonage voice webhook must be signed. */
  vonageSignatureSecret: string | undefined;
  /**
   * Twilio auth token: when set every Twilio voice webhook must carry a valid X-Twilio-Signature, and with
   * `twilioAccountSid` it is the password of the Twilio Conversations surface.
   */
  twilioAuthToken: string | undefined;
  /** The account SID (`AC…`) the Twilio Conversations surface accepts and answers with. */
  twilioAccountSid: string | undefined;
  /** An API key (`SK…`) and its secret the Twilio Conversations surface also accepts. */
  twilioApiKeySid: string | undefined;
  twilioApiKeySecret: string | undefined;
  /** Longest a call leg may last before the sweeper closes it as `timeout`, in seconds. */
  maxCallSeconds: number;
  /**
   * `membership` (default): a user token sees and changes only what its user takes part in (the README's
   * authorization table). `acl`: the token's ACL alone decides, as Vonage did.
   */
  authorization: AuthorizationMode;
  /** Origins browsers may call the REST API from (`CORS_ORIGINS`, a comma list); `*` (the default) any. */
  corsOrigins: string[];
}

const intFrom = (raw: string | undefined, fallback: number, name: string): number => {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
};

const authorizationFrom = (raw: string | undefined): AuthorizationMode => {
  if (raw === undefined || raw === '' || raw === 'membership') return 'membership';
  if (raw === 'acl') return 'acl';
  throw new Error(`AUTHORIZATION must be "membership" or "acl", got "${raw}"`);
};

const blankToUndefined = (v: string | undefined): string | undefined =>
  v === undefined || v === '' ? undefined : v;

export const readConfig = (env: NodeJS.ProcessEnv = process.env): Config => ({
  tableName: env.TABLE_NAME || 'parley',
  dynamodbEndpoint: blankToUndefined(env.DYNAMODB_ENDPOINT),
  applicationId: env.APPLICATION_ID ?? '',
  applicationPublicKey: (env.APPLICATION_PUBLIC_KEY ?? '').replace(/\\n/g, '\n'),
  cursorSecret: env.CURSOR_SECRET || (env.APPLICATION_PUBLIC_KEY ?? '').replace(/\\n/g, '\n'),
  publicBaseUrl: blankToUndefined(env.PUBLIC_BASE_URL)?.replace(/\/+$/, ''),
  maxMembersPerConversation: intFrom(env.MAX_MEMBERS_PER_CONVERSATION, 3000, 'MAX_MEMBERS_PER_CONVERSATION'),
  vonageSignatureSecret: blankToUndefined(env.VONAGE_SIGNATURE_SECRET),
  twilioAuthToken: blankToUndefined(env.TWILIO_AUTH_TOKEN),
  twilioAccountSid: blankToUndefined(env.TWILIO_ACCOUNT_SID),
  twilioApiKeySid: blankToUndefined(env.TWILIO_API_KEY_SID),
  twilioApiKeySecret: blankToUndefined(env.TWILIO_API_KEY_SECRET),
  maxCallSeconds: intFrom(env.MAX_CALL_SECONDS, 7200, 'MAX_CALL_SECONDS'),
  authorization: authorizationFrom(env.AUTHORIZATION),
  corsOrigins: (env.CORS_ORIGINS || '*')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean),
});

let cached: Config | undefined;

/** The configuration of this process, read from the environment on first use. */
export const config = (): Config => {
  cached ??= readConfig();
  return cached;
};

/** Forget the configuration read so far, so the next `config()` reads the environment again (tests). */
export const resetConfig = (): void => {
  cached = undefined;
};
