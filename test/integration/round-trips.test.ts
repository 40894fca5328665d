/**
 * DynamoDB calls per request for the endpoints whose reads were folded together: the counts the
 * benchmark reports, pinned here so that a change that adds a round trip fails a test.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../functions/store/client.ts';
import { installRoundTripCounter, type RoundTripCounter } from '../bench/round-trips.ts';
import { call } from '../support/api.ts';
import { userToken } from '../support/tokens.ts';
import { eventPathOf, routeNumber, vonageAnswerGet, vonagePost } from '../support/voice.ts';

let counter: RoundTripCounter;

/** The DynamoDB commands one request makes, in order. */
const commandsOf = async (request: () => Promise<{ status: number }>, status: number) => {
  counter.reset();
  counter.recording = true;
  try {
    expect((await request()).status).toBe(status);
  } finally {
    counter.recording = false;
  }
  return counter.calls.map((c) => c.command);
};

const NUMBER = '447700000501';

beforeAll(async () => {
  counter = installRoundTripCounter(db());
  await routeNumber(NUMBER, '447700000502');
});

describe('round trips', () => {
  it('voice: a new call is one read and one transaction; each status report one Query and one transaction', async () => {
    const uuid = randomUUID();
    const params = { to: NUMBER, from: '447700000503', uuid };
    let eventPath = '';
    expect(
      await commandsOf(async () => {
        const res = await vonageAnswerGet(params);
        eventPath = eventPathOf(res.body);
        return res;
      }, 200),
    ).toEqual(['BatchGetItem', 'TransactWriteItems']);
    // A retried answer webhook is answered from the same one read
    expect(await commandsOf(() => vonageAnswerGet(params), 200)).toEqual(['BatchGetItem']);

    const callee = randomUUID();
    const status = (path: string, leg: string, value: string, direction: string) =>
      vonagePost(path, { uuid: leg, status: value, direction, from: NUMBER, to: '447700000502' });
    expect(await commandsOf(() => status(eventPath, callee, 'answered', 'outbound'), 200)).toEqual([
      'Query',
      'TransactWriteItems',
    ]);
    expect(await commandsOf(() => status('/voice/vonage/event', uuid, 'completed', 'inbound'), 200)).toEqual([
      'Query',
      'TransactWriteItems',
    ]);
  });

  it("a member's reads: one read for the conversation once its membership is known, two reads when not", async () => {
    // Prepare: lee joins and posts, so this process has just confirmed lee's JOINED member.
    const cid = (await call('POST', '/v1/conversations', { body: {} })).body.id;
    await call('POST', '/v1/users', { body: { name: 'lee' } });
    await call('POST', `/v1/conversations/${cid}/members`, {
      body: { state: 'joined', user: { name: 'lee' }, channel: { type: 'app' } },
    });
    const token = await userToken('lee');
    const text = { type: 'message', body: { message_type: 'text', text: 'hi' } };
    expect((await call('POST', `/v1/conversations/${cid}/events`, { token, body: text })).status).toBe(201);
    // Act / Assess: the membership was confirmed a moment ago; the conversation itself is read.
    expect(await commandsOf(() => call('GET', `/v1/conversations/${cid}`, { token }), 200)).toEqual([
      'GetItem',
    ]);
    expect(
      (await commandsOf(() => call('GET', `/v1/conversations/${cid}/events`, { token }), 200)).sort(),
    ).toEqual(['GetItem', 'Query']);
    // A write never relies on it: a PUT reads the caller again (and refuses lee, who is not the creator).
    expect(await commandsOf(() => call('PUT', `/v1/conversations/${cid}`, { token, body: {} }), 403)).toEqual(
      ['BatchGetItem'],
    );
  });

  it('conversations: legacy GET one Query; DELETE one Query and one transaction', async () => {
    const cid = (await call('POST', '/v1/conversations', { body: {} })).body.id;
    const user = (await call('POST', '/v1/users', { body: { name: 'kim' } })).body.id;
    const member = await call('POST', `/v1/conversations/${cid}/members`, {
      body: { state: 'joined', user: { id: user }, channel: { type: 'app' } },
    });
    expect(member.status).toBe(201);
    expect(await commandsOf(() => call('GET', `/beta/conversations/${cid}`), 200)).toEqual(['Query']);
    expect(await commandsOf(() => call('GET', `/v1/conversations/${cid}`), 200)).toEqual(['GetItem']);
    const token = await userToken('kim');
    // The first list learns the user's id; from then on a list is one Query and one BatchGet
    await call('GET', '/v1/conversations', { token });
    expect(await commandsOf(() => call('GET', '/v1/conversations', { token }), 200)).toEqual([
      'Query',
      'BatchGetItem',
    ]);
    expect(await commandsOf(() => call('GET', `/v1/users/${user}/conversations`), 200)).toEqual([
      'Query',
      'BatchGetItem',
    ]);
    expect(await commandsOf(() => call('DELETE', `/v1/conversations/${cid}`), 204)).toEqual([
      'Query',
      'TransactWriteItems',
    ]);
  });

  it('users: an update or a delete by id is one Query (the user and its live members) and one transaction', async () => {
    // Prepare: a user with a live member and a member that left.
    const user = (await call('POST', '/v1/users', { body: { name: 'ana' } })).body.id;
    for (const state of ['joined', 'left']) {
      const cid = (await call('POST', '/v1/conversations', { body: {} })).body.id;
      const member = await call('POST', `/v1/conversations/${cid}/members`, {
        body: { state: 'joined', user: { id: user }, channel: { type: 'app' } },
      });
      if (state === 'left') await call('DELETE', `/v1/conversations/${cid}/members/${member.body.id}`);
    }
    const renamed = { display_name: 'Ana', name: 'ana-2' };
    expect(await commandsOf(() => call('PATCH', `/v1/users/${user}`, { body: renamed }), 200)).toEqual([
      'Query',
      'TransactWriteItems',
    ]);
    // By name, the user is read first.
    expect(
      await commandsOf(() => call('PATCH', '/v1/users/ana-2', { body: { display_name: 'A' } }), 200),
    ).toEqual(['GetItem', 'Query', 'TransactWriteItems']);
    expect(await commandsOf(() => call('DELETE', `/v1/users/${user}`), 204)).toEqual([
      'Query',
      'TransactWriteItems',
    ]);
  });
});
