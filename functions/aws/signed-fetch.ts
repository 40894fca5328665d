/**
 * A SigV4-signed `fetch` to an AWS service endpoint: for the few calls whose full SDK client would cost a
 * Lambda bundle far more than the call (the API Gateway Management API's `POST /@connections/{id}`,
 * Lambda's asynchronous Invoke). The signer, the hash and the credential chain are the ones the DynamoDB
 * client already brings. Locally (an `http://` endpoint, the dev server's emulation) the signature is
 * made with placeholder credentials and not checked.
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, Provider } from '@smithy/types';

export interface SignedRequest {
  /** The signing name of the service: `execute-api`, `lambda`, `sqs`. */
  service: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

const localCredentials: AwsCredentialIdentity = {
  accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'local',
  secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
};

let credentials: Provider<AwsCredentialIdentity> | undefined;
const signers = new Map<string, SignatureV4>();

const signerFor = (service: string, local: boolean): SignatureV4 => {
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const id = `${service}:${local}`;
  let signer = signers.get(id);
  if (!signer) {
    credentials ??= defaultProvider();
    signer = new SignatureV4({
      service,
      region,
      sha256: Sha256,
      credentials: local ? localCredentials : credentials,
    });
    signers.set(id, signer);
  }
  return signer;
};

/** Sends one signed request; the response is the caller's to read. */
export const signedFetch = async (request: SignedRequest): Promise<Response> => {
  const url = new URL(request.url);
  const local = url.protocol === 'http:';
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  const signed = await signerFor(request.service, local).sign({
    method: request.method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    query,
    headers: { host: url.host, ...request.headers },
    body: request.body,
  });
  const headers = { ...(signed.headers as Record<string, string>) };
  delete headers.host;
  return fetch(url, { method: request.method, headers, body: request.body });
};
