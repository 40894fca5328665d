import { Capture, Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE } from '../../functions/store/table.ts';
import type { ParleyApp } from '../../infra/parley-app.ts';
import type { ParleyFunction } from '../../infra/parley-function.ts';
import type { LogLevel } from '../../infra/settings.ts';
import {
  allowedPairs,
  functionId,
  policiesOfRole,
  roleId,
  roleStatements,
  TEST_PUBLIC_KEY,
  templateOf,
  testApp,
  testSettings,
} from './support.ts';

// Every DynamoDB action the code uses, and where: the exact least-privilege contract of each Lambda.
const ITEM_ACTIONS = [
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DeleteItem',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:UpdateItem',
];

// X-Ray accepts no resource for these two: every function's role allows them on `*`, and nothing else there.
const XRAY_PAIRS = ['Allow xray:PutTelemetryRecords on "*"', 'Allow xray:PutTraceSegments on "*"'];

const allFunctions = (app: ParleyApp): ParleyFunction[] => [
  app.stack.apiFunction,
  app.stack.clientFunction,
  app.stack.callsFunction,
  app.stack.docsFunction,
  app.stack.voiceFunction,
  app.stack.twilioFunction,
  app.stack.sweeperFunction,
  app.stack.reaperFunction,
  app.stack.fanOutFunction,
  app.stack.realtime.socketFunction,
  app.stack.webhooks.senderFunction,
  app.stack.webhooks.adminFunction,
];

describe('Class: ParleyStack', () => {
  let app: ParleyApp;
  let template: Template;
  let tableId: string;
  let apiId: string;

  beforeAll(() => {
    app = testApp();
    template = templateOf(app);
    tableId = Object.keys(template.findResources('AWS::DynamoDB::GlobalTable'))[0];
    apiId = Object.keys(
      template.findResources('AWS::ApiGatewayV2::Api', { Properties: { ProtocolType: 'HTTP' } }),
    )[0];
  });

  const environmentOf = (fn: ParleyFunction): Record<string, unknown> =>
    template.findResources('AWS::Lambda::Function')[functionId(app, fn)].Properties.Environment.Variables;

  describe('Table', () => {
    it('is one on-demand table with the shared key schema, gsi1, TTL, PITR and a stream', () => {
      // Assess
      template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
      template.resourceCountIs('AWS::DynamoDB::Table', 0);
      template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
        ],
        AttributeDefinitions: Match.arrayWith([
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
          { AttributeName: 'gsi1pk', AttributeType: 'S' },
          { AttributeName: 'gsi1sk', AttributeType: 'S' },
        ]),
        GlobalSecondaryIndexes: [
          {
            IndexName: 'gsi1',
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        Replicas: [
          Match.objectLike({
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            DeletionProtectionEnabled: true,
          }),
        ],
      });
    });

    it('is retained when the stack is deleted, by default', () => {
      // Assess
      template.hasResource('AWS::DynamoDB::GlobalTable', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    });

    it('is deleted with the stack, and unprotected, for a dev stack (destroyOnRemoval)', () => {
      // Prepare
      const dev = templateOf(testApp({ destroyOnRemoval: true }));

      // Assess
      dev.hasResource('AWS::DynamoDB::GlobalTable', {
        DeletionPolicy: 'Delete',
        Properties: Match.objectLike({
          Replicas: [Match.objectLike({ DeletionProtectionEnabled: false })],
        }),
      });
      const policies = Object.values(dev.findResources('AWS::Logs::LogGroup')).map((g) => g.DeletionPolicy);
      // one log group per function, and the API's access logs
      // The functions' and the two APIs' access logs.
      expect(policies).toEqual(Array(allFunctions(app).length + 2).fill('Delete'));
    });
  });

  describe('Functions', () => {
    it('are Node.js 22 arm64 Lambdas with the handler export of an ESM bundle, and no others', () => {
      // Assess
      template.resourceCountIs('AWS::Lambda::Function', allFunctions(app).length);
      for (const fn of allFunctions(app)) {
        template.hasResourceProperties('AWS::Lambda::Function', {
          FunctionName: Match.absent(),
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          Handler: 'index.handler',
          Environment: { Variables: Match.objectLike({ NODE_OPTIONS: '--enable-source-maps' }) },
          Role: { 'Fn::GetAtt': [roleId(app, fn), 'Arn'] },
        });
      }
    });

    it('answer requests within 10 s with 512 MB (the docs Lambda 256 MB); the sweeper gets a minute, the reaper 5, with 256 MB', () => {
      // Assess
      const fns = template.findResources('AWS::Lambda::Function');
      const sizing = (fn: ParleyFunction) => {
        const { Timeout, MemorySize } = fns[functionId(app, fn)].Properties;
        return { Timeout, MemorySize };
      };
      expect(sizing(app.stack.apiFunction)).toEqual({ Timeout: 10, MemorySize: 512 });
      expect(sizing(app.stack.docsFunction)).toEqual({ Timeout: 10, MemorySize: 256 });
      expect(sizing(app.stack.voiceFunction)).toEqual({ Timeout: 10, MemorySize: 512 });
      expect(sizing(app.stack.twilioFunction)).toEqual({ Timeout: 10, MemorySize: 512 });
      expect(sizing(app.stack.sweeperFunction)).toEqual({ Timeout: 60, MemorySize: 256 });
      expect(sizing(app.stack.reaperFunction)).toEqual({ Timeout: 300, MemorySize: 256 });
    });

    it('each log to their own log group, kept for a month', () => {
      // Assess
      const groups = template.findResources('AWS::Logs::LogGroup');
      expect(Object.keys(groups)).toHaveLength(allFunctions(app).length + 2); // the functions' + both APIs' access logs
      for (const group of Object.values(groups)) expect(group.Properties.RetentionInDays).toBe(30);
      for (const fn of allFunctions(app)) {
        const logGroupId = app.stack.getLogicalId(fn.logGroup.node.defaultChild as never);
        expect(
          template.findResources('AWS::Lambda::Function')[functionId(app, fn)].Properties.LoggingConfig,
        ).toEqual({
          LogGroup: { Ref: logGroupId },
          LogFormat: 'JSON',
          ApplicationLogLevel: 'INFO',
          SystemLogLevel: 'INFO',
        });
      }
    });

    it.each<[LogLevel | undefined, string, string]>([
      [undefined, 'INFO', 'INFO'],
      ['DEBUG', 'DEBUG', 'DEBUG'],
      ['WARN', 'WARN', 'WARN'],
      // Lambda's own lines go no higher than WARN.
      ['ERROR', 'ERROR', 'WARN'],
    ])(
      'all log JSON at the logLevel setting (%s) and are traced by X-Ray',
      (logLevel, application, system) => {
        // Prepare
        const configured = logLevel ? templateOf(testApp({ logLevel })) : template;

        // Act: every function in the template, not only the four the stack names
        const fns = Object.entries(configured.findResources('AWS::Lambda::Function'));

        // Assess
        expect(fns.length).toBeGreaterThanOrEqual(4);
        for (const [id, fn] of fns) {
          expect(fn.Properties.LoggingConfig, id).toMatchObject({
            LogFormat: 'JSON',
            ApplicationLogLevel: application,
            SystemLogLevel: system,
          });
          expect(fn.Properties.TracingConfig, id).toEqual({ Mode: 'Active' });
        }
      },
    );

    it('all may send traces to X-Ray, from a policy that allows nothing else, in place before the function', () => {
      // Assess
      for (const [id, fn] of Object.entries(template.findResources('AWS::Lambda::Function'))) {
        const [role] = fn.Properties.Role['Fn::GetAtt'];
        const policies = policiesOfRole(template, role);
        expect(allowedPairs(roleStatements(template, role)), id).toEqual(expect.arrayContaining(XRAY_PAIRS));
        // The only `*` resource in the role, so the cdk-nag acknowledgement on that policy covers X-Ray alone.
        const wildcard = policies.filter(([, p]) =>
          allowedPairs(p.Properties.PolicyDocument.Statement).some((pair) => pair.endsWith(' on "*"')),
        );
        expect(wildcard, id).toHaveLength(1);
        const [[tracingPolicyId, tracingPolicy]] = wildcard;
        expect(allowedPairs(tracingPolicy.Properties.PolicyDocument.Statement)).toEqual(XRAY_PAIRS);
        expect(fn.DependsOn, id).toContain(tracingPolicyId);
      }
    });

    it('give the API Lambda the configuration of DESIGN §7, _links based on the API endpoint', () => {
      // Assess
      expect(environmentOf(app.stack.apiFunction)).toEqual({
        NODE_OPTIONS: '--enable-source-maps',
        TABLE_NAME: { Ref: tableId },
        APPLICATION_ID: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
        APPLICATION_PUBLIC_KEY: TEST_PUBLIC_KEY,
        PUBLIC_BASE_URL: { 'Fn::GetAtt': [apiId, 'ApiEndpoint'] },
        MAX_CALL_SECONDS: '7200',
        CORS_ORIGINS: '*',
        CURSOR_SECRET: {
          'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: cursorSecretId() }, ':SecretString:::}}']],
        },
        // Typing and ephemeral events go to the socket Lambda (test/infra/realtime.test.ts).
        SOCKET_FUNCTION_NAME: { Ref: functionId(app, app.stack.realtime.socketFunction) },
      });
    });

    const cursorSecretId = () => Object.keys(template.findResources('AWS::SecretsManager::Secret'))[0];

    it("give the API Lambda a cursor key of the deployment's own: a generated secret, resolved at deploy time", () => {
      // Assess: one secret, generated by Secrets Manager (no value in the template), retained by default.
      template.resourceCountIs('AWS::SecretsManager::Secret', 1);
      template.hasResource('AWS::SecretsManager::Secret', {
        Properties: {
          GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true },
          SecretString: Match.absent(),
        },
        DeletionPolicy: 'Retain',
      });
      // Only the Lambdas that hand out Parley's cursors have the key; the other functions never see it.
      const signers = [
        app.stack.apiFunction,
        app.stack.clientFunction,
        app.stack.callsFunction,
        app.stack.twilioFunction,
      ];
      for (const fn of signers)
        expect(environmentOf(fn).CURSOR_SECRET).toEqual(environmentOf(app.stack.apiFunction).CURSOR_SECRET);
      for (const fn of allFunctions(app).filter((f) => !signers.includes(f)))
        expect(environmentOf(fn)).not.toHaveProperty('CURSOR_SECRET');
    });

    it('take the cursor key from an SSM parameter when one is named, and generate none then', () => {
      // Prepare
      const configured = testApp({ cursorSecretParameter: '/parley/cursor-secret' });
      // Act
      const t = templateOf(configured);
      // Assess
      t.resourceCountIs('AWS::SecretsManager::Secret', 0);
      const parameters = t.findParameters('*', { Type: 'AWS::SSM::Parameter::Value<String>' });
      const id = Object.keys(parameters).find((k) => parameters[k].Default === '/parley/cursor-secret');
      expect(id).toBeDefined();
      expect(
        t.findResources('AWS::Lambda::Function')[functionId(configured, configured.stack.apiFunction)]
          .Properties.Environment.Variables.CURSOR_SECRET,
      ).toEqual({ Ref: id });
    });

    it('give the voice Lambda the same configuration but the cursor key and CORS (no browser calls it), the sweeper only the table and call limit, the reaper only the table', () => {
      // Assess
      const {
        CURSOR_SECRET: _,
        CORS_ORIGINS: _browsersOnly,
        SOCKET_FUNCTION_NAME: _ephemeralEvents,
        ...api
      } = environmentOf(app.stack.apiFunction);
      expect(environmentOf(app.stack.voiceFunction)).toEqual(api);
      expect(environmentOf(app.stack.sweeperFunction)).toEqual({
        NODE_OPTIONS: '--enable-source-maps',
        TABLE_NAME: { Ref: tableId },
        MAX_CALL_SECONDS: '7200',
      });
      expect(environmentOf(app.stack.reaperFunction)).toEqual({
        NODE_OPTIONS: '--enable-source-maps',
        TABLE_NAME: { Ref: tableId },
      });
    });

    it('give the docs Lambda no table, no application settings and no secrets: only the CORS origins', () => {
      // Assess
      const docsEnvironment = { NODE_OPTIONS: '--enable-source-maps', CORS_ORIGINS: '*' };
      expect(environmentOf(app.stack.docsFunction)).toEqual(docsEnvironment);
      const configured = testApp({
        vonageSignatureSecretParameter: '/parley/vonage-signature-secret',
        twilioAuthTokenParameter: '/parley/twilio-auth-token',
      });
      const t = templateOf(configured);
      expect(
        t.findResources('AWS::Lambda::Function')[functionId(configured, configured.stack.docsFunction)]
          .Properties.Environment.Variables,
      ).toEqual(docsEnvironment);
    });

    it('take optional limits, a custom base URL, and secrets only as SSM parameters, only on the voice Lambda', () => {
      // Prepare
      const configured = testApp({
        publicBaseUrl: 'https://parley.example.com',
        maxMembersPerConversation: 50,
        maxCallSeconds: 600,
        authorization: 'acl',
        vonageSignatureSecretParameter: '/parley/vonage-signature-secret',
        twilioAuthTokenParameter: '/parley/twilio-auth-token',
      });

      // Act
      const t = templateOf(configured);
      const env = (fn: ParleyFunction) =>
        t.findResources('AWS::Lambda::Function')[functionId(configured, fn)].Properties.Environment.Variables;

      // Assess
      const parameters = t.findParameters('*', { Type: 'AWS::SSM::Parameter::Value<String>' });
      const parameterFor = (name: string) =>
        Object.keys(parameters).find((id) => parameters[id].Default === name) as string;
      expect(env(configured.stack.voiceFunction)).toMatchObject({
        PUBLIC_BASE_URL: 'https://parley.example.com',
        MAX_MEMBERS_PER_CONVERSATION: '50',
        MAX_CALL_SECONDS: '600',
        VONAGE_SIGNATURE_SECRET: { Ref: parameterFor('/parley/vonage-signature-secret') },
        TWILIO_AUTH_TOKEN: { Ref: parameterFor('/parley/twilio-auth-token') },
      });
      expect(env(configured.stack.apiFunction)).toMatchObject({
        MAX_MEMBERS_PER_CONVERSATION: '50',
        AUTHORIZATION: 'acl',
      });
      expect(env(configured.stack.apiFunction)).not.toHaveProperty('VONAGE_SIGNATURE_SECRET');
      expect(env(configured.stack.apiFunction)).not.toHaveProperty('TWILIO_AUTH_TOKEN');
      expect(env(configured.stack.apiFunction)).not.toHaveProperty('TWILIO_API_KEY_SECRET');
      expect(env(configured.stack.sweeperFunction)).toMatchObject({ MAX_CALL_SECONDS: '600' });
    });

    it('give the Twilio Lambda the application settings, the account SID and API key SID as given, and its secrets as SSM parameters', () => {
      // Prepare
      const configured = testApp({
        twilioAccountSid: `AC${'a'.repeat(32)}`,
        twilioAuthTokenParameter: '/parley/twilio-auth-token',
        twilioApiKeySid: `SK${'b'.repeat(32)}`,
        twilioApiKeySecretParameter: '/parley/twilio-api-key-secret',
      });

      // Act
      const t = templateOf(configured);
      const env = (fn: ParleyFunction) =>
        t.findResources('AWS::Lambda::Function')[functionId(configured, fn)].Properties.Environment.Variables;

      // Assess
      const parameters = t.findParameters('*', { Type: 'AWS::SSM::Parameter::Value<String>' });
      const parameterFor = (name: string) =>
        Object.keys(parameters).find((id) => parameters[id].Default === name) as string;
      // Twilio's API is called by servers, with the account's credentials: no CORS setting.
      const {
        MAX_CALL_SECONDS: _calls,
        CORS_ORIGINS: _cors,
        SOCKET_FUNCTION_NAME: _typingGoesToSockets,
        ...applicationSettings
      } = env(configured.stack.apiFunction);
      expect(env(configured.stack.twilioFunction)).toEqual({
        ...applicationSettings,
        TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
        TWILIO_AUTH_TOKEN: { Ref: parameterFor('/parley/twilio-auth-token') },
        TWILIO_API_KEY_SID: `SK${'b'.repeat(32)}`,
        TWILIO_API_KEY_SECRET: { Ref: parameterFor('/parley/twilio-api-key-secret') },
      });
      expect(env(configured.stack.voiceFunction)).not.toHaveProperty('TWILIO_API_KEY_SECRET');
    });

    it('read the application id and public key from SSM when given parameter names', () => {
      // Prepare
      const fromSsm = testApp(
        testSettings({
          applicationId: { ssmParameter: '/parley/application-id' },
          applicationPublicKey: { ssmParameter: '/parley/application-public-key' },
        }),
      );

      // Act
      const t = templateOf(fromSsm);

      // Assess
      const parameters = t.findParameters('*', { Type: 'AWS::SSM::Parameter::Value<String>' });
      const byName = Object.fromEntries(Object.entries(parameters).map(([id, p]) => [p.Default, id]));
      t.hasResourceProperties('AWS::Lambda::Function', {
        Description: 'Parley REST API (Vonage Conversation API v1)',
        Environment: {
          Variables: Match.objectLike({
            APPLICATION_ID: { Ref: byName['/parley/application-id'] },
            APPLICATION_PUBLIC_KEY: { Ref: byName['/parley/application-public-key'] },
          }),
        },
      });
    });

    it.each([
      ['api', (a: ParleyApp) => a.stack.apiFunction],
      // The client SDK paths: a token refresh updates a session's connection and record (UpdateItem, in a transaction).
      ['client', (a: ParleyApp) => a.stack.clientFunction],
      ['voice', (a: ParleyApp) => a.stack.voiceFunction],
      ['twilio', (a: ParleyApp) => a.stack.twilioFunction],
      ['sweeper', (a: ParleyApp) => a.stack.sweeperFunction],
    ])('allow the %s Lambda exactly its log group, the table actions the code uses and X-Ray', (_, pick) => {
      // Prepare
      const fn = pick(app);

      // Act
      const statements = roleStatements(template, roleId(app, fn));

      // Assess
      const logGroupId = app.stack.getLogicalId(fn.logGroup.node.defaultChild as never);
      const table = { 'Fn::GetAtt': [tableId, 'Arn'] };
      const gsi1 = { 'Fn::Join': ['', [table, '/index/gsi1']] };
      // The API and client Lambdas also hand typing and ephemeral events to the socket Lambda.
      const socket = { 'Fn::GetAtt': [functionId(app, app.stack.realtime.socketFunction), 'Arn'] };
      const invoke = [app.stack.apiFunction, app.stack.clientFunction].includes(fn)
        ? [`Allow lambda:InvokeFunction on ${JSON.stringify(socket)}`]
        : [];
      expect(allowedPairs(statements)).toEqual(
        [
          ...invoke,
          ...ITEM_ACTIONS.map((a) => `Allow ${a} on ${JSON.stringify(table)}`),
          `Allow dynamodb:Query on ${JSON.stringify(gsi1)}`,
          `Allow logs:CreateLogStream on ${JSON.stringify({ 'Fn::GetAtt': [logGroupId, 'Arn'] })}`,
          `Allow logs:PutLogEvents on ${JSON.stringify({ 'Fn::GetAtt': [logGroupId, 'Arn'] })}`,
          ...XRAY_PAIRS,
        ].sort(),
      );
      // And no managed policy (AWSLambdaBasicExecutionRole would allow every log group).
      template.hasResourceProperties('AWS::IAM::Role', {
        ManagedPolicyArns: Match.absent(),
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
        }),
      });
      expect(template.findResources('AWS::IAM::Role')[roleId(app, fn)].Properties.ManagedPolicyArns).toBe(
        undefined,
      );
    });

    it('allow the docs Lambda only its log group and X-Ray: no DynamoDB action at all', () => {
      // Prepare
      const fn = app.stack.docsFunction;

      // Act
      const statements = roleStatements(template, roleId(app, fn));

      // Assess
      const logs = JSON.stringify({
        'Fn::GetAtt': [app.stack.getLogicalId(fn.logGroup.node.defaultChild as never), 'Arn'],
      });
      expect(allowedPairs(statements)).toEqual(
        [`Allow logs:CreateLogStream on ${logs}`, `Allow logs:PutLogEvents on ${logs}`, ...XRAY_PAIRS].sort(),
      );
      expect(allowedPairs(statements).filter((pair) => pair.includes('dynamodb:'))).toEqual([]);
      expect(template.findResources('AWS::IAM::Role')[roleId(app, fn)].Properties.ManagedPolicyArns).toBe(
        undefined,
      );
    });

    it('allow the reaper Lambda only its log group, Query and deletes on the table, reading its stream, and X-Ray', () => {
      // Prepare
      const fn = app.stack.reaperFunction;

      // Act
      const statements = roleStatements(template, roleId(app, fn));

      // Assess: no index, no Put/Update/Get, and the stream only through the event source's grant
      const logGroupId = app.stack.getLogicalId(fn.logGroup.node.defaultChild as never);
      const table = JSON.stringify({ 'Fn::GetAtt': [tableId, 'Arn'] });
      const stream = JSON.stringify({ 'Fn::GetAtt': [tableId, 'StreamArn'] });
      const logs = JSON.stringify({ 'Fn::GetAtt': [logGroupId, 'Arn'] });
      expect(allowedPairs(statements)).toEqual(
        [
          `Allow dynamodb:BatchWriteItem on ${table}`,
          `Allow dynamodb:DeleteItem on ${table}`,
          `Allow dynamodb:Query on ${table}`,
          `Allow dynamodb:DescribeStream on ${stream}`,
          `Allow dynamodb:GetRecords on ${stream}`,
          `Allow dynamodb:GetShardIterator on ${stream}`,
          `Allow dynamodb:ListStreams on ${stream}`,
          `Allow logs:CreateLogStream on ${logs}`,
          `Allow logs:PutLogEvents on ${logs}`,
          ...XRAY_PAIRS,
        ].sort(),
      );
      expect(template.findResources('AWS::IAM::Role')[roleId(app, fn)].Properties.ManagedPolicyArns).toBe(
        undefined,
      );
    });

    it('never allow Scan or a wildcard action', () => {
      // Assess
      const actions = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) =>
        p.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => s.Action),
      );
      expect(actions).not.toContain('dynamodb:Scan');
      expect(actions.filter((a: string) => a.includes('*'))).toEqual([]);
    });
  });

  describe('HTTP API', () => {
    const integrationTarget = (routeKey: string): unknown => {
      const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).filter(
        (r) => r.Properties.RouteKey === routeKey,
      );
      expect(routes, routeKey).toHaveLength(1);
      const [route] = routes;
      expect(route.Properties.AuthorizationType).toBe('NONE');
      expect(route.Properties.AuthorizerId).toBeUndefined();
      const integrationId = route.Properties.Target['Fn::Join'][1][1].Ref;
      return template.findResources('AWS::ApiGatewayV2::Integration')[integrationId].Properties
        .IntegrationUri;
    };

    it('sends ANY / and ANY /{proxy+} to the API Lambda, GET /v1/openapi.json to the docs Lambda, ANY /voice/{proxy+} to the voice Lambda, ANY /twilio/{proxy+} to the Twilio Lambda, the client SDK prefixes to the client Lambda, number routes and legs to the calls Lambda, no authorizer', () => {
      // Assess
      // The HTTP API's routes; the WebSocket API's three are test/infra/realtime.test.ts's.
      template.resourceCountIs('AWS::ApiGatewayV2::Route', 16 + 3);
      template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
      const api = { 'Fn::GetAtt': [functionId(app, app.stack.apiFunction), 'Arn'] };
      const voice = { 'Fn::GetAtt': [functionId(app, app.stack.voiceFunction), 'Arn'] };
      expect(integrationTarget('ANY /')).toEqual(api);
      expect(integrationTarget('ANY /{proxy+}')).toEqual(api);
      expect(integrationTarget('ANY /voice/{proxy+}')).toEqual(voice);
      expect(integrationTarget('ANY /twilio/{proxy+}')).toEqual({
        'Fn::GetAtt': [functionId(app, app.stack.twilioFunction), 'Arn'],
      });
      expect(integrationTarget('GET /v1/openapi.json')).toEqual({
        'Fn::GetAtt': [functionId(app, app.stack.docsFunction), 'Arn'],
      });
      for (const prefix of ['/beta/', '/beta2/', '/v0.1/', '/v0.2/', '/v0.3/'])
        expect(integrationTarget(`ANY ${prefix}{proxy+}`)).toEqual({
          'Fn::GetAtt': [functionId(app, app.stack.clientFunction), 'Arn'],
        });
      for (const route of [
        'ANY /v1/numbers',
        'ANY /v1/numbers/{proxy+}',
        'ANY /v1/legs/{proxy+}',
        'GET /v1/conversations/{conversation_id}/legs',
      ])
        expect(integrationTarget(route)).toEqual({
          'Fn::GetAtt': [functionId(app, app.stack.callsFunction), 'Arn'],
        });
      const httpIntegrations = template.findResources('AWS::ApiGatewayV2::Integration', {
        Properties: { ApiId: { Ref: apiId } },
      });
      for (const integration of Object.values(httpIntegrations))
        expect(integration.Properties).toMatchObject({
          IntegrationType: 'AWS_PROXY',
          PayloadFormatVersion: '2.0',
        });
    });

    it('serves them on an auto-deployed $default stage with access logs', () => {
      // Assess
      template.resourceCountIs('AWS::ApiGatewayV2::Stage', 2);
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        ApiId: { Ref: apiId },
        StageName: '$default',
        AutoDeploy: true,
        AccessLogSettings: {
          DestinationArn: Match.anyValue(),
          Format: Match.stringLikeRegexp('\\$context\\.requestId'),
        },
      });
    });

    it('answers CORS preflights for any origin by default, and tells the API and docs Lambdas the same', () => {
      // Assess
      template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        CorsConfiguration: {
          AllowOrigins: ['*'],
          AllowMethods: ['*'],
          AllowHeaders: ['authorization', 'content-type'],
          ExposeHeaders: ['retry-after'],
          MaxAge: 86400,
        },
      });
      expect(environmentOf(app.stack.apiFunction).CORS_ORIGINS).toBe('*');
      expect(environmentOf(app.stack.docsFunction).CORS_ORIGINS).toBe('*');
    });

    it('allows only the origins of corsOrigins when it lists them', () => {
      // Prepare
      const origins = ['https://app.example.com', 'http://localhost:5173'];
      const listed = testApp({ corsOrigins: origins });
      const t = templateOf(listed);

      // Assess
      t.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        CorsConfiguration: Match.objectLike({ AllowOrigins: origins }),
      });
      const env =
        t.findResources('AWS::Lambda::Function')[functionId(listed, listed.stack.apiFunction)].Properties
          .Environment.Variables;
      expect(env.CORS_ORIGINS).toBe(origins.join(','));
    });

    it('outputs the API URL', () => {
      // Assess
      template.hasOutput('ApiUrl', { Value: { 'Fn::GetAtt': [apiId, 'ApiEndpoint'] } });
    });
  });

  describe('Reaper stream', () => {
    it('feeds the reaper from the table stream: only TTL removals of conversation items, failures by record', () => {
      // Assess
      template.resourceCountIs('AWS::Lambda::EventSourceMapping', 3);
      const pattern = new Capture();
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: functionId(app, app.stack.reaperFunction) },
        EventSourceArn: { 'Fn::GetAtt': [tableId, 'StreamArn'] },
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 10,
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 5,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        FilterCriteria: { Filters: [{ Pattern: pattern }] },
      });
      expect(JSON.parse(pattern.asString())).toEqual({
        eventName: ['REMOVE'],
        userIdentity: { type: ['Service'], principalId: ['dynamodb.amazonaws.com'] },
        dynamodb: { Keys: { pk: { S: [{ prefix: 'CON#' }] }, sk: { S: ['CON'] } } },
      });
    });
  });

  describe('Fan-out stream', () => {
    it('feeds the fan-out new event items and edited messages only, from the latest record, failures by record, a DLQ after that', () => {
      // Assess
      const pattern = new Capture();
      const edits = new Capture();
      const dlq = new Capture();
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: functionId(app, app.stack.fanOutFunction) },
        EventSourceArn: { 'Fn::GetAtt': [tableId, 'StreamArn'] },
        StartingPosition: 'LATEST',
        ParallelizationFactor: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlq, 'Arn'] } } },
        FilterCriteria: { Filters: [{ Pattern: pattern }, { Pattern: edits }] },
      });
      expect(JSON.parse(pattern.asString())).toEqual({
        eventName: ['INSERT'],
        dynamodb: { NewImage: { _et: { S: ['event'] } } },
      });
      expect(JSON.parse(edits.asString())).toEqual({
        eventName: ['MODIFY'],
        dynamodb: {
          NewImage: { _et: { S: ['event'] }, type: { S: ['message'] }, edited: { S: [{ exists: true }] } },
        },
      });
      template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
      expect(dlq.asString()).toMatch(/FanOutDeadLetters/);
    });
  });

  describe('Sweeper schedule', () => {
    it('invokes the sweeper every 5 minutes, without retries', () => {
      // Assess
      const sweeper = functionId(app, app.stack.sweeperFunction);
      // The sweep and the socket heartbeat (test/infra/realtime.test.ts).
      template.resourceCountIs('AWS::Events::Rule', 2);
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'rate(5 minutes)',
        State: 'ENABLED',
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [sweeper, 'Arn'] } })],
      });
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        FunctionName: { 'Fn::GetAtt': [sweeper, 'Arn'] },
      });
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: sweeper },
        MaximumRetryAttempts: 0,
      });
    });
  });
});
