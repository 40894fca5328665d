import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DevApplication {
  applicationId: string;
  publicKeyPem: string;
  /** Where the private key is, when Parley made it (absent when the key came from the environment). */
  privateKeyPath?: string;
  privateKeyPem?: string;
  source: 'environment' | 'dev';
}

/**
 * The application whose tokens the local server accepts: APPLICATION_ID + APPLICATION_PUBLIC_KEY from the
 * environment when both are set (bring your Vonage application's key), else a dev key pair made once and
 * kept under `dir`.
 */
export const loadDevApplication = (dir: string, env: NodeJS.ProcessEnv = process.env): DevApplication => {
  if (env.APPLICATION_ID && env.APPLICATION_PUBLIC_KEY) {
    return {
      applicationId: env.APPLICATION_ID,
      publicKeyPem: env.APPLICATION_PUBLIC_KEY.replace(/\\n/g, '\n'),
      source: 'environment',
    };
  }
  mkdirSync(dir, { recursive: true });
  const appFile = join(dir, 'application.json');
  const privateKeyPath = join(dir, 'private.key');
  const publicKeyPath = join(dir, 'public.key');
  if (!existsSync(appFile) || !existsSync(privateKeyPath) || !existsSync(publicKeyPath)) {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    writeFileSync(privateKeyPath, privateKey, { mode: 0o600 });
    writeFileSync(publicKeyPath, publicKey);
    writeFileSync(appFile, `${JSON.stringify({ application_id: randomUUID() }, null, 2)}\n`);
  }
  return {
    applicationId: JSON.parse(readFileSync(appFile, 'utf8')).application_id,
    publicKeyPem: readFileSync(publicKeyPath, 'utf8'),
    privateKeyPath,
    privateKeyPem: readFileSync(privateKeyPath, 'utf8'),
    source: 'dev',
  };
};

export interface DevTwilioAccount {
  accountSid: string;
  authToken: string;
  source: 'environment' | 'dev';
}

/**
 * The Twilio account the local Twilio Conversations surface accepts: TWILIO_ACCOUNT_SID + TWILIO_AUTH_TOKEN
 * from the environment when both are set, else a dev account SID and auth token made once and kept under
 * `dir` (they also sign-check the local Twilio voice webhooks, as Twilio's own token would).
 */
export const loadDevTwilioAccount = (dir: string, env: NodeJS.ProcessEnv = process.env): DevTwilioAccount => {
  if (env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN)
    return { accountSid: env.TWILIO_ACCOUNT_SID, authToken: env.TWILIO_AUTH_TOKEN, source: 'environment' };
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'twilio.json');
  if (!existsSync(file)) {
    const account = {
      account_sid: `AC${randomBytes(16).toString('hex')}`,
      auth_token: randomBytes(16).toString('hex'),
    };
    writeFileSync(file, `${JSON.stringify(account, null, 2)}\n`, { mode: 0o600 });
  }
  const { account_sid, auth_token } = JSON.parse(readFileSync(file, 'utf8'));
  return { accountSid: account_sid, authToken: auth_token, source: 'dev' };
};
