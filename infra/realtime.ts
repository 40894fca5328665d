import { type CfnElement, Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { LogGroupLogDestination, WebSocketApi, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { bindTable, ParleyFunction } from './parley-function.ts';
import type { LogLevel } from './settings.ts';

/** The stage the Client SDKs connect to: their socket `path` is `/rtc` (nexmo-client's `path`, @vonage's `websocketPath`). */
export const SOCKET_STAGE = 'rtc';

/** How often the heartbeat pings every session; the same default as `SOCKET_PING_INTERVAL_S`. */
export const HEARTBEAT_MINUTES = 4;

/**
 * The table actions the socket Lambda uses: connections (get, put, delete, query), the reads of a resume,
 * and for an ephemeral event's webhook the application settings (get) and its delivery record (put, get).
 */
export const SOCKET_TABLE_ACTIONS = [
  'dynamodb:BatchGetItem',
  'dynamodb:DeleteItem',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
] as const;

export interface RealtimeProps {
  table: ITableV2;
  /** The application settings every function that verifies tokens or presents events gets. */
  environment: Record<string, string>;
  removalPolicy: RemovalPolicy;
  logLevel?: LogLevel;
}

/**
 * The Client SDKs' realtime side: an API Gateway WebSocket API (its own endpoint) whose `$connect`,
 * `$default` (with a route response, for what the protocol answers at once) and `$disconnect` routes go to
 * the socket Lambda; the Lambda's asynchronous invocation of itself (the greeting a `$connect` cannot
 * post); and the heartbeat schedule, well inside API Gateway's 10-minute idle limit. `grantPush` lets
 * another function (the fan-out, the API's ephemeral path) post to the sessions.
 */
export class ParleyRealtime extends Construct {
  readonly api: WebSocketApi;
  readonly stage: WebSocketStage;
  readonly socketFunction: ParleyFunction;

  constructor(scope: Construct, id: string, props: RealtimeProps) {
    super(scope, id);
    this.socketFunction = new ParleyFunction(this, 'Socket', {
      entry: 'functions/socket/handler.ts',
      description: 'Parley Client SDK sockets ($connect, $default, $disconnect, greeting, heartbeat)',
      logRetention: RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy,
      logLevel: props.logLevel,
      // A greeting retries its posts for a few seconds; a heartbeat round walks every session.
      timeout: Duration.seconds(60),
      // A missed heartbeat round is followed by the next; retries would only overlap it.
      retryAttempts: 0,
      environment: {
        ...props.environment,
        SOCKET_PING_INTERVAL_S: String(HEARTBEAT_MINUTES * 60),
      },
    });
    bindTable(this.socketFunction, props.table, {
      item: SOCKET_TABLE_ACTIONS,
      index: ['dynamodb:Query'],
    });

    const integration = new WebSocketLambdaIntegration('SocketIntegration', this.socketFunction.function);
    this.api = new WebSocketApi(this, 'Api', {
      description: 'Parley: the Vonage Client SDKs socket (engine.io / socket.io over WebSocket)',
      connectRouteOptions: { integration },
      disconnectRouteOptions: { integration },
      defaultRouteOptions: { integration, returnResponse: true },
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy,
    });
    this.stage = new WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName: SOCKET_STAGE,
      autoDeploy: true,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // No query string: the token a client puts there never reaches the access log.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            time: '$context.requestTime',
            routeKey: '$context.routeKey',
            eventType: '$context.eventType',
            connectionId: '$context.connectionId',
            status: '$context.status',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    for (const route of this.api.node.findAll())
      if (route.node.id.endsWith('-Route'))
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'The socket Lambda verifies the RS256 application JWT itself at $connect (the same code as the dev server); frames after it belong to that verified connection.',
        });

    this.grantPush(this.socketFunction);
    // Its own greeting: the function invokes itself (by the name Lambda gives it at run time). A policy
    // of its own, so the function does not depend on a statement that names it.
    new Policy(this, 'SelfInvoke', {
      roles: [this.socketFunction.role],
      statements: [
        new PolicyStatement({
          actions: ['lambda:InvokeFunction'],
          resources: [this.socketFunction.function.functionArn],
        }),
      ],
    });

    new Rule(this, 'Heartbeat', {
      description: 'Pings every Client SDK session and ends those whose token expired',
      schedule: Schedule.rate(Duration.minutes(HEARTBEAT_MINUTES)),
      targets: [new LambdaFunction(this.socketFunction.function, { retryAttempts: 0 })],
    });
  }

  /**
   * Lets a function hand the socket Lambda the events it does not store (the API: typing, `ephemeral`):
   * SOCKET_FUNCTION_NAME, and invoking that one function.
   */
  grantAnnounce(fn: ParleyFunction): void {
    new Policy(fn, 'AnnounceToSockets', {
      roles: [fn.role],
      statements: [
        new PolicyStatement({
          actions: ['lambda:InvokeFunction'],
          resources: [this.socketFunction.function.functionArn],
        }),
      ],
    });
    fn.addEnvironment('SOCKET_FUNCTION_NAME', this.socketFunction.function.functionName);
  }

  /** Lets a function post to (and close) the sessions: `WEBSOCKET_MANAGEMENT_URL` and `ManageConnections` on this stage. */
  grantPush(fn: ParleyFunction): void {
    const stack = Stack.of(this);
    const policy = new Policy(fn, 'PushToSockets', {
      roles: [fn.role],
      statements: [
        new PolicyStatement({
          actions: ['execute-api:ManageConnections'],
          resources: ['POST', 'DELETE'].map((method) =>
            stack.formatArn({
              service: 'execute-api',
              resource: this.api.apiId,
              resourceName: `${this.stage.stageName}/${method}/@connections/*`,
            }),
          ),
        }),
      ],
    });
    const apiId = stack.getLogicalId(this.api.node.defaultChild as CfnElement);
    for (const method of ['POST', 'DELETE'])
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${apiId}>/${SOCKET_STAGE}/${method}/@connections/*]`,
        reason:
          'Connection ids are made by API Gateway at connect time: the resource names this API, this stage and the method, and leaves only the connection id open.',
      });
    fn.addEnvironment('WEBSOCKET_MANAGEMENT_URL', this.stage.callbackUrl);
  }
}
