import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mintToken, type TokenOptions } from '../../cli/token.ts';

const pair = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});

/** The application the tests act as: its id and key pair, made fresh for each test file. */
export const testApplication = {
  applicationId: randomUUID(),
  publicKeyPem: pair.publicKey,
  privateKeyPem: pair.privateKey,
};

export const adminToken = (options: Partial<TokenOptions> = {}) =>
  mintToken({
    applicationId: testApplication.applicationId,
    privateKeyPem: testApplication.privateKeyPem,
    ...options,
  });

export const userToken = (userName: string, options: Partial<TokenOptions> = {}) =>
  mintToken({
    applicationId: testApplication.applicationId,
    privateKeyPem: testApplication.privateKeyPem,
    sub: userName,
    ...options,
  });
