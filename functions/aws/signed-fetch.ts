/**
 * A SigV4-signed `fetch` to an AWS service endpoint: for the few calls whose full SDK client would cost a
 * Lambda bundle far more than the call (the API Gateway Management API's `POST /@connections/{id}`,
 * Lambda's asynchronous Invoke). The signer, the hash and the credential chain are the ones the DynamoDB
 * client already brings. Locally the dev server's emulations take any signature (the dev server and the
 * tests put placeholder credentials in the environment, as for DynamoDB Local).
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

let credentials: Provider<AwsCredentialIdentity> | undefined;
/** One signer per service, sharing the process's credentials. */
const signers: Record<string, SignatureV4> = {};

const signerFor = (service: string): SignatureV4 => {
  credentials ??= defaultProvider();
  signers[service] ??= new SignatureV4({
    service,
    region: process.env.AWS_REGION ?? '',
    sha256: Sha256,
    credentials,
  });
  return signers[service];
};

/** Sends one signed request (no query string); the response is the caller's to read. */
export const signedFetch = async (request: SignedRequest): Promise<Response> => {
  const url = new URL(request.url);
  // The signature covers the method, path, headers (the host among them) and body: the signer reads
  // nothing else of a request, so the scheme, host name and port are left out.
  const signed = await signerFor(request.service).sign({
    method: request.method,
    path: url.pathname,
    headers: { host: url.host, ...request.headers },
    body: request.body,
  } as unknown as Parameters<SignatureV4['sign']>[0]);
  const headers = { ...(signed.headers as Record<string, string>) };
  delete headers.host;
  return fetch(url, { method: request.method, headers, body: request.body });
};
