import {
  Annotations,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { AccessLogField, AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, Billing, StreamViewType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { CALLS_ROUTES } from '../functions/api/calls-paths.ts';
import { CLIENT_PREFIXES } from '../functions/api/client-paths.ts';
import { TABLE } from '../functions/store/table.ts';
import { bindTable, ParleyFunction, REAPER_TABLE_ACTIONS } from './parley-function.ts';
import { ParleyRealtime } from './realtime.ts';
import type { ParleySettings, Setting } from './settings.ts';
import { ParleyWebhooks } from './webhooks.ts';

export interface ParleyStackProps extends StackProps {
  settings: ParleySettings;
}

/** How often the sweeper looks for call legs that outlived MAX_CALL_SECONDS. */
export const SWEEP_SCHEDULE = Schedule.rate(Duration.minutes(5));

/** Longest call leg by default, in seconds; the same default as `functions/config.ts`. */
export const DEFAULT_MAX_CALL_SECONDS = 7200;

/**
 * The stream records the reaper is invoked for: DynamoDB's TTL (not a user) deleting a conversation item.
 * Every other write to the table is dropped by Lambda before an invocation.
 */
export const REAPER_FILTER = {
  eventName: FilterRule.isEqual('REMOVE'),
  userIdentity: {
    type: FilterRule.isEqual('Service'),
    principalId: FilterRule.isEqual('dynamodb.amazonaws.com'),
  },
  dynamodb: {
    Keys: {
      pk: { S: FilterRule.beginsWith('CON#') },
      sk: { S: FilterRule.isEqual('CON') },
    },
  },
};

/**
 * The stream records the fan-out is invoked for, the only records that leave the table: new event items,
 * and the updates of edited messages (which the fan-out tells from a receipt's or a deletion's by the edit
 * time changing).
 */
export const FANOUT_FILTERS = [
  {
    eventName: FilterRule.isEqual('INSERT'),
    dynamodb: { NewImage: { _et: { S: FilterRule.isEqual('event') } } },
  },
  {
    eventName: FilterRule.isEqual('MODIFY'),
    dynamodb: {
      NewImage: {
        _et: { S: FilterRule.isEqual('event') },
        type: { S: FilterRule.isEqual('message') },
        edited: { S: FilterRule.exists() },
      },
    },
  },
];

/**
 * Parley in one stack: the single DynamoDB table, six Lambdas (REST API router, OpenAPI document, voice
 * webhooks, Twilio Conversations REST, call sweeper, and the reaper fed by the table's stream) and an HTTP
 * API whose `$default` stage sends `GET /v1/openapi.json` to the docs Lambda, `/voice/*` to the voice
 * Lambda, `/twilio/*` to the Twilio Lambda and everything else to the API Lambda. The gateway checks
 * nothing: the API Lambda verifies the JWT itself (same code as the dev server), the voice Lambda verifies
 * the provider's signature, the Twilio Lambda the account's basic credentials, and the document is public.
 */
export class ParleyStack extends Stack {
  readonly table: TableV2;
  readonly httpApi: HttpApi;
  readonly apiFunction: ParleyFunction;
  /** The paths older than /v1 that the Vonage Client SDKs and the 2017 API call. */
  readonly clientFunction: ParleyFunction;
  /** The voice side's REST endpoints: number routes and legs. */
  readonly callsFunction: ParleyFunction;
  readonly docsFunction: ParleyFunction;
  readonly voiceFunction: ParleyFunction;
  readonly twilioFunction: ParleyFunction;
  readonly sweeperFunction: ParleyFunction;
  readonly reaperFunction: ParleyFunction;
  readonly fanOutFunction: ParleyFunction;
  /** Stream batches the fan-out gave up on (their records' coordinates, for a replay). */
  readonly fanOutDeadLetters: Queue;
  readonly realtime: ParleyRealtime;
  readonly webhooks: ParleyWebhooks;

  constructor(scope: Construct, id: string, props: ParleyStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const removalPolicy = settings.destroyOnRemoval ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    if (settings.devApplicationNotice)
      Annotations.of(this).addWarningV2('parley:dev-application', settings.devApplicationNotice);

    // The key schema comes from the same definition DynamoDB Local and the tests use.
    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
      globalSecondaryIndexes: Object.values(TABLE.indexes).map((index) => ({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
      })),
      timeToLiveAttribute: TABLE.ttlAttribute,
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // The reaper reads it (TTL removals of conversations); the OLD image carries the conversation's name.
      dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES,
      removalPolicy,
      // A retained table is production data: guard it against a console or API delete as well.
      deletionProtection: !settings.destroyOnRemoval,
    });

    const corsOrigins = settings.corsOrigins ?? ['*'];
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Parley: Vonage-compatible Conversation API and voice webhooks',
      // The $default stage is created below, with access logging.
      createDefaultStage: false,
      // Browsers (the Client SDKs): API Gateway answers every preflight and adds the headers to each
      // response; the functions send the same headers themselves for the dev server.
      corsPreflight: {
        allowOrigins: corsOrigins,
        allowMethods: [CorsHttpMethod.ANY],
        allowHeaders: ['authorization', 'content-type'],
        exposeHeaders: ['retry-after'],
        maxAge: Duration.days(1),
      },
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy,
    });
    new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // No query string and no headers: tokens never reach the access log.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: AccessLogField.contextRequestId(),
            ip: AccessLogField.contextIdentitySourceIp(),
            time: AccessLogField.contextRequestTime(),
            method: AccessLogField.contextHttpMethod(),
            path: AccessLogField.contextPath(),
            routeKey: AccessLogField.contextRouteKey(),
            status: AccessLogField.contextStatus(),
            responseLength: AccessLogField.contextResponseLength(),
            latency: AccessLogField.contextResponseLatency(),
            integrationLatency: AccessLogField.contextIntegrationLatency(),
            integrationError: AccessLogField.contextIntegrationErrorMessage(),
          }),
        ),
      },
    });

    // The functions only need the API's id for this, and nothing the API holds refers back to a function's
    // configuration, so there is no dependency cycle. A custom domain overrides it.
    const publicBaseUrl = settings.publicBaseUrl ?? this.httpApi.apiEndpoint;
    const applicationEnvironment = {
      APPLICATION_ID: this.settingValue(settings.applicationId),
      APPLICATION_PUBLIC_KEY: this.settingValue(settings.applicationPublicKey),
      PUBLIC_BASE_URL: publicBaseUrl,
      ...(settings.maxMembersPerConversation
        ? { MAX_MEMBERS_PER_CONVERSATION: String(settings.maxMembersPerConversation) }
        : {}),
      ...(settings.authorization ? { AUTHORIZATION: settings.authorization } : {}),
    };
    const corsEnvironment = { CORS_ORIGINS: corsOrigins.join(',') };
    const maxCallSeconds = String(settings.maxCallSeconds ?? DEFAULT_MAX_CALL_SECONDS);
    const common = { logRetention: RetentionDays.ONE_MONTH, removalPolicy, logLevel: settings.logLevel };
    // The HMAC key of list cursors, for every Lambda that hands cursors out (the same key in each).
    const cursorSecret = this.cursorSecret(settings.cursorSecretParameter, removalPolicy);

    this.apiFunction = new ParleyFunction(this, 'Api', {
      ...common,
      entry: 'functions/api/router.ts',
      description: 'Parley REST API (Vonage Conversation API v1)',
      environment: {
        ...applicationEnvironment,
        ...corsEnvironment,
        MAX_CALL_SECONDS: maxCallSeconds,
        CURSOR_SECRET: cursorSecret,
      },
    });
    bindTable(this.apiFunction, this.table);

    this.clientFunction = new ParleyFunction(this, 'Client', {
      ...common,
      entry: 'functions/api/client-router.ts',
      description: 'Parley client SDK paths (/beta, /beta2, /v0.1, /v0.2, /v0.3) over the v1 endpoints',
      environment: {
        ...applicationEnvironment,
        ...corsEnvironment,
        MAX_CALL_SECONDS: maxCallSeconds,
        CURSOR_SECRET: cursorSecret,
      },
    });
    bindTable(this.clientFunction, this.table);

    this.callsFunction = new ParleyFunction(this, 'Calls', {
      ...common,
      entry: 'functions/api/calls-router.ts',
      description: 'Parley number routes and legs (/v1/numbers, /v1/legs, /v1/conversations/{id}/legs)',
      environment: {
        ...applicationEnvironment,
        ...corsEnvironment,
        MAX_CALL_SECONDS: maxCallSeconds,
        CURSOR_SECRET: cursorSecret,
      },
    });
    bindTable(this.callsFunction, this.table);

    // The document is built from the route tables' schemas alone: no table, no settings, no secrets.
    this.docsFunction = new ParleyFunction(this, 'Docs', {
      ...common,
      entry: 'functions/docs/handler.ts',
      description: 'Parley OpenAPI document (GET /v1/openapi.json)',
      memorySize: 256,
      environment: corsEnvironment,
    });

    this.voiceFunction = new ParleyFunction(this, 'Voice', {
      ...common,
      entry: 'functions/voice/handler.ts',
      description: 'Parley voice webhooks (answer and call status)',
      environment: {
        ...applicationEnvironment,
        MAX_CALL_SECONDS: maxCallSeconds,
        ...this.secret('VONAGE_SIGNATURE_SECRET', settings.vonageSignatureSecretParameter),
        ...this.secret('TWILIO_AUTH_TOKEN', settings.twilioAuthTokenParameter),
      },
    });
    bindTable(this.voiceFunction, this.table);

    // Twilio Conversations REST: its own bundle, the same table rights as the API Lambda.
    this.twilioFunction = new ParleyFunction(this, 'Twilio', {
      ...common,
      entry: 'functions/twilio/handler.ts',
      description: 'Parley Twilio Conversations v1 REST',
      environment: {
        ...applicationEnvironment,
        ...(settings.twilioAccountSid ? { TWILIO_ACCOUNT_SID: settings.twilioAccountSid } : {}),
        ...this.secret('TWILIO_AUTH_TOKEN', settings.twilioAuthTokenParameter),
        ...(settings.twilioApiKeySid ? { TWILIO_API_KEY_SID: settings.twilioApiKeySid } : {}),
        ...this.secret('TWILIO_API_KEY_SECRET', settings.twilioApiKeySecretParameter),
        CURSOR_SECRET: cursorSecret,
      },
    });
    bindTable(this.twilioFunction, this.table);

    this.sweeperFunction = new ParleyFunction(this, 'Sweeper', {
      ...common,
      entry: 'functions/voice/sweeper.ts',
      description: 'Parley call sweeper: closes call legs that outlived MAX_CALL_SECONDS',
      timeout: Duration.seconds(60),
      memorySize: 256,
      // The next sweep comes in five minutes and does the same work; retries would only overlap it.
      retryAttempts: 0,
      environment: { MAX_CALL_SECONDS: maxCallSeconds },
    });
    bindTable(this.sweeperFunction, this.table);

    this.reaperFunction = new ParleyFunction(this, 'Reaper', {
      ...common,
      entry: 'functions/reaper/handler.ts',
      description: 'Parley reaper: deletes what a conversation removed by TTL left behind',
      // A conversation with many events takes many BatchWrites; a purge cut short resumes on the retry.
      timeout: Duration.minutes(5),
      memorySize: 256,
    });
    bindTable(this.reaperFunction, this.table, { item: REAPER_TABLE_ACTIONS, index: [] });
    this.reaperFunction.function.addEventSource(
      new DynamoEventSource(this.table, {
        // The stream keeps 24 hours: a first deploy also cleans up after the conversations that expired
        // in the day before it (the purge is idempotent, and the filter keeps the backlog small).
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 10,
        bisectBatchOnError: true,
        // A record that still fails after this is dropped rather than holding up its shard for 24 hours.
        retryAttempts: 5,
        reportBatchItemFailures: true,
        filters: [FilterCriteria.filter(REAPER_FILTER)],
      }),
    );

    // The one place events leave the table: every sink (live sessions, application webhooks) runs here.
    this.fanOutFunction = new ParleyFunction(this, 'FanOut', {
      ...common,
      entry: 'functions/fanout/handler.ts',
      description: 'Parley fan-out: hands each new event to its sinks, in order per conversation',
      timeout: Duration.seconds(30),
      memorySize: 512,
    });
    this.fanOutDeadLetters = new Queue(this, 'FanOutDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy,
    });
    Validations.of(this.fanOutDeadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter destination of the fan-out event source.',
    });
    this.fanOutFunction.function.addEventSource(
      new DynamoEventSource(this.table, {
        // What was written before the first deploy was never meant to be delivered.
        startingPosition: StartingPosition.LATEST,
        batchSize: 100,
        // Records of one partition key (one conversation) stay in order at any parallelization.
        parallelizationFactor: 10,
        reportBatchItemFailures: true,
        retryAttempts: 20,
        maxRecordAge: Duration.hours(6),
        onFailure: new SqsDlq(this.fanOutDeadLetters),
        filters: FANOUT_FILTERS.map((f) => FilterCriteria.filter(f)),
      }),
    );

    this.webhooks = new ParleyWebhooks(this, 'Webhooks', {
      table: this.table,
      settings,
      applicationEnvironment,
      logRetention: common.logRetention,
      removalPolicy,
      logLevel: settings.logLevel,
    });
    // The fan-out's webhook sink writes each delivery record and queues it.
    this.webhooks.grantQueueing(this.fanOutFunction, this.table);
    const webhooksIntegration = new HttpLambdaIntegration(
      'WebhooksAdminIntegration',
      this.webhooks.adminFunction.function,
    );

    const apiIntegration = new HttpLambdaIntegration('ApiIntegration', this.apiFunction.function);
    const clientIntegration = new HttpLambdaIntegration('ClientIntegration', this.clientFunction.function);
    const callsIntegration = new HttpLambdaIntegration('CallsIntegration', this.callsFunction.function);
    const routes = [
      // Number routes and legs: specific routes, which HTTP API prefers to `ANY /{proxy+}`, to the calls Lambda.
      ...CALLS_ROUTES.flatMap(({ method, path }) =>
        this.httpApi.addRoutes({ path, methods: [HttpMethod[method]], integration: callsIntegration }),
      ),
      // The client SDKs' paths: one catch-all per prefix (`/v0.1/{proxy+}` …) to the client Lambda.
      ...CLIENT_PREFIXES.flatMap((prefix) =>
        this.httpApi.addRoutes({
          path: `${prefix}{proxy+}`,
          methods: [HttpMethod.ANY],
          integration: clientIntegration,
        }),
      ),
      ...this.httpApi.addRoutes({ path: '/', methods: [HttpMethod.ANY], integration: apiIntegration }),
      // One catch-all route keeps the invoke permission small (aws/aws-cdk#19535); the router does the rest.
      ...this.httpApi.addRoutes({
        path: '/{proxy+}',
        methods: [HttpMethod.ANY],
        integration: apiIntegration,
      }),
      // A specific route: HTTP API prefers it to `ANY /{proxy+}`, so only a GET of this path gets here.
      ...this.httpApi.addRoutes({
        path: '/v1/openapi.json',
        methods: [HttpMethod.GET],
        integration: new HttpLambdaIntegration('DocsIntegration', this.docsFunction.function),
      }),
      ...this.httpApi.addRoutes({
        path: '/voice/{proxy+}',
        methods: [HttpMethod.ANY],
        integration: new HttpLambdaIntegration('VoiceIntegration', this.voiceFunction.function),
      }),
      ...this.httpApi.addRoutes({
        path: '/twilio/{proxy+}',
        methods: [HttpMethod.ANY],
        integration: new HttpLambdaIntegration('TwilioIntegration', this.twilioFunction.function),
      }),
      // The Application API v2 settings and the deliveries: the webhook admin Lambda, not the API's.
      ...this.httpApi.addRoutes({
        path: '/v2/applications/{proxy+}',
        methods: [HttpMethod.ANY],
        integration: webhooksIntegration,
      }),
      ...this.httpApi.addRoutes({
        path: '/v1/webhooks/{proxy+}',
        methods: [HttpMethod.ANY],
        integration: webhooksIntegration,
      }),
    ];
    for (const route of routes)
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Public at the gateway by design: the API, client and calls Lambdas verify the RS256 application JWT in their middleware (the same code as the dev server), the voice Lambda verifies the provider webhook signature, the Twilio Lambda checks the Twilio account credentials (HTTP basic), the webhook admin Lambda verifies an admin JWT or the API key and secret, and the OpenAPI document is public.',
      });

    new Rule(this, 'SweepSchedule', {
      description: 'Runs the Parley call sweeper',
      schedule: SWEEP_SCHEDULE,
      targets: [new LambdaFunction(this.sweeperFunction.function, { retryAttempts: 0 })],
    });

    this.realtime = new ParleyRealtime(this, 'Realtime', {
      table: this.table,
      environment: applicationEnvironment,
      removalPolicy,
      logLevel: settings.logLevel,
    });
    // The socket sink: who may read a conversation (its members), their connections, and posting to them.
    bindTable(this.fanOutFunction, this.table, {
      item: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
      index: ['dynamodb:Query'],
    });
    this.fanOutFunction.addEnvironment('PUBLIC_BASE_URL', publicBaseUrl);
    this.fanOutFunction.addEnvironment('APPLICATION_ID', applicationEnvironment.APPLICATION_ID);
    this.realtime.grantPush(this.fanOutFunction);
    this.realtime.grantAnnounce(this.apiFunction);
    this.realtime.grantAnnounce(this.clientFunction);
    // The events the API does not store reach the socket Lambda only: it queues their webhook deliveries
    // (the application settings and the delivery record are within its table actions).
    this.webhooks.grantSending(this.realtime.socketFunction);

    new CfnOutput(this, 'WebSocketUrl', {
      description:
        'The Client SDK socket: its origin is nexmo-client `url` / @vonage `websocketUrl`, its path the socket `path` / `websocketPath`',
      value: this.realtime.stage.url,
    });
    new CfnOutput(this, 'ApiUrl', {
      description: 'Base URL of the Parley API (the apiHost for @vonage/server-sdk)',
      value: this.httpApi.apiEndpoint,
    });
    new CfnOutput(this, 'TableName', {
      description: 'The Parley DynamoDB table',
      value: this.table.tableName,
    });
  }

  /** A literal setting as is, or an SSM String parameter resolved by CloudFormation at deploy time. */
  private settingValue(setting: Setting): string {
    return 'value' in setting
      ? setting.value
      : StringParameter.valueForStringParameter(this, setting.ssmParameter);
  }

  /**
   * The key that signs list cursors: the SSM parameter named, or a random secret this deployment generates
   * (Secrets Manager, 48 characters). Either way CloudFormation resolves it at deploy time; the template
   * holds only a reference, and the functions read it from their environment, with no call at cold start.
   */
  private cursorSecret(parameterName: string | undefined, removalPolicy: RemovalPolicy): string {
    if (parameterName) return StringParameter.valueForStringParameter(this, parameterName);
    const secret = new Secret(this, 'CursorSecret', {
      description: 'Parley: the HMAC key of list cursors (changing it invalidates the cursors handed out)',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The cursor key signs short-lived list cursors only; rotating it would just invalidate the cursors handed out, and the functions take it from their environment at deploy time, so a rotation would not reach them without a deployment anyway.',
    });
    return secret.secretValue.unsafeUnwrap();
  }

  /** An optional secret: only ever an SSM parameter name in the template, resolved at deploy time. */
  private secret(envName: string, parameterName: string | undefined): Record<string, string> {
    return parameterName ? { [envName]: StringParameter.valueForStringParameter(this, parameterName) } : {};
  }
}
