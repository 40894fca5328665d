import { createPublicKey, type KeyObject } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import { compactVerify } from 'jose';
import { config } from '../config.ts';
import { authError } from '../domain/errors.ts';
import type { SessionCaller } from '../domain/use-cases/sessions.ts';
import type { AclRules, ApiEvent, ApiResult, Caller } from './types.ts';

/** Longest a token may live, counted from its `iat` (Vonage: 24 hours). */
const MAX_TOKEN_AGE_S = 24 * 60 * 60;
/** Clock skew tolerated on `iat` and `nbf`. */
const SKEW_S = 60;
const CACHE_LIMIT = 2000;

let keyCache: { pem: string; key: KeyObject } | undefined;

const publicKey = (): KeyObject => {
  const pem = config().applicationPublicKey;
  if (keyCache?.pem !== pem) {
    if (!pem) throw new Error('APPLICATION_PUBLIC_KEY is not set');
    keyCache = { pem, key: createPublicKey(pem) };
  }
  return keyCache.key;
};

/** Verified tokens, so a client reusing its token pays for RS256 once; each entry ends with its token. */
const verified = new Map<string, Caller & { validUntil: number }>();

const numericClaim = (v: unknown): number | undefined => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return undefined;
};

const decodeClaims = (payload: Uint8Array): Record<string, unknown> => {
  try {
    const claims = JSON.parse(new TextDecoder().decode(payload));
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw authError.invalid();
    return claims;
  } catch {
    throw authError.invalid();
  }
};

/**
 * Verifies an application JWT (RS256, the application's public key) and returns who is calling, and
 * until when the token is valid: its `exp`, and at most 24 hours after its `iat`.
 * Throws the Vonage 401 errors: missing, invalid (bad signature, wrong algorithm, wrong application,
 * malformed claims, not yet valid) or expired (past `exp`, or `iat` older than 24 hours).
 */
export const verifyToken = async (token: string, nowMs = Date.now()): Promise<Caller> => {
  const now = Math.floor(nowMs / 1000);
  const hit = verified.get(token);
  if (hit) {
    if (hit.validUntil > now) return hit;
    verified.delete(token);
    throw authError.expired();
  }
  const key = publicKey();
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(token, key, { algorithms: ['RS256'] }));
  } catch {
    // With our own key in hand, whatever jose refuses is the token's fault: malformed, not RS256, or
    // signed by another key.
    throw authError.invalid();
  }
  const claims = decodeClaims(payload);
  const { applicationId } = config();
  if (claims.application_id !== applicationId) throw authError.invalid();
  const iat = numericClaim(claims.iat);
  if (iat === undefined || iat > now + SKEW_S) throw authError.invalid();
  if (typeof claims.jti !== 'string' || claims.jti === '') throw authError.invalid();
  const nbf = claims.nbf === undefined ? undefined : numericClaim(claims.nbf);
  if (claims.nbf !== undefined && (nbf === undefined || nbf > now + SKEW_S)) throw authError.invalid();
  const exp = claims.exp === undefined ? undefined : numericClaim(claims.exp);
  if (claims.exp !== undefined && exp === undefined) throw authError.invalid();
  const validUntil = Math.min(exp ?? Number.POSITIVE_INFINITY, iat + MAX_TOKEN_AGE_S);
  if (validUntil <= now) throw authError.expired();

  let caller: Caller & { validUntil: number };
  if (claims.sub === undefined) {
    caller = { kind: 'admin', applicationId, validUntil };
  } else {
    if (typeof claims.sub !== 'string' || claims.sub === '') throw authError.invalid();
    const acl = (claims.acl as { paths?: unknown } | undefined)?.paths;
    caller = {
      kind: 'user',
      applicationId,
      validUntil,
      userName: claims.sub,
      acl: typeof acl === 'object' && acl !== null && !Array.isArray(acl) ? (acl as AclRules) : {},
    };
  }
  if (verified.size >= CACHE_LIMIT) verified.delete(verified.keys().next().value as string);
  verified.set(token, caller);
  return caller;
};

/**
 * A verified caller as the Client SDK session use-cases take it: who it is, and until when (epoch ms) its
 * token keeps a session going. The socket's connect and the REST token refresh both read it here.
 */
export const sessionCallerOf = (caller: Caller): SessionCaller => {
  // Only a token has an end; credentials without one (HTTP basic) never open a session.
  if (caller.validUntil === undefined) throw authError.missing();
  return {
    actor: caller.kind === 'admin' ? { kind: 'admin' } : { kind: 'user', name: caller.userName },
    validUntilMs: caller.validUntil * 1000,
  };
};

/** Forgets verified tokens (tests that change keys or clocks). */
export const clearTokenCache = (): void => verified.clear();

const globToRegExp = (glob: string): RegExp => {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      // `/**` matches the path itself and anything below it.
      if (source.endsWith('/')) source = `${source.slice(0, -1)}(?:/.*)?`;
      else source += '.*';
      i++;
    } else if (c === '*') source += '[^/]*';
    else source += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}/?$`);
};

/** Compiled ACL globs, bounded like the token cache (a token may carry any number of globs). */
const aclPatterns = new Map<string, RegExp>();

/** A rule's `methods`: absent = every method; one string = that method; anything but a list = none. */
const methodsOf = (rule: unknown): unknown[] | undefined => {
  const methods = (rule as { methods?: unknown } | null)?.methods;
  if (methods === undefined || methods === null) return undefined;
  return typeof methods === 'string' ? [methods] : Array.isArray(methods) ? methods : [];
};

/** Whether a user token's `acl.paths` allow this method on this path (`*` = one segment, `**` = the rest). */
export const aclAllows = (acl: AclRules, method: string, path: string): boolean =>
  Object.entries(acl).some(([glob, rule]) => {
    let re = aclPatterns.get(glob);
    if (!re) {
      re = globToRegExp(glob);
      if (aclPatterns.size >= CACHE_LIMIT) aclPatterns.delete(aclPatterns.keys().next().value as string);
      aclPatterns.set(glob, re);
    }
    if (!re.test(path)) return false;
    const methods = methodsOf(rule);
    return !methods || methods.some((m) => String(m).toUpperCase() === method);
  });

const bearer = (event: ApiEvent): string | undefined => {
  const header = event.headers?.authorization ?? event.headers?.Authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw authError.invalid();
  return match[1];
};

/** Requires a valid application JWT on every request and puts the caller on `event.caller`. */
export const authenticate = (): MiddlewareObj<ApiEvent, ApiResult> => ({
  name: 'authenticate',
  before: async (request) => {
    const token = bearer(request.event);
    if (!token) throw authError.missing();
    const caller = await verifyToken(token);
    if (caller.kind === 'user') {
      const { method, path } = request.event.requestContext.http;
      if (!aclAllows(caller.acl, method.toUpperCase(), path)) throw authError.permission();
    }
    request.event.caller = caller;
  },
});

/** The caller set by `authenticate`; routes behind it always have one. */
export const callerOf = (event: ApiEvent): Caller => {
  if (!event.caller) throw authError.missing();
  return event.caller;
};

export const requireAdmin = (event: ApiEvent): void => {
  if (callerOf(event).kind !== 'admin') throw authError.adminOnly();
};
