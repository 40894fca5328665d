/**
 * Application webhooks in the one table: the application's settings (one item) and one item per
 * delivery, with its attempts, listed per conversation through GSI1 and removed by TTL.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TwilioWebhookConfig } from '../domain/twilio-webhooks.ts';
import type { DeliveryQuery, WebhookStore } from '../domain/webhook-ports.ts';
import type { Application, Delivery } from '../domain/webhooks.ts';
import { batchGetItems } from './batch-get.ts';
import { db, tableName } from './client.ts';
import { dataOf, meta } from './item.ts';
import { webhookKeys as keys } from './keys.ts';
import { queryPage } from './paging.ts';

const APPLICATION = 'application';
const TWILIO_WEBHOOKS = 'twilio-webhooks';
const DELIVERY = 'webhook-delivery';

const getApplication = async (id: string): Promise<Application | undefined> => {
  const out = await db().send(new GetCommand({ TableName: tableName(), Key: keys.application(id) }));
  return out.Item ? dataOf<Application>(out.Item) : undefined;
};

const putApplication = async (app: Application, now: string): Promise<void> => {
  await db().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...keys.application(app.id), ...meta(APPLICATION, now), ...app },
    }),
  );
};

const getTwilioWebhooks = async (applicationId: string): Promise<TwilioWebhookConfig | undefined> => {
  const out = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.twilioWebhooks(applicationId) }),
  );
  return out.Item ? dataOf<TwilioWebhookConfig>(out.Item) : undefined;
};

/** Both settings items in one BatchGet, read as the single GetItems are (eventually consistent). */
const getSettings = async (
  applicationId: string,
): Promise<{ application?: Application; twilio?: TwilioWebhookConfig }> => {
  const found = await batchGetItems([keys.application(applicationId), keys.twilioWebhooks(applicationId)], {
    consistent: false,
  });
  const application = found.get(keys.application(applicationId));
  const twilio = found.get(keys.twilioWebhooks(applicationId));
  return {
    ...(application ? { application: dataOf<Application>(application) } : {}),
    ...(twilio ? { twilio: dataOf<TwilioWebhookConfig>(twilio) } : {}),
  };
};

const putTwilioWebhooks = async (
  applicationId: string,
  config: TwilioWebhookConfig,
  now: string,
): Promise<void> => {
  await db().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...keys.twilioWebhooks(applicationId), ...meta(TWILIO_WEBHOOKS, now), ...config },
    }),
  );
};

const getDelivery = async (id: string): Promise<Delivery | undefined> => {
  const out = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.webhookDelivery(id), ConsistentRead: true }),
  );
  return out.Item ? dataOf<Delivery>(out.Item) : undefined;
};

const isConditionFailure = (error: unknown): boolean =>
  error instanceof ConditionalCheckFailedException ||
  (error as { name?: string } | null)?.name === 'ConditionalCheckFailedException';

/** Writes one record unless it exists; the delivery still to be made, or undefined when it is done. */
const createDelivery = async (d: Delivery, ttlSeconds: number): Promise<Delivery | undefined> => {
  try {
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...keys.webhookDelivery(d.id),
          ...keys.webhookDeliveriesOfConversation(d.conversation_id),
          gsi1sk: keys.webhookDeliverySort(d.created, d.id),
          ...meta(DELIVERY, d.created),
          expiresAt: Math.floor(Date.parse(d.created) / 1000) + ttlSeconds,
          ...d,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return d;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    // Written by an earlier run of the same batch: queue it again only if it was never made.
    const existing = await getDelivery(d.id);
    return existing?.status === 'pending' ? existing : undefined;
  }
};

export const webhookStore: WebhookStore = {
  getApplication,
  putApplication,
  getTwilioWebhooks,
  putTwilioWebhooks,
  getSettings,
  getDelivery,

  async createDeliveries(deliveries, ttlSeconds) {
    // Each record is one conditional put; they go in parallel, and the answer keeps the order given.
    const written = await Promise.all(deliveries.map((d) => createDelivery(d, ttlSeconds)));
    return written.filter((d): d is Delivery => d !== undefined);
  },

  async recordAttempt(delivery, attempt, next) {
    const attempts = [...delivery.attempts, attempt];
    const dropped = Math.max(0, attempts.length - next.keep);
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.webhookDelivery(delivery.id),
        UpdateExpression: `SET attempts = :attempts, round_start = :round, #status = :status, updated = :now, updatedAt = :now${
          next.nextAttemptAt ? ', next_attempt_at = :next' : ''
        }${next.nextAttemptAt ? '' : ' REMOVE next_attempt_at'}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':attempts': attempts.slice(dropped),
          ':round': Math.max(0, delivery.round_start - dropped),
          ':status': next.status,
          ':now': next.now,
          ...(next.nextAttemptAt ? { ':next': next.nextAttemptAt } : {}),
        },
      }),
    );
  },

  async restartDelivery(id, now) {
    const existing = await getDelivery(id);
    if (!existing) return undefined;
    try {
      const out = await db().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.webhookDelivery(id),
          UpdateExpression:
            'SET #status = :pending, round_start = :round, updated = :now, updatedAt = :now REMOVE next_attempt_at',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':pending': 'pending',
            ':round': existing.attempts.length,
            ':now': now,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes ? dataOf<Delivery>(out.Attributes) : undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  },

  async listDeliveries(query: DeliveryQuery) {
    const page = await queryPage<Record<string, unknown>>({
      query: {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: {
          ':pk': keys.webhookDeliveriesOfConversation(query.conversationId).gsi1pk,
          ...(query.status ? { ':status': query.status } : {}),
        },
        ...(query.status
          ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' } }
          : {}),
      },
      keyAttributes: ['pk', 'sk', 'gsi1pk', 'gsi1sk'],
      order: query.order,
      pageSize: query.pageSize,
      cursor: query.cursor,
    });
    return { ...page, items: page.items.map((i) => dataOf<Delivery>(i)) };
  },
};
