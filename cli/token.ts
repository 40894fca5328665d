import { createPrivateKey, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';

export interface TokenOptions {
  applicationId: string;
  privateKeyPem: string;
  /** A user name: makes a user token; without it the token is an admin token. */
  sub?: string;
  /** `acl.paths`; user tokens get full Conversation API access by default. */
  aclPaths?: Record<string, object>;
  /** Lifetime in seconds (at most 24 hours). */
  ttlSeconds?: number;
}

/** The `acl.paths` Vonage gives a Client SDK user. */
export const DEFAULT_USER_ACL: Record<string, object> = {
  '/*/users/**': {},
  '/*/conversations/**': {},
  '/*/sessions/**': {},
  '/*/devices/**': {},
  '/*/image/**': {},
  '/*/media/**': {},
  '/*/applications/**': {},
  '/*/push/**': {},
  '/*/knocking/**': {},
  '/*/legs/**': {},
};

/** Mints an RS256 application JWT the way `@vonage/jwt` does (`application_id`, `iat`, `jti`, `exp`). */
export const mintToken = async (options: TokenOptions): Promise<string> => {
  const ttl = Math.min(options.ttlSeconds ?? 900, 24 * 60 * 60);
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = { application_id: options.applicationId };
  if (options.sub !== undefined) claims.acl = { paths: options.aclPaths ?? DEFAULT_USER_ACL };
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setIssuedAt(now)
    .setJti(randomUUID())
    .setExpirationTime(now + ttl);
  if (options.sub !== undefined) jwt.setSubject(options.sub);
  return jwt.sign(createPrivateKey(options.privateKeyPem));
};
