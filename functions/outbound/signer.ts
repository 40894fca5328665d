/** Signs deliveries as Vonage signs its webhooks: an HS256 JWT keyed by the signature secret. */
import { SignJWT } from 'jose';
import type { Signer } from '../domain/webhook-ports.ts';

export const hs256Signer: Signer = {
  sign: (claims, secret) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode(secret)),
};
