import { join } from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type IRole, Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  ApplicationLogLevel,
  Architecture,
  type CfnFunction,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { TABLE } from '../functions/store/table.ts';
import { CREDENTIALS_ALIAS, ESM_REQUIRE_BANNER } from './bundling.ts';
import { PROJECT_ROOT } from './project-root.ts';
import type { LogLevel } from './settings.ts';

/** What Lambda needs to send a function's trace segments to X-Ray. */
export const XRAY_ACTIONS = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'] as const;

/**
 * Lambda's own lines (START, END, REPORT, extensions) have no ERROR level: WARN is the highest there, so an
 * ERROR deployment keeps the platform's warnings as well.
 */
const SYSTEM_LOG_LEVEL: Record<LogLevel, SystemLogLevel> = {
  DEBUG: SystemLogLevel.DEBUG,
  INFO: SystemLogLevel.INFO,
  WARN: SystemLogLevel.WARN,
  ERROR: SystemLogLevel.WARN,
};

export interface ParleyFunctionProps {
  /** Entry file, relative to the repository root (e.g. `functions/api/router.ts`); it exports `handler`. */
  entry: string;
  description: string;
  /** @default 512 */
  memorySize?: number;
  /** @default 10 seconds */
  timeout?: Duration;
  environment?: Record<string, string>;
  /** @default one month */
  logRetention?: RetentionDays;
  /** Applied to the log group. @default RETAIN */
  removalPolicy?: RemovalPolicy;
  /** Asynchronous invocations (schedules) retried on error. @default 2 (the Lambda default) */
  retryAttempts?: number;
  /** Application log lines below this level are dropped by Lambda (and by `log()`). @default INFO */
  logLevel?: LogLevel;
}

/**
 * A Parley Lambda with the defaults fixed once: Node.js 22 on arm64, one minified ESM bundle that carries
 * its own AWS SDK (the pinned version we test with, not the runtime's), source maps switched on, an
 * explicit log group with a retention, Lambda's JSON log format with a log level, and active X-Ray tracing.
 * Its role may write only to that log group and send traces (no managed policy).
 */
export class ParleyFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: IRole;

  constructor(scope: Construct, id: string, props: ParleyFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (execution role)`,
    });
    // The function's own log group only, instead of AWSLambdaBasicExecutionRole's logs on every group.
    role.addToPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    this.role = role;

    // X-Ray's two actions have no resource-level permissions, so they can only be allowed on `*`. They get
    // a policy of their own, so the acknowledgement below covers this statement only: a wildcard resource
    // added to the role's default policy is still reported. (The L2 `tracing` prop would put the same
    // statement into the default policy.)
    const tracing = new Policy(this, 'Tracing', {
      roles: [role],
      statements: [new PolicyStatement({ actions: [...XRAY_ACTIONS], resources: ['*'] })],
    });
    Validations.of(tracing).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions: X-Ray only accepts Resource "*" for them; this policy holds nothing else.',
    });
    const logLevel = props.logLevel ?? 'INFO';

    this.function = new NodejsFunction(this, 'Function', {
      entry: join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel[logLevel],
      systemLogLevelV2: SYSTEM_LOG_LEVEL[logLevel],
      retryAttempts: props.retryAttempts,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        // Stack traces need the mappings, not a second copy of every source file.
        sourcesContent: false,
        bundleAwsSDK: true,
        externalModules: [],
        esbuildArgs: { [`--alias:${CREDENTIALS_ALIAS.from}`]: CREDENTIALS_ALIAS.to },
        // No `tsconfig`: esbuild finds tsconfig.json for our files by walking up, and an explicit one is
        // applied to every node_modules file as well (~13 bytes each in the bundle).
      },
    });
    (this.function.node.defaultChild as CfnFunction).tracingConfig = { mode: Tracing.ACTIVE };
    // The first invocations are traced too: the function is created once its role may send traces.
    this.function.node.addDependency(tracing);
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the runtime Parley is built and tested for (engines, esbuild target, dev server); moving to a newer runtime is a deliberate, tested change.',
    });
  }

  addEnvironment(name: string, value: string): this {
    this.function.addEnvironment(name, value);
    return this;
  }
}

/**
 * Every DynamoDB action the functions' code uses, and no other: the item reads and writes, `Query`, the
 * batch calls, and `ConditionCheckItem`. `TransactWriteItems` is not an IAM action of its own: each of its
 * parts is authorised as the matching item action (Put/Update/Delete/ConditionCheckItem). Never `Scan`.
 */
export const TABLE_ITEM_ACTIONS = [
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DeleteItem',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:UpdateItem',
] as const;

/** The only action that reaches an index. */
export const TABLE_INDEX_ACTIONS = ['dynamodb:Query'] as const;

/** The table actions the reaper uses: Query its partition, BatchWrite the deletes, DeleteItem the rest. */
export const REAPER_TABLE_ACTIONS = [
  'dynamodb:BatchWriteItem',
  'dynamodb:DeleteItem',
  'dynamodb:Query',
] as const;

/**
 * Gives a function the table: the item actions on the table itself, `Query` on each named index (by its
 * exact ARN, no `index/*` wildcard), and `TABLE_NAME` in its environment. A function that needs less names
 * its actions; with no index actions it gets no statement on the indexes.
 */
export const bindTable = (
  fn: ParleyFunction,
  table: ITableV2,
  actions: { item: readonly string[]; index: readonly string[] } = {
    item: TABLE_ITEM_ACTIONS,
    index: TABLE_INDEX_ACTIONS,
  },
): void => {
  fn.role.addToPrincipalPolicy(
    new PolicyStatement({ actions: [...actions.item], resources: [table.tableArn] }),
  );
  if (actions.index.length > 0)
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [...actions.index],
        resources: Object.values(TABLE.indexes).map((index) => `${table.tableArn}/index/${index.name}`),
      }),
    );
  fn.addEnvironment('TABLE_NAME', table.tableName);
};
