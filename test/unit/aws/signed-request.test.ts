import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedRequest } from '../../../functions/aws/signed-request.ts';

const credentials = { accessKeyId: 'AKIDSIGNEDTEST', secretAccessKey: 'secret-for-the-test' };

interface Received {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const received: Received[] = [];
let status = 200;
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (d) => {
    body += d;
  });
  req.on('end', () => {
    received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
    res.writeHead(status, { 'content-type': 'application/json' }).end('{"message":"answer"}');
  });
});
let base = '';
const saved = { ...process.env };

beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
  process.env.AWS_REGION = 'eu-west-1';
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  process.env = saved;
  server.close();
});

/** The signature an Authorization header carries. */
const signatureIn = (headers: Record<string, unknown>) =>
  /Signature=([0-9a-f]+)/.exec(String(headers.authorization))?.[1];

/** The signature of what the server received, computed afresh from the signed headers it names. */
const signatureOf = async (
  r: Received,
  as = { service: 'execute-api', region: 'eu-west-1', credentials },
) => {
  const signedNames = /SignedHeaders=([^,]+)/.exec(String(r.headers.authorization))?.[1].split(';') ?? [];
  const headers = Object.fromEntries(signedNames.map((n) => [n, String(r.headers[n])]));
  const amzDate = String(r.headers['x-amz-date']);
  const signer = new SignatureV4({ ...as, sha256: Sha256 });
  const date = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  const again = await signer.sign(
    new HttpRequest({ method: r.method, path: r.path, headers, body: r.body || undefined }),
    { signingDate: date },
  );
  return signatureIn(again.headers);
};

describe('Function: signedRequest', () => {
  it('arrives as signed: method, path, body and the signed headers (host among them) give its signature', async () => {
    // Prepare
    received.length = 0;
    status = 200;
    // Act
    const res = await signedRequest({
      service: 'execute-api',
      method: 'POST',
      url: `${base}/@connections/abc%3D`,
      headers: { 'content-type': 'text/plain' },
      body: '42["text",{"ü":1}]',
    });
    // Assess
    const [r] = received;
    expect(res).toEqual({ status: 200, ok: true, body: '{"message":"answer"}' });
    expect([r.method, r.path, r.body]).toEqual(['POST', '/@connections/abc%3D', '42["text",{"ü":1}]']);
    expect(String(r.headers.authorization)).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDSIGNEDTEST\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=[^,]*\bhost\b[^,]*, Signature=[0-9a-f]{64}$/,
    );
    expect(await signatureOf(r)).toBe(signatureIn(r.headers));
  });

  it('answers a refusal with its status and body, and a bodiless DELETE', async () => {
    // Prepare
    received.length = 0;
    status = 410;
    // Act
    const res = await signedRequest({
      service: 'execute-api',
      method: 'DELETE',
      url: `${base}/@connections/x`,
    });
    // Assess
    expect(res).toEqual({ status: 410, ok: false, body: '{"message":"answer"}' });
    expect([received[0].method, received[0].body]).toEqual(['DELETE', '']);
    expect(await signatureOf(received[0])).toBe(signatureIn(received[0].headers));
  });

  it('signs as the identity and region it is given instead of those of the process', async () => {
    // Prepare
    received.length = 0;
    status = 200;
    const local = { accessKeyId: 'local', secretAccessKey: 'local' };
    // Act
    await signedRequest({
      service: 'dynamodb',
      method: 'POST',
      url: base,
      headers: { 'x-amz-target': 'DynamoDBStreams_20120810.GetRecords' },
      body: '{"ShardIterator":"it"}',
      as: { region: 'local', credentials: local },
    });
    // Assess
    const [r] = received;
    expect(String(r.headers.authorization)).toMatch(
      /^AWS4-HMAC-SHA256 Credential=local\/\d{8}\/local\/dynamodb\//,
    );
    expect(await signatureOf(r, { service: 'dynamodb', region: 'local', credentials: local })).toBe(
      signatureIn(r.headers),
    );
  });
});
