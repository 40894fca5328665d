/**
 * Application webhooks, as `npm start` delivers them (the table's stream tailed into the fan-out
 * handler, the local FIFO queue feeding the sender handler, a receiver on loopback):
 *
 * - `webhook_delivery_lag_ratio`: from a message's POST to its arrival at the receiver, against one raw
 *   PutItem, sampled alternately. Locally most of the lag is the stream tail's and the queue's polling.
 * - `webhook_slow_receiver_throughput_ratio`: events per second reaching six conversations beside a
 *   seventh posted to as much, whose receiver takes 500 ms per answer, against the same seven answered at
 *   once. 1.0 means the slow one holds nobody else up.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Bench } from '../context.ts';
import { type Figure, judge } from '../figure.ts';
import { describe, ms, sideBySide } from '../stats.ts';
import { guarded } from './common.ts';

interface Receiver {
  url: string;
  /** Resolves when event `id` of conversation `cid` arrives. */
  arrival(cid: string, id: number): Promise<number>;
  /** Events taken, per conversation. */
  count(cid: string): number;
  slow: Set<string>;
  close(): Promise<void>;
}

const SLOW_ANSWER_MS = 500;

const startReceiver = async (): Promise<Receiver> => {
  const waiters = new Map<string, (at: number) => void>();
  const arrived = new Map<string, number>();
  const counts = new Map<string, number>();
  const slow = new Set<string>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c;
    });
    req.on('end', () => {
      const at = performance.now();
      const event = JSON.parse(body) as { conversation_id: string; id: number };
      const key = `${event.conversation_id}#${event.id}`;
      const answer = () => {
        counts.set(event.conversation_id, (counts.get(event.conversation_id) ?? 0) + 1);
        arrived.set(key, at);
        waiters.get(key)?.(at);
        res.writeHead(200).end();
      };
      if (slow.has(event.conversation_id)) setTimeout(answer, SLOW_ANSWER_MS);
      else answer();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/event`,
    arrival: (cid, id) => {
      const key = `${cid}#${id}`;
      const done = arrived.get(key);
      if (done !== undefined) return Promise.resolve(done);
      return new Promise((r) => waiters.set(key, r));
    },
    count: (cid) => counts.get(cid) ?? 0,
    slow,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
};

/** The stream tail, the local delivery queue and a receiver, set up as `npm start` runs them. */
const startDelivery = async (bench: Bench) => {
  process.env.WEBHOOK_SIGNATURE_SECRET = 'bench-signature-secret';
  const { resetWebhookConfig } = await import('../../../functions/webhook-config.ts');
  const { setDeliveryQueue } = await import('../../../functions/store/delivery-queue.ts');
  const { startLocalDeliveryQueue } = await import('../../../infra/local/delivery-queue.ts');
  const { streamHandler, deliveryQueueHandler } = await import('../../../infra/local/mounts.ts');
  const { startStreamTail } = await import('../../../infra/local/stream-tail.ts');
  resetWebhookConfig();
  const receiver = await startReceiver();
  const queue = startLocalDeliveryQueue(deliveryQueueHandler());
  setDeliveryQueue(queue);
  const tail = await startStreamTail(streamHandler(), {
    endpoint: bench.ddb.endpoint,
    tableName: bench.table,
  });
  const unhook = bench.afterEachRequest(() => tail.poke());
  await bench.api.ok({
    method: 'PUT',
    url: `/v2/applications/${bench.application.applicationId}`,
    token: bench.adminToken,
    body: { name: 'bench', capabilities: { rtc: { webhooks: { event_url: { address: receiver.url } } } } },
  });
  return {
    receiver,
    stop: async () => {
      unhook();
      await tail.stop();
      await queue.stop();
      setDeliveryQueue(undefined);
      await receiver.close();
    },
  };
};

interface Room {
  cid: string;
  member: string;
  token: string;
}

const newRoom = async (bench: Bench): Promise<Room> => {
  const user = await bench.fixtures.createUser();
  const cid = await bench.fixtures.createConversation();
  const member = await bench.fixtures.join(cid, user.id);
  return { cid, member, token: user.token };
};

export const webhookFigures = async (bench: Bench): Promise<Figure[]> => {
  const delivery = await startDelivery(bench);
  const { receiver } = delivery;
  try {
    const lag = await guarded('webhook_delivery_lag_ratio', 100, 'max', async () => {
      const room = await newRoom(bench);
      await receiver.arrival(room.cid, 1);
      const samples = bench.options.quick ? 20 : 100;
      const r = await sideBySide(
        () => async () => {
          const id = await bench.fixtures.postMessage(room.cid, room.member, room.token);
          await receiver.arrival(room.cid, id);
        },
        () => () =>
          bench.client.send(
            new PutCommand({
              TableName: bench.table,
              Item: { pk: `BENCH#${randomUUID()}`, sk: 'BENCH', text: 'hello from the benchmark' },
            }),
          ),
        { warmup: Math.ceil(samples / 10), samples },
      );
      return judge('webhook_delivery_lag_ratio', r.ratio, 100, 'max', [
        describe('POST /v1/conversations/{id}/events until the receiver has it', r.subject),
        describe('raw PutItem', r.floor),
        `lag p50 ${ms(r.subject.p50)}, p99 ${ms(r.subject.p99)}: stream tail, fan-out, queue, sender, receiver`,
      ]);
    });

    const throughput = await guarded('webhook_slow_receiver_throughput_ratio', 0.8, 'min', async () => {
      const perRoom = bench.options.quick ? 10 : 30;
      const fastRooms = 6;
      /**
       * How long the fast rooms' events take to arrive, beside a seventh room posted to as much, whose
       * receiver answers at once or takes 500 ms an answer: the same load either way.
       */
      const run = async (slowly: boolean) => {
        const rooms = await Promise.all(Array.from({ length: fastRooms }, () => newRoom(bench)));
        const seventh = await newRoom(bench);
        if (slowly) receiver.slow.add(seventh.cid);
        const all = [...rooms, seventh];
        await Promise.all(all.map((r) => receiver.arrival(r.cid, 1)));
        const started = performance.now();
        const posting = all.map(async (room) => {
          for (let i = 0; i < perRoom; i++)
            await bench.fixtures.postMessage(room.cid, room.member, room.token);
        });
        await Promise.all(rooms.map((room) => receiver.arrival(room.cid, perRoom + 1)));
        const seconds = (performance.now() - started) / 1000;
        const seventhTaken = receiver.count(seventh.cid) - 1;
        await Promise.all(posting);
        // The seventh's deliveries left are then answered at once and waited for: none is left to the next run.
        receiver.slow.delete(seventh.cid);
        await receiver.arrival(seventh.cid, perRoom + 1);
        return { seconds, seventhTaken };
      };
      // After one run unmeasured (a warm-up), alternately, twice each (A B B A), so that a drift of the
      // machine weighs on both alike.
      await run(false);
      const base: number[] = [];
      const slowed: { seconds: number; seventhTaken: number }[] = [];
      for (const slowly of [false, true, true, false]) {
        const r = await run(slowly);
        if (slowly) slowed.push(r);
        else base.push(r.seconds);
      }
      const events = 2 * fastRooms * perRoom;
      const basePerSecond = events / (base[0] + base[1]);
      const slowedPerSecond = events / (slowed[0].seconds + slowed[1].seconds);
      return judge('webhook_slow_receiver_throughput_ratio', slowedPerSecond / basePerSecond, 0.8, 'min', [
        `${fastRooms} conversations × ${perRoom} messages beside a seventh posted to as much, twice each way, alternately`,
        `its receiver answering at once: ${basePerSecond.toFixed(0)} events/s reach the six (${base.map((x) => x.toFixed(1)).join(' s, ')} s)`,
        `its receiver taking ${SLOW_ANSWER_MS} ms an answer: ${slowedPerSecond.toFixed(0)} events/s (${slowed.map((x) => x.seconds.toFixed(1)).join(' s, ')} s); the seventh took ${slowed.map((x) => x.seventhTaken).join(' and ')} of ${perRoom} meanwhile`,
      ]);
    });
    return [lag, throughput];
  } finally {
    await delivery.stop();
  }
};
