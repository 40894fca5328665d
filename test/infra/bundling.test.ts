import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { adminToken } from '../support/tokens.ts';
import { testApp } from './support.ts';

describe('Bundling (esbuild, no Docker)', () => {
  it('bundles the API and docs Lambdas into self-contained ESM files that load and answer', {
    timeout: 120_000,
  }, async () => {
    // Prepare: the only test that really runs esbuild (all stacks bundled).
    const { app, stack } = testApp({}, {});

    // Act
    const template = Template.fromStack(stack);

    // Assess: the function's code is an asset directory holding index.mjs and its source map.
    const apiId = stack.getLogicalId(stack.apiFunction.function.node.defaultChild as CfnFunction);
    const s3Key: string = template.findResources('AWS::Lambda::Function')[apiId].Properties.Code.S3Key;
    const bundle = join(app.outdir, `asset.${s3Key.replace(/\.zip$/, '')}`, 'index.mjs');
    expect(existsSync(bundle)).toBe(true);
    expect(existsSync(`${bundle}.map`)).toBe(true);
    expect(statSync(bundle).size).toBeGreaterThan(10_000);

    // It carries none of the AWS SDK's credential sources that never apply in Lambda (SSO, web identity).
    const code = readFileSync(bundle, 'utf8');
    expect(code).not.toContain('sso_start_url');
    expect(code).not.toContain('AssumeRoleWithWebIdentity');

    // The bundle carries its own dependencies (AWS SDK included) and runs as ESM, configured as in Lambda:
    // no DynamoDB endpoint of Parley's own, the credentials in the environment (here the SDK's endpoint
    // variable points it at DynamoDB Local). A request without a token gets the Vonage 401 without touching
    // DynamoDB; an admin's list is read from the table.
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: process.env.DYNAMODB_ENDPOINT,
      DYNAMODB_ENDPOINT: '',
      AWS_ACCESS_KEY_ID: 'bundletest',
      AWS_SECRET_ACCESS_KEY: 'bundletest',
      AWS_SESSION_TOKEN: 'bundletest',
    });
    try {
      const { handler } = await import(bundle);
      const get = async (path: string, headers: Record<string, string> = {}) =>
        (await handler(
          {
            version: '2.0',
            routeKey: '$default',
            rawPath: path,
            rawQueryString: '',
            headers,
            requestContext: { http: { method: 'GET', path }, requestId: 'bundle-test' },
            isBase64Encoded: false,
          },
          {},
        )) as APIGatewayProxyStructuredResultV2;
      const refused = await get('/v1/conversations');
      expect(refused.statusCode).toBe(401);
      expect(JSON.parse(refused.body as string)).toMatchObject({ code: 'system:error:missing-token' });
      const listed = await get('/v1/users', { authorization: `Bearer ${await adminToken()}` });
      expect(listed.statusCode).toBe(200);
      expect(JSON.parse(listed.body as string)).toHaveProperty('_embedded.users');
    } finally {
      process.env = saved;
    }

    // The docs Lambda's bundle is small (no AWS SDK: it never loads the store) and serves the document
    // without a token.
    const docsId = stack.getLogicalId(stack.docsFunction.function.node.defaultChild as CfnFunction);
    const docsKey: string = template.findResources('AWS::Lambda::Function')[docsId].Properties.Code.S3Key;
    const docsBundle = join(app.outdir, `asset.${docsKey.replace(/\.zip$/, '')}`, 'index.mjs');
    expect(statSync(docsBundle).size).toBeLessThan(100_000);
    const docs = await import(docsBundle);
    const served = (await docs.handler(
      {
        version: '2.0',
        routeKey: 'GET /v1/openapi.json',
        rawPath: '/v1/openapi.json',
        rawQueryString: '',
        headers: {},
        requestContext: { http: { method: 'GET', path: '/v1/openapi.json' }, requestId: 'bundle-test' },
        isBase64Encoded: false,
      },
      {},
    )) as APIGatewayProxyStructuredResultV2;
    expect(served.statusCode).toBe(200);
    expect(JSON.parse(served.body as string)).toMatchObject({ openapi: '3.1.0' });
  });
});
