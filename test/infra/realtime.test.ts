import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ParleyApp } from '../../infra/parley-app.ts';
import { SOCKET_STAGE, SOCKET_TABLE_ACTIONS } from '../../infra/realtime.ts';
import { allowedPairs, functionId, roleId, roleStatements, templateOf, testApp } from './support.ts';

describe('Class: ParleyRealtime', () => {
  let app: ParleyApp;
  let template: Template;
  let socketId: string;

  beforeAll(() => {
    app = testApp();
    template = templateOf(app);
    socketId = functionId(app, app.stack.realtime.socketFunction);
  });

  it('is a WebSocket API of its own, with $connect, $default and $disconnect to the socket Lambda', () => {
    // Assess
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'WEBSOCKET' });
    const routes = template.findResources('AWS::ApiGatewayV2::Route', {
      Properties: { ApiId: { Ref: Match.stringLikeRegexp('^RealtimeApi') } },
    });
    expect(
      Object.values(routes)
        .map((r) => r.Properties.RouteKey)
        .sort(),
    ).toEqual(['$connect', '$default', '$disconnect']);
    const integrations = template.findResources('AWS::ApiGatewayV2::Integration', {
      Properties: { IntegrationType: 'AWS_PROXY' },
    });
    const socketIntegrations = Object.values(integrations).filter((i) =>
      JSON.stringify(i.Properties.IntegrationUri).includes(socketId),
    );
    expect(socketIntegrations).toHaveLength(1);
  });

  it('answers $default frames synchronously through a route response', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::RouteResponse', { RouteResponseKey: '$default' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: '$default',
      RouteResponseSelectionExpression: '$default',
    });
  });

  it('deploys the stage the SDKs name as their socket path, with access logs that leave the query out', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: SOCKET_STAGE,
      AutoDeploy: true,
      AccessLogSettings: {
        DestinationArn: Match.anyValue(),
        Format: Match.not(Match.stringLikeRegexp('query')),
      },
    });
    template.hasOutput('WebSocketUrl', {
      Value: { 'Fn::Join': ['', Match.arrayWith(['wss://', Match.stringLikeRegexp(`/${SOCKET_STAGE}$`)])] },
    });
  });

  it('gives the socket Lambda its table actions, posts to its own stage, invoking itself and queueing webhook deliveries, nothing more', () => {
    const pairs = allowedPairs(roleStatements(template, roleId(app, app.stack.realtime.socketFunction)));
    const actions = [...new Set(pairs.map((p) => p.split(' ')[1]))].sort();
    expect(actions).toEqual(
      [
        ...SOCKET_TABLE_ACTIONS,
        'execute-api:ManageConnections',
        'lambda:InvokeFunction',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:SendMessage',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ].sort(),
    );
    const manage = pairs.filter((p) => p.includes('execute-api:ManageConnections'));
    expect(manage).toHaveLength(2);
    for (const p of manage) expect(p).toMatch(new RegExp(`/${SOCKET_STAGE}/(POST|DELETE)/@connections/\\*`));
    const invoke = pairs.filter((p) => p.includes('lambda:InvokeFunction'));
    expect(invoke).toEqual([`Allow lambda:InvokeFunction on {"Fn::GetAtt":["${socketId}","Arn"]}`]);
  });

  it('lets the API Lambda hand events it does not store to the socket Lambda, and only that', () => {
    const pairs = allowedPairs(roleStatements(template, roleId(app, app.stack.apiFunction)));
    expect(pairs.filter((p) => p.includes('lambda:'))).toEqual([
      `Allow lambda:InvokeFunction on {"Fn::GetAtt":["${socketId}","Arn"]}`,
    ]);
    expect(pairs.filter((p) => p.includes('execute-api:'))).toEqual([]);
    const env =
      template.findResources('AWS::Lambda::Function')[functionId(app, app.stack.apiFunction)].Properties
        .Environment.Variables;
    expect(env.SOCKET_FUNCTION_NAME).toEqual({ Ref: socketId });
  });

  it('runs the heartbeat on a schedule inside the 10-minute idle limit', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(4 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [socketId, 'Arn'] } })],
    });
    const env = template.findResources('AWS::Lambda::Function')[socketId].Properties.Environment.Variables;
    expect(env).toMatchObject({ SOCKET_PING_INTERVAL_S: '240', WEBSOCKET_MANAGEMENT_URL: expect.anything() });
    expect(Number(env.SOCKET_PING_INTERVAL_S)).toBeLessThan(600);
  });
});
