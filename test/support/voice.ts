/** Helpers that play a telephony provider against the voice webhooks, and read what a call left behind. */
import { createHash, randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { SignJWT } from 'jose';
import { db, tableName } from '../../functions/store/client.ts';
import { twilioSignature } from '../../functions/voice/providers/twilio.ts';
import { type ApiResponse, call } from './api.ts';

export const BASE = 'http://parley.test';

/** Routes `number` to `forwardTo` with an admin token. */
export const routeNumber = async (number: string, forwardTo: string, extra: Record<string, unknown> = {}) => {
  const res = await call('PUT', `/v1/numbers/${encodeURIComponent(number)}`, {
    body: { forward_to: forwardTo, ...extra },
  });
  if (res.status !== 200 && res.status !== 201) throw new Error(`route failed: ${res.status} ${res.text}`);
  return res;
};

/** A Vonage signed-webhook JWT for a raw body (issued now unless `claims.iat` says when). */
export const vonageJwt = (secret: string, raw: string, claims: Record<string, unknown> = {}) =>
  new SignJWT({
    iss: 'Vonage',
    api_key: 'abcd1234',
    application_id: 'aaaaaaaa-bbbb-cccc-dddd-0123456789ab',
    payload_hash: createHash('sha256').update(raw).digest('hex'),
    ...claims,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(typeof claims.iat === 'number' ? claims.iat : undefined)
    .setJti(randomUUID())
    .sign(new TextEncoder().encode(secret));

export interface VonageOptions {
  secret?: string;
  /** Headers sent as they are (overrides the signature). */
  headers?: Record<string, string>;
}

/** Vonage's answer webhook, as the default GET with a query string. */
export const vonageAnswerGet = async (
  params: Record<string, string>,
  options: VonageOptions = {},
): Promise<ApiResponse> => {
  const headers: Record<string, string> = { ...options.headers };
  if (options.secret && !headers.authorization)
    headers.authorization = `Bearer ${await vonageJwt(options.secret, '', { payload_hash: undefined })}`;
  return call('GET', `/voice/vonage/answer?${new URLSearchParams(params)}`, { token: null, headers });
};

/** A Vonage webhook POSTed as JSON (answer with `answer_method: POST`, or an event). */
export const vonagePost = async (
  path: string,
  body: Record<string, unknown>,
  options: VonageOptions = {},
): Promise<ApiResponse> => {
  const raw = JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  if (options.secret && !headers.authorization)
    headers.authorization = `Bearer ${await vonageJwt(options.secret, raw)}`;
  return call('POST', path, { token: null, raw, headers });
};

/** The path (with query) of the event URL an NCCO hands Vonage. */
export const eventPathOf = (ncco: { eventUrl: string[] }[]): string => {
  const url = new URL(ncco[0].eventUrl[0]);
  return `${url.pathname}${url.search}`;
};

/** A Twilio webhook: form-encoded POST, signed when a token is given. */
export const twilioPost = async (
  pathWithQuery: string,
  fields: Record<string, string>,
  options: { token?: string; signature?: string } = {},
): Promise<ApiResponse> => {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (options.signature) headers['x-twilio-signature'] = options.signature;
  else if (options.token)
    headers['x-twilio-signature'] = twilioSignature(options.token, `${BASE}${pathWithQuery}`, fields);
  return call('POST', pathWithQuery, { token: null, raw: new URLSearchParams(fields).toString(), headers });
};

/** The statusCallback URL (path and query) in a TwiML `<Number>`. */
export const statusCallbackOf = (twiml: string): string => {
  const m = /statusCallback="([^"]+)"/.exec(twiml);
  if (!m) throw new Error(`no statusCallback in ${twiml}`);
  const url = new URL(m[1].replace(/&amp;/g, '&'));
  return `${url.pathname}${url.search}`;
};

/** Every event item of a conversation, in order (read straight from the table). */
export const eventsOf = async (
  conversationId: string,
  // biome-ignore lint/suspicious/noExplicitAny: event bodies are JSON of any shape
): Promise<{ id: number; type: string; body: any }[]> => {
  const out = await db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': `CON#${conversationId}`, ':p': 'EVT#' },
    }),
  );
  return (out.Items ?? []) as never;
};

/** How many conversations the table holds (to prove a request created none, or one). */
export const conversationCount = async (): Promise<number> => {
  const out = await db().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': 'CONS' },
      Select: 'COUNT',
    }),
  );
  return out.Count ?? 0;
};

/** How many users the table holds. */
export const userCount = async (): Promise<number> => {
  const out = await db().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': 'USRS' },
      Select: 'COUNT',
    }),
  );
  return out.Count ?? 0;
};

export const legOf = (id: string) => call('GET', `/v1/legs/${encodeURIComponent(id)}`);
