/**
 * Cost and capacity from the measured request units: what a text post writes, how many posts per second one
 * conversation's partition can take, and the cost model (test/bench/cost-model.ts) applied to the routes.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../../functions/store/keys.ts';
import type { Bench } from '../context.ts';
import {
  costFigures,
  type Measured,
  PRICES,
  type RequestMeasure,
  TWILIO_PER_MAU_USD,
  USAGE_PROFILE,
} from '../cost-model.ts';
import { type Figure, judge, unmeasured } from '../figure.ts';
import { itemSize } from '../units.ts';
import { hotBatches } from './hot-conversation.ts';
import type { Scene } from './latency.ts';
import type { RoundTripRow } from './round-trips.ts';

/** DynamoDB's write throughput of one partition, units per second. */
export const PARTITION_WRITE_UNITS = 1000;

const find = (rows: RoundTripRow[], route: string, variant?: string) =>
  rows.find((r) => r.route === route && r.variant === variant && r.status === 'ok' && r.units);

const measureOf = (row: RoundTripRow | undefined): RequestMeasure | undefined =>
  row?.units && row.calls !== null
    ? { readUnits: row.units.read, writeUnits: row.units.write, calls: row.calls, cpuMs: row.cpuMs ?? 0 }
    : undefined;

const usd = (n: number) => `$${n < 0.01 ? n.toPrecision(3) : n.toFixed(2)}`;

/** The newest event of a conversation as stored. */
const newestEvent = async (bench: Bench, conversationId: string) => {
  const out = await bench.client.send(
    new QueryCommand({
      TableName: bench.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :evt)',
      ExpressionAttributeValues: { ':pk': keys.conversation(conversationId).pk, ':evt': keys.eventsPrefix },
      ScanIndexForward: false,
      Limit: 1,
    }),
  );
  return out.Items?.[0];
};

export const costFiguresOf = async (bench: Bench, scene: Scene, rows: RoundTripRow[]): Promise<Figure[]> => {
  const post = find(rows, 'POST /v1/conversations/{id}/events', 'text message');
  const figures: Figure[] = [];
  if (!post?.units) {
    return [
      unmeasured('text_post_write_units', 6, 'max', 'n/a (no text post measured)'),
      unmeasured('conversation_posts_per_second', 300, 'min', 'n/a'),
      unmeasured('cost_per_mau_usd', 0.0005, 'max', 'n/a'),
      unmeasured('cost_per_million_messages_usd', 0, 'min', 'n/a'),
      unmeasured('cost_per_thousand_calls_usd', 0, 'min', 'n/a'),
    ];
  }
  const u = post.units;
  const cross = u.reported.seen
    ? `DynamoDB Local reported ${u.reported.write} write units (for transactions its figure does not follow item sizes; for reads and single writes it matches)`
    : 'DynamoDB Local reported none';
  figures.push(
    judge('text_post_write_units', u.write, 6, 'max', [
      `a steady-state text post: ${post.commands}; ${u.write} write units (${u.write - u.indexWrite} on the table,` +
        ` ${u.indexWrite} on gsi1) and ${u.read} read units`,
      cross,
    ]),
  );

  // One conversation's partition: the post's items there, the head update shared by the posts of a batch.
  const pk = keys.conversation(scene.conversationId).pk;
  const onPartition = u.partitions.get(pk) ?? 0;
  const head = u.items.get(`${pk}\u0000${keys.conversation(scene.conversationId).sk}`) ?? 0;
  const perBatch = hotBatches.transactions > 0 ? hotBatches.posts / hotBatches.transactions : 1;
  const perPost = onPartition - head + head / perBatch;
  const alone = PARTITION_WRITE_UNITS / onPartition;
  figures.push(
    judge('conversation_posts_per_second', PARTITION_WRITE_UNITS / perPost, 300, 'min', [
      `a post writes ${onPartition} units on its conversation's partition, ${head} of them the head update, which the` +
        ` ${perBatch.toFixed(1)} posts of a group commit share (measured in the hot conversation): ${perPost.toFixed(2)} units a post`,
      `${PARTITION_WRITE_UNITS} write units/s per partition ÷ ${perPost.toFixed(2)} = ${(PARTITION_WRITE_UNITS / perPost).toFixed(0)} posts/s;` +
        ` ${alone.toFixed(0)} posts/s with one post per transaction; at most ${(PARTITION_WRITE_UNITS / (onPartition - head)).toFixed(0)}` +
        ` however many posts share a head update (the ${onPartition - head} units of a post's own items there); Twilio caps a conversation at 30 actions/s`,
    ]),
  );

  const event = await newestEvent(bench, scene.conversationId);
  const measured: Partial<Measured> = {
    textPost: measureOf(post),
    textEventBytes: event ? itemSize(event) : 0,
    eventsPage: measureOf(find(rows, 'GET /v1/conversations/{id}/events', 'first page')),
    answerWebhook: measureOf(find(rows, 'GET /voice/vonage/answer', 'new call')),
    statusWebhook: measureOf(find(rows, 'POST /voice/vonage/event', 'callee answered')),
    hangUpWebhook: measureOf(find(rows, 'POST /voice/vonage/event', 'caller hung up')),
  };
  const session = [
    measureOf(find(rows, 'GET /v1/conversations', 'user token')),
    measureOf(find(rows, 'GET /v1/conversations/{id}/members/me')),
    measureOf(find(rows, 'GET /v1/conversations/{id}', 'user token')),
  ];
  const missing = Object.entries(measured)
    .filter(([, v]) => v === undefined)
    .map(([k]) => k);
  if (session.some((s) => !s)) missing.push('session');
  if (missing.length > 0) {
    const shown = `n/a (unmeasured: ${missing.join(', ')})`;
    figures.push(
      unmeasured('cost_per_mau_usd', 0.0005, 'max', shown),
      unmeasured('cost_per_million_messages_usd', 0, 'min', shown),
      unmeasured('cost_per_thousand_calls_usd', 0, 'min', shown),
    );
    return figures;
  }
  const c = costFigures({ ...(measured as Measured), session: session as RequestMeasure[] });
  const split = (x: { api: number; lambda: number; dynamoDb: number }) =>
    `HTTP API ${usd(x.api)}, Lambda ${usd(x.lambda)}, DynamoDB ${usd(x.dynamoDb)}`;
  const p = USAGE_PROFILE;
  figures.push(
    judge('cost_per_mau_usd', c.perMau.total, 0.0005, 'max', [
      `${p.messagesSent} messages sent, ${p.eventsReceived} events received (pages of ${p.eventsPerPage}), ${p.sessions} sessions` +
        ` (conversation list, members/me, the conversation): ${split(c.perMau)}`,
      `Twilio: $${TWILIO_PER_MAU_USD} per active user, ${c.twilioRatio.toFixed(0)} × Parley;` +
        ` delivering the received events over a WebSocket API instead would add ${usd(c.webSocketDeliveryPerMau)}`,
      `AWS list prices ${PRICES.region} as of ${PRICES.asOf}`,
    ]),
    judge('cost_per_million_messages_usd', c.perMillionMessages.total, 0, 'min', [
      `${split(c.perMillionMessages)} (a month of storage of ${(((measured.textEventBytes ?? 0) * 1e6) / 1024 ** 3).toFixed(2)} GB included)`,
    ]),
    judge('cost_per_thousand_calls_usd', c.perThousandCalls.total, 0, 'min', [
      `a call = the answer webhook, 6 leg status reports and 2 hang-ups: ${split(c.perThousandCalls)}`,
    ]),
  );
  return figures;
};
