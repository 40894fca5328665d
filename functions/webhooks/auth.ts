/**
 * Who may call the webhook admin surface: the account, as the Application API knows it. Either an admin
 * JWT of the application (the same check as the REST API: RS256, no `sub`), or HTTP basic with the API
 * key and secret of the configuration (`VONAGE_API_KEY`, `VONAGE_API_SECRET`), which is what
 * `@vonage/server-sdk`'s applications client sends. A user token is refused.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import { authError, DomainError } from '../domain/errors.ts';
import { verifyToken } from '../http/auth.ts';
import type { ApiEvent, ApiResult } from '../http/types.ts';
import { webhookConfig } from '../webhook-config.ts';

const badCredentials = () =>
  new DomainError('system:error:invalid-token', 'The API key and secret given do not match this account.');

/** Compares in constant time, whatever the lengths (both sides hashed first). */
const same = (a: string, b: string): boolean =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

const checkBasic = (encoded: string): void => {
  const { apiKey, apiSecret } = webhookConfig();
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (!apiKey || !apiSecret || colon < 0) throw badCredentials();
  const key = decoded.slice(0, colon);
  const secret = decoded.slice(colon + 1);
  // Both compared, always, so the time does not tell which one was wrong.
  const ok = [same(key, apiKey), same(secret, apiSecret)];
  if (!ok.every(Boolean)) throw badCredentials();
};

export const accountAuth = (): MiddlewareObj<ApiEvent, ApiResult> => ({
  name: 'account-auth',
  before: async (request) => {
    const header = request.event.headers?.authorization ?? request.event.headers?.Authorization;
    if (!header) throw authError.missing();
    const basic = /^Basic\s+(\S+)\s*$/i.exec(header);
    if (basic) {
      checkBasic(basic[1]);
      request.event.caller = { kind: 'admin', applicationId: '' };
      return;
    }
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!bearer) throw authError.invalid();
    const caller = await verifyToken(bearer[1]);
    if (caller.kind !== 'admin') throw authError.adminOnly();
    request.event.caller = caller;
  },
});
