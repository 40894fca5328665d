/**
 * A conversation past its TTL is gone on every route, before DynamoDB's TTL (and the reaper) remove its
 * items: each route answers 404 `conversation:error:not-found`, as for a conversation that never existed,
 * and writes nothing.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { db, tableName } from '../../functions/store/client.ts';
import { keys } from '../../functions/store/keys.ts';
import { type ApiResponse, call } from '../support/api.ts';
import { expire } from '../support/table.ts';
import { userToken } from '../support/tokens.ts';

/** Every item of the conversation's partition, straight from the table. */
const partition = async (conversationId: string) =>
  (
    await db().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.conversation(conversationId).pk },
        ConsistentRead: true,
      }),
    )
  ).Items ?? [];

const expectGone = (res: ApiResponse) => {
  expect(res.status, res.text).toBe(404);
  expect(res.body.code, res.text).toBe('conversation:error:not-found');
  expect(Object.keys(res.body).sort()).toEqual(['code', 'detail', 'instance', 'title', 'type']);
};

interface Expired {
  cid: string;
  alice: string;
  bob: string;
  message: number;
}

describe('an expired conversation is gone on every route', () => {
  let x: Expired;
  let before: Record<string, unknown>[];
  let aliceId: string;

  beforeAll(async () => {
    aliceId = (await call('POST', '/v1/users', { body: { name: 'alice' } })).body.id;
    await call('POST', '/v1/users', { body: { name: 'bob' } });
    await call('POST', '/v1/users', { body: { name: 'carol' } });
    const cid = (await call('POST', '/v1/conversations', { body: { display_name: 'ended call' } })).body.id;
    const add = async (state: string, name: string) => {
      const res = await call('POST', `/v1/conversations/${cid}/members`, {
        body: { state, user: { name }, channel: { type: 'app' } },
      });
      expect(res.status, res.text).toBe(201);
      return res.body.id as string;
    };
    const alice = await add('joined', 'alice');
    const bob = await add('invited', 'bob');
    // Posted with alice's own token, so her process remembers the conversation's head and her member.
    const msg = await call('POST', `/v1/conversations/${cid}/events`, {
      token: await userToken('alice'),
      body: { type: 'message', body: { message_type: 'text', text: 'bye' } },
    });
    expect(msg.status, msg.text).toBe(201);
    x = { cid, alice, bob, message: msg.body.id };
    // Read once while alive, so nothing is answered from a cold read only.
    expect((await call('GET', `/v1/conversations/${cid}`)).status).toBe(200);
    await expire(cid, -5);
    before = await partition(cid);
  });

  const text = { type: 'message', body: { message_type: 'text', text: 'too late' } };
  const routes: [string, string, (e: Expired) => string, unknown?][] = [
    ['GET', 'the conversation', (e) => `/v1/conversations/${e.cid}`],
    ['PUT', 'the conversation', (e) => `/v1/conversations/${e.cid}`, { display_name: 'revived' }],
    ['GET', 'its events', (e) => `/v1/conversations/${e.cid}/events`],
    ['GET', 'one event', (e) => `/v1/conversations/${e.cid}/events/${e.message}`],
    ['POST', 'an event', (e) => `/v1/conversations/${e.cid}/events`, text],
    ['DELETE', 'one event', (e) => `/v1/conversations/${e.cid}/events/${e.message}`],
    ['GET', 'its members', (e) => `/v1/conversations/${e.cid}/members`],
    ['GET', 'one member', (e) => `/v1/conversations/${e.cid}/members/${e.alice}`],
    [
      'POST',
      'a member',
      (e) => `/v1/conversations/${e.cid}/members`,
      { state: 'invited', user: { name: 'carol' }, channel: { type: 'app' } },
    ],
    ['PATCH', 'a member (join)', (e) => `/v1/conversations/${e.cid}/members/${e.bob}`, { state: 'joined' }],
    ['PATCH', 'a member (leave)', (e) => `/v1/conversations/${e.cid}/members/${e.alice}`, { state: 'left' }],
    ['GET', 'its legs', (e) => `/v1/conversations/${e.cid}/legs`],
    ['GET', 'the /beta view', (e) => `/beta/conversations/${e.cid}`],
    ['GET', 'the /v0.1 view', (e) => `/v0.1/conversations/${e.cid}`],
    // Last: were it to succeed, it would hide what the routes after it do.
    ['DELETE', 'the conversation', (e) => `/v1/conversations/${e.cid}`],
  ];

  it.each(routes)(
    'answers an admin token %s %s: 404 conversation:error:not-found',
    async (method, _l, path, body) => {
      expectGone(await call(method, path(x), body === undefined ? {} : { body }));
    },
  );

  it.each(routes)(
    'answers a user token (its JOINED member) %s %s: 404 conversation:error:not-found',
    async (method, _l, path, body) => {
      expectGone(
        await call(method, path(x), {
          token: await userToken('alice'),
          ...(body === undefined ? {} : { body }),
        }),
      );
    },
  );

  it('answers GET …/members/me for its member: 404 conversation:error:not-found', async () => {
    expectGone(
      await call('GET', `/v1/conversations/${x.cid}/members/me`, { token: await userToken('alice') }),
    );
  });

  it("leaves it out of its users' conversation lists", async () => {
    const token = await userToken('alice');
    const own = await call('GET', '/v1/conversations?page_size=100', { token });
    expect(own.body._embedded.conversations.map((c: { id: string }) => c.id)).not.toContain(x.cid);
    const mine = await call('GET', `/v1/users/${aliceId}/conversations?page_size=100`);
    expect(mine.status).toBe(200);
    expect(mine.body._embedded.conversations.map((c: { id: string }) => c.id)).not.toContain(x.cid);
  });

  it('writes nothing on any of those routes', async () => {
    for (const [method, , path, body] of routes)
      await call(method, path(x), body === undefined ? {} : { body });
    expect(await partition(x.cid)).toEqual(before);
    const conv = await db().send(new GetCommand({ TableName: tableName(), Key: keys.conversation(x.cid) }));
    expect(conv.Item?.sequence_number).toBe(x.message);
  });
});
