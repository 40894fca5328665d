import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ParleyApp } from '../../infra/parley-app.ts';
import type { ParleyFunction } from '../../infra/parley-function.ts';
import { allowedPairs, functionId, roleId, roleStatements, templateOf, testApp } from './support.ts';

const XRAY_PAIRS = ['Allow xray:PutTelemetryRecords on "*"', 'Allow xray:PutTraceSegments on "*"'];

describe('Construct: ParleyWebhooks', () => {
  let app: ParleyApp;
  let template: Template;
  let tableArn: string;
  const idOf = (construct: { node: { defaultChild?: unknown } }) =>
    app.stack.getLogicalId(construct.node.defaultChild as never);
  const logPairs = (fn: ParleyFunction) => {
    const logs = JSON.stringify({ 'Fn::GetAtt': [idOf(fn.logGroup), 'Arn'] });
    return [`Allow logs:CreateLogStream on ${logs}`, `Allow logs:PutLogEvents on ${logs}`];
  };
  const queueArn = (which: 'queue' | 'deadLetterQueue') =>
    JSON.stringify({ 'Fn::GetAtt': [idOf(app.stack.webhooks[which]), 'Arn'] });
  const environmentOf = (t: Template, a: ParleyApp, fn: ParleyFunction) =>
    t.findResources('AWS::Lambda::Function')[functionId(a, fn)].Properties.Environment.Variables;

  beforeAll(() => {
    app = testApp();
    template = templateOf(app);
    const tableId = Object.keys(template.findResources('AWS::DynamoDB::GlobalTable'))[0];
    tableArn = JSON.stringify({ 'Fn::GetAtt': [tableId, 'Arn'] });
  });

  it('queues deliveries on an encrypted, TLS-only SQS FIFO queue per conversation, with a FIFO dead-letter queue', () => {
    // Assess
    const dlq = idOf(app.stack.webhooks.deadLetterQueue);
    template.hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: true,
      ContentBasedDeduplication: false,
      DeduplicationScope: 'messageGroup',
      FifoThroughputLimit: 'perMessageGroupId',
      VisibilityTimeout: 360,
      MessageRetentionPeriod: 4 * 86_400,
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] }, maxReceiveCount: 15 },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: true,
      MessageRetentionPeriod: 14 * 86_400,
      SqsManagedSseEnabled: true,
      RedrivePolicy: Match.absent(),
    });
    for (const q of [app.stack.webhooks.queue, app.stack.webhooks.deadLetterQueue])
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: idOf(q) }],
        PolicyDocument: {
          Statement: [
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ],
        },
      });
  });

  it('feeds the sender from the queue in batches of 10, failures reported per message', () => {
    // Assess
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [idOf(app.stack.webhooks.queue), 'Arn'] },
      FunctionName: { Ref: functionId(app, app.stack.webhooks.senderFunction) },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('allows the sender exactly: Get/UpdateItem on the table, consuming the queue, sending to the dead-letter queue', () => {
    // Act
    const fn = app.stack.webhooks.senderFunction;
    const pairs = allowedPairs(roleStatements(template, roleId(app, fn)));

    // Assess
    const queue = queueArn('queue');
    expect(pairs).toEqual(
      [
        `Allow dynamodb:GetItem on ${tableArn}`,
        `Allow dynamodb:UpdateItem on ${tableArn}`,
        ...[
          'sqs:ChangeMessageVisibility',
          'sqs:DeleteMessage',
          'sqs:GetQueueAttributes',
          'sqs:GetQueueUrl',
          'sqs:ReceiveMessage',
        ].map((a) => `Allow ${a} on ${queue}`),
        ...['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'].map(
          (a) => `Allow ${a} on ${queueArn('deadLetterQueue')}`,
        ),
        ...logPairs(fn),
        ...XRAY_PAIRS,
      ].sort(),
    );
  });

  it('allows the admin Lambda the table reads and writes it makes, Query on gsi1, and sending to the queue', () => {
    // Act
    const fn = app.stack.webhooks.adminFunction;
    const pairs = allowedPairs(roleStatements(template, roleId(app, fn)));

    // Assess
    const gsi1 = JSON.stringify({ 'Fn::Join': ['', [JSON.parse(tableArn), '/index/gsi1']] });
    expect(pairs).toEqual(
      [
        ...['GetItem', 'PutItem', 'Query', 'UpdateItem'].map((a) => `Allow dynamodb:${a} on ${tableArn}`),
        `Allow dynamodb:Query on ${gsi1}`,
        ...['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'].map(
          (a) => `Allow ${a} on ${queueArn('queue')}`,
        ),
        ...logPairs(fn),
        ...XRAY_PAIRS,
      ].sort(),
    );
  });

  it("lets the fan-out write delivery records and send to the queue, and nothing of the dead-letter queue's", () => {
    // Act
    const pairs = allowedPairs(roleStatements(template, roleId(app, app.stack.fanOutFunction)));

    // Assess
    expect(pairs).toEqual(
      expect.arrayContaining([
        `Allow dynamodb:GetItem on ${tableArn}`,
        `Allow dynamodb:PutItem on ${tableArn}`,
        `Allow sqs:SendMessage on ${queueArn('queue')}`,
      ]),
    );
    expect(pairs.filter((p) => p.includes(queueArn('deadLetterQueue')))).toEqual([]);
    expect(environmentOf(template, app, app.stack.fanOutFunction)).toMatchObject({
      WEBHOOK_QUEUE_URL: { Ref: idOf(app.stack.webhooks.queue) },
    });
  });

  it('lets the socket Lambda send to the delivery queue (the events the API does not store), and nothing of the dead-letter queue', () => {
    // Act
    const fn = app.stack.realtime.socketFunction;
    const pairs = allowedPairs(roleStatements(template, roleId(app, fn)));

    // Assess
    const sqs = pairs.filter((p) => p.includes(' sqs:'));
    expect(sqs).toEqual(
      ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'].map(
        (a) => `Allow ${a} on ${queueArn('queue')}`,
      ),
    );
    // The application settings and the delivery record: a read and a conditional put.
    expect(pairs).toEqual(
      expect.arrayContaining([
        `Allow dynamodb:GetItem on ${tableArn}`,
        `Allow dynamodb:PutItem on ${tableArn}`,
      ]),
    );
    expect(environmentOf(template, app, fn)).toMatchObject({
      WEBHOOK_QUEUE_URL: { Ref: idOf(app.stack.webhooks.queue) },
    });
  });

  it('alarms when anything is dead-lettered and when a dead letter is more than a day old', () => {
    // Assess
    const dimensions = [
      { Name: 'QueueName', Value: { 'Fn::GetAtt': [idOf(app.stack.webhooks.deadLetterQueue), 'QueueName'] } },
    ];
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: dimensions,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: dimensions,
      Threshold: 86_400,
    });
  });

  it('routes /v2/applications and /v1/webhooks to the admin Lambda', () => {
    // Assess
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => r.Properties.RouteKey,
    );
    expect(routes).toEqual(
      expect.arrayContaining(['ANY /v2/applications/{proxy+}', 'ANY /v1/webhooks/{proxy+}']),
    );
    const integrations = Object.values(template.findResources('AWS::ApiGatewayV2::Integration')).map((i) =>
      JSON.stringify(i.Properties.IntegrationUri),
    );
    expect(integrations).toContain(
      JSON.stringify({ 'Fn::GetAtt': [functionId(app, app.stack.webhooks.adminFunction), 'Arn'] }),
    );
  });

  it('takes the delivery policy and the seed event URL from context, and secrets only as SSM parameters', () => {
    // Prepare
    const configured = testApp({
      webhookEventUrl: 'https://app.example.com/webhooks/event',
      webhookSignatureSecretParameter: '/parley/webhook-signature-secret',
      vonageApiKey: 'abcd1234',
      vonageApiSecretParameter: '/parley/vonage-api-secret',
      webhookPolicy: { WEBHOOK_MAX_ATTEMPTS: '4', WEBHOOK_RETRY_BASE_MS: '1000' },
    });

    // Act
    const t = templateOf(configured);
    const parameters = t.findParameters('*', { Type: 'AWS::SSM::Parameter::Value<String>' });
    const ref = (name: string) => ({
      Ref: Object.keys(parameters).find((id) => parameters[id].Default === name),
    });
    const sender = environmentOf(t, configured, configured.stack.webhooks.senderFunction);
    const admin = environmentOf(t, configured, configured.stack.webhooks.adminFunction);

    // Assess
    const shared = {
      WEBHOOK_EVENT_URL: 'https://app.example.com/webhooks/event',
      VONAGE_API_KEY: 'abcd1234',
      WEBHOOK_MAX_ATTEMPTS: '4',
      WEBHOOK_RETRY_BASE_MS: '1000',
    };
    expect(sender).toMatchObject({
      ...shared,
      WEBHOOK_SIGNATURE_SECRET: ref('/parley/webhook-signature-secret'),
    });
    expect(admin).toMatchObject({ ...shared, VONAGE_API_SECRET: ref('/parley/vonage-api-secret') });
    expect(sender).not.toHaveProperty('VONAGE_API_SECRET');
    expect(admin).not.toHaveProperty('WEBHOOK_SIGNATURE_SECRET');
    t.hasResourceProperties('AWS::SQS::Queue', { RedrivePolicy: Match.objectLike({ maxReceiveCount: 9 }) });
  });

  it('gives the sender the Twilio auth token (as an SSM parameter) to sign post-events, and the queueing Lambdas the account SID only', () => {
    // Prepare
    const configured = testApp({
      twilioAccountSid: `AC${'a'.repeat(32)}`,
      twilioAuthTokenParameter: '/parley/twilio-auth-token',
    });

    // Act
    const t = templateOf(configured);
    const parameters = t.findParameters('*', { Type: 'AWS::SSM::Parameter::Value<String>' });
    const tokenRef = {
      Ref: Object.keys(parameters).find((id) => parameters[id].Default === '/parley/twilio-auth-token'),
    };
    const sender = environmentOf(t, configured, configured.stack.webhooks.senderFunction);
    const admin = environmentOf(t, configured, configured.stack.webhooks.adminFunction);
    const fanOut = environmentOf(t, configured, configured.stack.fanOutFunction);

    // Assess
    const account = { TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}` };
    expect(sender).toMatchObject({ ...account, TWILIO_AUTH_TOKEN: tokenRef });
    expect(admin).toMatchObject(account);
    expect(fanOut).toMatchObject(account);
    expect(admin).not.toHaveProperty('TWILIO_AUTH_TOKEN');
    expect(fanOut).not.toHaveProperty('TWILIO_AUTH_TOKEN');
  });
});
