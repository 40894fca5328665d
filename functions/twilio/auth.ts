/**
 * HTTP basic auth as Twilio's REST API takes it: the account SID (`AC…`) and its auth token, or an API key
 * SID (`SK…`) and its secret, from configuration. Twilio's model is server-side, so whoever holds them is
 * an admin. Anything else is Twilio's 401 (code 20003); with no credentials configured every request is.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import { config } from '../config.ts';
import type { ApiEvent, ApiResult } from '../http/types.ts';
import { TwilioError } from './errors.ts';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Compares through fixed-length digests, so neither the length nor the content leaks through timing. */
const same = (a: string, b: string): boolean => timingSafeEqual(digest(a), digest(b));

/** The `user:password` pairs configured, each of which is admin. */
const acceptedPairs = (): string[] => {
  const c = config();
  const pairs: string[] = [];
  if (c.twilioAccountSid && c.twilioAuthToken) pairs.push(`${c.twilioAccountSid}:${c.twilioAuthToken}`);
  if (c.twilioApiKeySid && c.twilioApiKeySecret) pairs.push(`${c.twilioApiKeySid}:${c.twilioApiKeySecret}`);
  return pairs;
};

const headerOf = (event: ApiEvent, name: string): string | undefined => {
  for (const [k, v] of Object.entries(event.headers ?? {})) if (k.toLowerCase() === name) return v;
  return undefined;
};

const unauthorized = () => new TwilioError(20003, 401, 'Authenticate');

/** The credentials of a request, decoded, or undefined when it carries no basic auth. */
const basicOf = (event: ApiEvent): string | undefined => {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(headerOf(event, 'authorization') ?? '');
  return match ? Buffer.from(match[1], 'base64').toString('utf8') : undefined;
};

export const twilioAuth = (): MiddlewareObj<ApiEvent, ApiResult> => ({
  name: 'twilio-auth',
  before: (request) => {
    const given = basicOf(request.event);
    // Every configured pair is compared, so the answer takes as long whichever one matches.
    const matches = acceptedPairs().map((pair) => given !== undefined && same(given, pair));
    if (!matches.includes(true)) throw unauthorized();
    request.event.caller = { kind: 'admin', applicationId: config().applicationId };
  },
});
