import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DeduplicationScope, FifoThroughputLimit, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { DEFAULT_DELIVERY_POLICY } from '../functions/domain/webhooks.ts';
import { bindTable, ParleyFunction } from './parley-function.ts';
import type { LogLevel, ParleySettings } from './settings.ts';

/** What the sender reads and writes: the application's settings and the delivery records. */
export const SENDER_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:UpdateItem'] as const;
/** The fan-out's webhook sink: reads the settings, writes new delivery records (or reads one written before). */
export const SINK_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem'] as const;
/** The admin surface: settings, records, redeliver, and the Query of a conversation's events (replay). */
export const ADMIN_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:UpdateItem',
] as const;

/** Receives before SQS itself moves a message to the dead-letter queue: beyond every scheduled attempt. */
export const deadLetterReceives = (maxAttempts: number): number => maxAttempts + 5;

export interface ParleyWebhooksProps {
  table: ITableV2;
  settings: ParleySettings;
  /** APPLICATION_ID, APPLICATION_PUBLIC_KEY, PUBLIC_BASE_URL and the other application settings. */
  applicationEnvironment: Record<string, string>;
  logRetention: RetentionDays;
  removalPolicy: RemovalPolicy;
  logLevel: LogLevel;
}

/**
 * Application webhooks: the SQS FIFO delivery queue (message group = conversation, high-throughput
 * FIFO per group) and its FIFO dead-letter queue, the sender Lambda on the queue (batches of 10, failures
 * reported per message), the admin Lambda of `/v2/applications` and `/v1/webhooks`, and two alarms on the
 * dead-letter queue: any message in it, and its oldest message older than a day.
 *
 * Back-off without per-message delays (FIFO queues have none): a delivery to be retried stays on the
 * queue; the sender sets its visibility timeout to the schedule's wait (ChangeMessageVisibility, at most
 * 12 hours) and reports it failed. SQS hands out no later message of that conversation while it is
 * hidden, so order holds, and the other conversations' groups are not held up.
 */
export class ParleyWebhooks extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly senderFunction: ParleyFunction;
  readonly adminFunction: ParleyFunction;
  readonly deadLetterDepthAlarm: Alarm;
  readonly deadLetterAgeAlarm: Alarm;
  private readonly environment: Record<string, string>;

  constructor(scope: Construct, id: string, props: ParleyWebhooksProps) {
    super(scope, id);
    const { settings } = props;
    const maxAttempts = Number(
      settings.webhookPolicy?.WEBHOOK_MAX_ATTEMPTS ?? DEFAULT_DELIVERY_POLICY.maxAttempts,
    );

    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      fifo: true,
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: props.removalPolicy,
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This is the dead-letter queue of the delivery queue: what reaches it is kept 14 days, alarmed on, and redelivered through POST /v1/webhooks/deliveries/{id}/redeliver.',
    });

    this.queue = new Queue(this, 'Deliveries', {
      fifo: true,
      // The delivery id is the deduplication id; SQS's own content hash would merge two replays.
      contentBasedDeduplication: false,
      deduplicationScope: DeduplicationScope.MESSAGE_GROUP,
      fifoThroughputLimit: FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      // Six times the sender's timeout, as Lambda asks of an SQS event source.
      visibilityTimeout: Duration.minutes(6),
      // Longer than the whole retry schedule (about a day by default).
      retentionPeriod: Duration.days(4),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: deadLetterReceives(maxAttempts) },
      removalPolicy: props.removalPolicy,
    });

    this.environment = {
      ...props.applicationEnvironment,
      WEBHOOK_QUEUE_URL: this.queue.queueUrl,
      ...(settings.webhookEventUrl ? { WEBHOOK_EVENT_URL: settings.webhookEventUrl } : {}),
      ...(settings.vonageApiKey ? { VONAGE_API_KEY: settings.vonageApiKey } : {}),
      // The account SID Twilio post-events carry (AccountSid), as the Twilio surface shows it.
      ...(settings.twilioAccountSid ? { TWILIO_ACCOUNT_SID: settings.twilioAccountSid } : {}),
      ...(settings.webhookPolicy ?? {}),
    };
    const common = {
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
      logLevel: props.logLevel,
    };

    this.senderFunction = new ParleyFunction(this, 'Sender', {
      ...common,
      entry: 'functions/webhooks/sender.ts',
      description:
        "Parley webhook sender: sends each delivery to the application's event_url or the Twilio post-event URL",
      // Ten deliveries of one conversation one after the other, each within its timeouts.
      timeout: Duration.seconds(60),
      memorySize: 256,
      environment: {
        ...this.environment,
        WEBHOOK_DEAD_LETTER_QUEUE_URL: this.deadLetterQueue.queueUrl,
        ...this.secret('WEBHOOK_SIGNATURE_SECRET', settings.webhookSignatureSecretParameter),
        // The key of X-Twilio-Signature on Twilio post-event deliveries.
        ...this.secret('TWILIO_AUTH_TOKEN', settings.twilioAuthTokenParameter),
      },
    });
    bindTable(this.senderFunction, props.table, { item: SENDER_TABLE_ACTIONS, index: [] });
    this.senderFunction.function.addEventSource(
      new SqsEventSource(this.queue, { batchSize: 10, reportBatchItemFailures: true }),
    );
    this.deadLetterQueue.grantSendMessages(this.senderFunction.role);

    this.adminFunction = new ParleyFunction(this, 'Admin', {
      ...common,
      entry: 'functions/webhooks/admin.ts',
      description: 'Parley webhook admin: Application API v2 settings, deliveries, redeliver, replay',
      memorySize: 256,
      environment: {
        ...this.environment,
        ...this.secret('VONAGE_API_SECRET', settings.vonageApiSecretParameter),
      },
    });
    bindTable(this.adminFunction, props.table, { item: ADMIN_TABLE_ACTIONS, index: ['dynamodb:Query'] });
    this.queue.grantSendMessages(this.adminFunction.role);

    this.deadLetterDepthAlarm = new Alarm(this, 'DeadLetterDepth', {
      alarmDescription:
        'Webhook deliveries were dead-lettered: see GET /v1/webhooks/deliveries?status=failed',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.deadLetterAgeAlarm = new Alarm(this, 'DeadLetterAge', {
      alarmDescription: 'A dead-lettered webhook delivery has waited more than a day (kept 14 days)',
      metric: this.deadLetterQueue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5) }),
      threshold: 86_400,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  /** Lets a function queue deliveries (the fan-out's sink): the settings and records, the queue's URL. */
  grantQueueing(fn: ParleyFunction, table: ITableV2): void {
    bindTable(fn, table, { item: SINK_TABLE_ACTIONS, index: [] });
    this.grantSending(fn);
  }

  /**
   * Lets a function that already reads and writes the table's items (the socket Lambda, for the events
   * the API does not store) put deliveries on the queue: SendMessage, the queue's URL and the settings.
   */
  grantSending(fn: ParleyFunction): void {
    this.queue.grantSendMessages(fn.role);
    for (const [name, value] of Object.entries(this.environment)) fn.addEnvironment(name, value);
  }

  private secret(envName: string, parameterName: string | undefined): Record<string, string> {
    return parameterName ? { [envName]: StringParameter.valueForStringParameter(this, parameterName) } : {};
  }
}
