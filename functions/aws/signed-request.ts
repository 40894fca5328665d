/**
 * A SigV4-signed request to an AWS service endpoint: for the few calls whose full SDK client would cost a
 * Lambda bundle far more than the call (the API Gateway Management API's `POST /@connections/{id}`,
 * Lambda's asynchronous Invoke). The signer, the hash, the credential chain and the HTTP handler are the
 * ones the DynamoDB client already brings. Locally the dev server's emulations take any signature (the dev
 * server and the tests put placeholder credentials in the environment, as for DynamoDB Local).
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, Provider } from '@smithy/types';

export interface SignedRequest {
  /** The signing name of the service: `execute-api`, `lambda`, `sqs`. */
  service: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Who signs, where not this process's own credentials and region (DynamoDB Local's placeholders). */
  as?: { region: string; credentials: AwsCredentialIdentity };
}

let credentials: Provider<AwsCredentialIdentity> | undefined;
const processCredentials = (): Provider<AwsCredentialIdentity> => {
  credentials ??= defaultProvider();
  return credentials;
};

/** One signer per service (and per identity given instead of the process's credentials). */
const signers: Record<string, SignatureV4> = {};

const signerFor = (service: string, as: SignedRequest['as']): SignatureV4 => {
  const key = as ? `${service} ${as.region} ${as.credentials.accessKeyId}` : service;
  signers[key] ??= new SignatureV4({
    service,
    region: as?.region ?? process.env.AWS_REGION ?? '',
    sha256: Sha256,
    credentials: as?.credentials ?? processCredentials(),
  });
  return signers[key];
};

let handler: NodeHttpHandler | undefined;

/** What a signed request answered: its status and its whole body. */
export interface SignedResponse {
  status: number;
  ok: boolean;
  body: string;
}

/**
 * Sends one signed request (no query string) over the HTTP handler the SDK clients use (kept-alive
 * sockets), and reads the whole answer.
 */
export const signedRequest = async (request: SignedRequest): Promise<SignedResponse> => {
  const url = new URL(request.url);
  const signed = await signerFor(request.service, request.as).sign(
    new HttpRequest({
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      headers: {
        host: url.host,
        ...request.headers,
        ...(request.body !== undefined ? { 'content-length': String(Buffer.byteLength(request.body)) } : {}),
      },
      body: request.body,
    }),
  );
  handler ??= new NodeHttpHandler({ connectionTimeout: 5_000, requestTimeout: 10_000 });
  const { response } = await handler.handle(signed as HttpRequest);
  const chunks: Buffer[] = [];
  for await (const chunk of response.body as AsyncIterable<Buffer>) chunks.push(chunk);
  const status = response.statusCode;
  return { status, ok: status >= 200 && status < 300, body: Buffer.concat(chunks).toString('utf8') };
};
