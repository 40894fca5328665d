/**
 * What one Query of a conversation's partition must give (the legacy view: the conversation and its
 * members, nothing else) and what a delete must leave (nothing, however large the conversation).
 */
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { db, tableName } from '../../functions/store/client.ts';
import { conversationPartition, keys } from '../../functions/store/keys.ts';
import { call } from '../support/api.ts';
import { userToken } from '../support/tokens.ts';

const newUser = async (name: string) => {
  const res = await call('POST', '/v1/users', { body: { name } });
  expect(res.status).toBe(201);
  return res.body.id as string;
};
const newConversation = async (body: Record<string, unknown> = {}) => {
  const res = await call('POST', '/v1/conversations', { body });
  expect(res.status).toBe(201);
  return res.body.id as string;
};
const addMember = async (cid: string, userId: string, state: 'joined' | 'invited') => {
  const res = await call('POST', `/v1/conversations/${cid}/members`, {
    body: { state, user: { id: userId }, channel: { type: 'app' } },
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
};
const post = (cid: string, from: string, text: string) =>
  call('POST', `/v1/conversations/${cid}/events`, {
    body: { type: 'message', from, body: { message_type: 'text', text } },
  });
/** Every item left in a conversation's partition, read straight from the table. */
const partitionItems = async (cid: string) => {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': conversationPartition(cid) },
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
};

describe('legacy conversation view', () => {
  it('shows the conversation with exactly its members, whatever else its partition holds', async () => {
    // Prepare: members in both states, messages (events), the users' pointers, a member who left
    const [ann, ben, cat] = await Promise.all([newUser('ann'), newUser('ben'), newUser('cat')]);
    const cid = await newConversation({ display_name: 'Legacy' });
    const a = await addMember(cid, ann, 'joined');
    const b = await addMember(cid, ben, 'invited');
    const c = await addMember(cid, cat, 'joined');
    for (const text of ['one', 'two', 'three']) expect((await post(cid, a, text)).status).toBe(201);
    const left = await call('PATCH', `/v1/conversations/${cid}/members/${c}`, {
      token: await userToken('cat'),
      body: { state: 'left' },
    });
    expect(left.status).toBe(200);
    // Act
    const res = await call('GET', `/beta/conversations/${cid}`);
    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      uuid: cid,
      display_name: 'Legacy',
      state: 'ACTIVE',
      sequence_number: 7,
    });
    const members = res.body.members.map((m: { member_id: string; state: string }) => [m.member_id, m.state]);
    expect(members).toEqual([
      [a, 'JOINED'],
      [b, 'INVITED'],
      [c, 'LEFT'],
    ]);
    const v01 = await call('GET', `/v0.1/conversations/${cid}`);
    expect(v01.body.members).toEqual(res.body.members);
  });

  it('shows a conversation without members, and 404s one that does not exist or has expired', async () => {
    const cid = await newConversation();
    const empty = await call('GET', `/beta/conversations/${cid}`);
    expect(empty.status).toBe(200);
    expect(empty.body.members).toEqual([]);
    const missing = await call('GET', '/beta/conversations/CON-00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('conversation:error:not-found');

    const old = await newConversation();
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.conversation(old),
        UpdateExpression: 'SET expiresAt = :t',
        ExpressionAttributeValues: { ':t': Math.floor(Date.now() / 1000) - 5 },
      }),
    );
    // As GET /v1/conversations/{id}: past its TTL a conversation is gone before DynamoDB deletes it
    expect((await call('GET', `/v0.1/conversations/${old}`)).status).toBe(404);
  });
});

describe('deleting a conversation', () => {
  it('removes a conversation larger than one transaction: its items, its name, its place in lists', async () => {
    // Prepare: 2 members, their pointers, 120 events: more than the 100 items of a transaction
    const [dan, eve] = await Promise.all([newUser('dan'), newUser('eve')]);
    const cid = await newConversation({ name: 'big-one' });
    const d = await addMember(cid, dan, 'joined');
    await addMember(cid, eve, 'joined');
    for (let i = 0; i < 118; i++) expect((await post(cid, d, `m${i}`)).status).toBe(201);
    expect((await partitionItems(cid)).length).toBeGreaterThan(120);
    // Act
    const res = await call('DELETE', `/v1/conversations/${cid}`);
    // Assess
    expect(res.status).toBe(204);
    expect(await partitionItems(cid)).toEqual([]);
    expect((await call('GET', `/v1/conversations/${cid}`)).status).toBe(404);
    expect((await call('GET', `/v1/conversations/${cid}/events`)).status).toBe(404);
    expect((await call('GET', `/beta/conversations/${cid}`)).status).toBe(404);
    const mine = await call('GET', '/v1/conversations', { token: await userToken('dan') });
    expect(mine.body._embedded.conversations).toEqual([]);
    expect((await call('GET', `/v1/users/${eve}/conversations`)).body._embedded.conversations).toEqual([]);
    // The name is free again
    expect((await call('POST', '/v1/conversations', { body: { name: 'big-one' } })).status).toBe(201);
    expect((await call('DELETE', `/v1/conversations/${cid}`)).status).toBe(404);
  });

  it('leaves nothing behind when messages are posted while it deletes', async () => {
    const fay = await newUser('fay');
    const cid = await newConversation();
    const f = await addMember(cid, fay, 'joined');
    const posts = Array.from({ length: 6 }, (_, i) => post(cid, f, `race ${i}`));
    const [deleted, ...posted] = await Promise.all([call('DELETE', `/v1/conversations/${cid}`), ...posts]);
    expect(deleted.status).toBe(204);
    for (const p of posted) expect([201, 404]).toContain(p.status);
    expect(await partitionItems(cid)).toEqual([]);
  });

  it('answers 404 for a conversation that is not there', async () => {
    const res = await call('DELETE', '/v1/conversations/CON-00000000-0000-4000-8000-000000000001');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('conversation:error:not-found');
  });
});
