import { generateKeyPairSync, randomUUID } from 'node:crypto';
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
