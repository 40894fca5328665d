/** The handler-overhead figures: a request through the handler against the raw DynamoDB call it needs. */
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../../functions/store/keys.ts';
import { EndpointMissingError, UnexpectedResponseError } from '../api.ts';
import type { Bench } from '../context.ts';
import { type Figure, judge } from '../figure.ts';
import { describe, ms, sideBySide } from '../stats.ts';
import { callsOf, callsText, guarded, replicaProbe, requestProbe, transactFloor } from './common.ts';

export interface Scene {
  conversationId: string;
  user: { id: string; name: string; token: string };
  /** The user's JOINED member, once members exist. */
  memberId?: string;
  memberMissing?: string;
}

/** A conversation with one user in it: what the latency figures read and write. */
export const makeScene = async (bench: Bench): Promise<Scene> => {
  const user = await bench.fixtures.createUser('bench-alice');
  const conversationId = await bench.fixtures.createConversation();
  try {
    const memberId = await bench.fixtures.join(conversationId, user.id);
    return { conversationId, user, memberId };
  } catch (error) {
    if (!(error instanceof EndpointMissingError)) throw error;
    return { conversationId, user, memberMissing: error.message };
  }
};

export const getConversationRatio = (bench: Bench, scene: Scene): Promise<Figure> =>
  guarded('get_conversation_ratio', 1.3, 'max', async () => {
    const url = `/v1/conversations/${scene.conversationId}`;
    const r = await sideBySide(
      requestProbe(bench, () => ({ method: 'GET', url, token: scene.user.token }), 200),
      () => () =>
        bench.client.send(
          new GetCommand({ TableName: bench.table, Key: keys.conversation(scene.conversationId) }),
        ),
      bench.latency,
    );
    return judge('get_conversation_ratio', r.ratio, 1.3, 'max', [
      describe('GET /v1/conversations/{id} (user token)', r.subject),
      describe('raw GetItem of the conversation', r.floor),
    ]);
  });

export const postMessageRatio = (bench: Bench, scene: Scene): Promise<Figure> =>
  guarded('post_message_ratio', 1.5, 'max', async () => {
    if (!scene.memberId) throw new EndpointMissingError(scene.memberMissing ?? 'members are missing');
    const url = `/v1/conversations/${scene.conversationId}/events`;
    const post = () => ({
      method: 'POST',
      url,
      token: scene.user.token,
      body: { type: 'message', from: scene.memberId, body: { message_type: 'text', text: 'hello' } },
    });
    // The second post is the steady state: the first one also fills the process's name → user id cache.
    await callsOf(bench, post());
    const calls = await callsOf(bench, post());
    const r = await sideBySide(requestProbe(bench, post, 201), transactFloor(bench, 2), bench.latency);
    const own = await sideBySide(
      transactFloor(bench, 2),
      replicaProbe(bench, calls, keys.conversation(scene.conversationId)),
      bench.latency,
    );
    return judge('post_message_ratio', r.ratio, 1.5, 'max', [
      describe('POST /v1/conversations/{id}/events (text message, user token)', r.subject),
      describe('raw TransactWriteItems of 2 puts', r.floor),
      `its DynamoDB calls: ${callsText(calls)}; the same calls made raw: p50 ${ms(own.floor.p50)} = ${(own.floor.p50 / own.subject.p50).toFixed(2)} × the floor`,
    ]);
  });

const randomNumber = () => `4477009${String(Math.floor(Math.random() * 1e5)).padStart(5, '0')}`;

/** Routes a number to a forward target through the numbers API, trying the shapes `forward_to` may take. */
const routeNumber = async (bench: Bench, number: string, forwardTo: string): Promise<void> => {
  const url = `/v1/numbers/${number}`;
  let last: unknown;
  for (const body of [{ forward_to: forwardTo }, { forward_to: [forwardTo] }]) {
    try {
      await bench.api.ok({ method: 'PUT', url, token: bench.adminToken, body });
      return;
    } catch (error) {
      if (error instanceof UnexpectedResponseError && error.response.status === 400) {
        last = error;
        continue;
      }
      throw error;
    }
  }
  throw last;
};

/** A new call from a new caller to a routed number: the answer webhook's query string. */
export const answerUrl = (number: string) =>
  `/voice/vonage/answer?to=${number}&from=${randomNumber()}&uuid=${randomUUID()}&conversation_uuid=CON-${randomUUID()}`;

export const answerWebhookRatio = (bench: Bench): Promise<Figure> =>
  guarded('answer_webhook_ratio', 1.5, 'max', async () => {
    const number = '447700900100';
    await routeNumber(bench, number, '447700900200');
    const isNcco = (r: { body: unknown }) => {
      if (!Array.isArray(r.body)) throw new Error(`the answer webhook did not return an NCCO: ${r.body}`);
    };
    // One call first, counted, to learn how many items the webhook writes.
    bench.counter.reset();
    bench.counter.recording = true;
    const first = await bench.api.send({ method: 'GET', url: answerUrl(number) });
    bench.counter.recording = false;
    if (first.status !== 200) {
      if (first.status === 404) throw new EndpointMissingError('GET /voice/vonage/answer is missing');
      throw new Error(`answer webhook answered ${first.status}: ${JSON.stringify(first.body)}`);
    }
    isNcco(first);
    const writes = bench.counter.calls.filter((c) =>
      /^(Transact|Batch)Write|^Put|^Update|^Delete/.test(c.command),
    );
    const items = writes.reduce((n, c) => n + (c.items ?? 0), 0);
    const calls = bench.counter.calls
      .map((c) => (c.items ? `${c.command}(${c.items})` : c.command))
      .join(', ');
    const r = await sideBySide(
      requestProbe(bench, () => ({ method: 'GET', url: answerUrl(number) }), 200, isNcco),
      transactFloor(bench, Math.max(1, items)),
      bench.latency,
    );
    return judge('answer_webhook_ratio', r.ratio, 1.5, 'max', [
      `DynamoDB calls of one new call: ${calls}`,
      describe('GET /voice/vonage/answer (new call, new caller)', r.subject),
      describe(`raw TransactWriteItems of ${items} puts`, r.floor),
    ]);
  });
