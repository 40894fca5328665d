/**
 * The reaper against DynamoDB Local: the conversation item is deleted the way TTL deletes it (a raw
 * DeleteItem), then the handler gets the stream record AWS would send for that delete.
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resetConfig } from '../../functions/config.ts';
import { handler } from '../../functions/reaper/handler.ts';
import { db, tableName } from '../../functions/store/client.ts';
import { keys } from '../../functions/store/keys.ts';
import { purgeConversationLeftovers } from '../../functions/store/reaper-repo.ts';
import { call } from '../support/api.ts';
import { BASE, eventPathOf, legOf, routeNumber, vonageAnswerGet, vonagePost } from '../support/voice.ts';

type Item = Record<string, unknown>;

const CALLER = '447700000101';
const VONAGE_NUMBER = '447700000102';
const TARGET = '447700000103';

/** Every item of a conversation's partition, read straight from the table. */
const partition = async (conversationId: string): Promise<Item[]> => {
  const out = await db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `CON#${conversationId}` },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
};

/** The conversation ids a user's GSI1 pointers name (what the user's conversation list reads). */
const pointedConversations = async (userId: string): Promise<string[]> => {
  const out = await db().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.membershipsOfUser(userId).gsi1pk },
    }),
  );
  return (out.Items ?? []).map((i) => String(i.pk).slice('CON#'.length));
};

const getItem = async (key: { pk: string; sk: string }) =>
  (await db().send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }))).Item;

/** Deletes a conversation item as TTL does (nothing else), and returns the item it deleted. */
const expireNow = async (conversationId: string): Promise<Item> => {
  const out = await db().send(
    new DeleteCommand({
      TableName: tableName(),
      Key: keys.conversation(conversationId),
      ReturnValues: 'ALL_OLD',
    }),
  );
  if (!out.Attributes) throw new Error(`no conversation ${conversationId}`);
  return out.Attributes;
};

const TTL_IDENTITY = { type: 'Service', principalId: 'dynamodb.amazonaws.com' };

/** The stream record of a REMOVE, shaped like AWS's (NEW_AND_OLD_IMAGES, Keys and OldImage marshalled). */
const removeRecord = (
  old: Item,
  identity: DynamoDBRecord['userIdentity'] = TTL_IDENTITY,
): DynamoDBRecord => ({
  eventID: randomUUID().replace(/-/g, ''),
  eventName: 'REMOVE',
  eventVersion: '1.1',
  eventSource: 'aws:dynamodb',
  awsRegion: 'eu-west-1',
  eventSourceARN: 'arn:aws:dynamodb:eu-west-1:123456789012:table/parley/stream/2026-01-01T00:00:00.000',
  ...(identity ? { userIdentity: identity } : {}),
  dynamodb: {
    ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
    Keys: marshall({ pk: old.pk, sk: old.sk }) as never,
    OldImage: marshall(old, { removeUndefinedValues: true, convertClassInstanceToMap: true }) as never,
    SequenceNumber: String(Date.now()),
    SizeBytes: 100,
    StreamViewType: 'NEW_AND_OLD_IMAGES',
  },
});

const streamEvent = (...records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

const newUser = async (name: string): Promise<string> => {
  const res = await call('POST', '/v1/users', { body: { name } });
  expect(res.status).toBe(201);
  return res.body.id;
};

/** A named conversation with the users JOINED and a few messages from the first. */
const chat = async (name: string, userIds: string[], messages: number): Promise<string> => {
  const created = await call('POST', '/v1/conversations', { body: { name } });
  expect(created.status).toBe(201);
  const cid = created.body.id as string;
  const memberIds: string[] = [];
  for (const id of userIds) {
    const member = await call('POST', `/v1/conversations/${cid}/members`, {
      body: { state: 'joined', user: { id }, channel: { type: 'app' } },
    });
    expect(member.status).toBe(201);
    memberIds.push(member.body.id);
  }
  for (let i = 0; i < messages; i++) {
    const sent = await call('POST', `/v1/conversations/${cid}/events`, {
      body: { type: 'message', from: memberIds[0], body: { message_type: 'text', text: `m${i}` } },
    });
    expect(sent.status).toBe(201);
  }
  return cid;
};

const conversationNames = async (user: string): Promise<string[]> => {
  const res = await call('GET', `/v1/users/${user}/conversations?page_size=100`);
  expect(res.status).toBe(200);
  return res.body._embedded.conversations.map((c: { name: string }) => c.name);
};

/** A forwarded Vonage call, answered and hung up, so its conversation has its TTL. */
const endedCall = async () => {
  const inbound = randomUUID().replace(/-/g, '');
  const callee = randomUUID().replace(/-/g, '');
  const answer = await vonageAnswerGet({
    to: VONAGE_NUMBER,
    from: CALLER,
    uuid: inbound,
    conversation_uuid: `CON-${randomUUID()}`,
  });
  expect(answer.status).toBe(200);
  const eventPath = eventPathOf(answer.body);
  const conversationId = new URL(eventPath, BASE).searchParams.get('conversation_id') as string;
  const at = (s: number) => new Date(Date.parse('2026-03-01T10:00:00.000Z') + s * 1000).toISOString();
  const send = (leg: 'in' | 'out', status: string, s: number, extra: Item = {}) =>
    vonagePost(leg === 'in' ? '/voice/vonage/event' : eventPath, {
      from: leg === 'in' ? CALLER : VONAGE_NUMBER,
      to: leg === 'in' ? VONAGE_NUMBER : TARGET,
      uuid: leg === 'in' ? inbound : callee,
      conversation_uuid: 'CON-aaaaaaaa-bbbb-cccc-dddd-0123456789ab',
      status,
      direction: leg === 'in' ? 'inbound' : 'outbound',
      timestamp: at(s),
      ...extra,
    });
  for (const [leg, status, s] of [
    ['in', 'started', 0],
    ['out', 'started', 1],
    ['out', 'answered', 5],
    ['in', 'answered', 5],
  ] as const)
    expect((await send(leg, status, s)).status).toBe(200);
  await send('out', 'completed', 30, { duration: '25', start_time: at(5), end_time: at(30) });
  await send('in', 'completed', 30, { duration: '30', start_time: at(0), end_time: at(30) });
  return { conversationId, legIds: [inbound, callee] };
};

afterEach(() => {
  resetConfig();
});

describe('reaper: a conversation removed by TTL', () => {
  let ann: string;
  let kept: string;
  let keptItems: Item[];

  beforeAll(async () => {
    ann = await newUser('ann');
    const ben = await newUser('ben');
    kept = await chat('reaper-kept', [ann, ben], 2);
    keptItems = await partition(kept);
  });

  it('deletes its members, events and users’ pointers, frees its name, and leaves other conversations', async () => {
    // Prepare
    const ben = (await call('GET', '/v1/users?name=ben')).body._embedded.users[0].id as string;
    const cid = await chat('reaper-gone', [ann, ben], 3);
    expect((await partition(cid)).length).toBe(1 + 1 + 2 + 5 + 2); // conversation, listing, members, events, pointers
    expect(await pointedConversations(ann)).toContain(cid);
    const old = await expireNow(cid);

    // Act
    const result = await handler(streamEvent(removeRecord(old)));

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(await partition(cid)).toEqual([]);
    expect(await pointedConversations(ann)).not.toContain(cid);
    expect(await pointedConversations(ben)).not.toContain(cid);
    expect(await conversationNames(ann)).toEqual(['reaper-kept']);
    expect(await getItem(keys.conversationName('reaper-gone'))).toBeUndefined();
    expect((await call('POST', '/v1/conversations', { body: { name: 'reaper-gone' } })).status).toBe(201);
    expect(await partition(kept)).toEqual(keptItems);
    expect((await call('GET', `/v1/conversations/${kept}/events`)).body._embedded).toHaveLength(4);
  });

  it('deletes an ended call’s legs, their copies and everything else of its conversation', async () => {
    // Prepare
    await routeNumber(`+${VONAGE_NUMBER}`, TARGET);
    const { conversationId, legIds } = await endedCall();
    const before = await partition(conversationId);
    expect(before[0].expiresAt).toEqual(expect.any(Number));
    expect(before.filter((i) => String(i.sk).startsWith(keys.legsPrefix))).toHaveLength(2);
    for (const id of legIds) expect((await legOf(id)).status).toBe(200);
    const name = String(before[0].name);
    const old = await expireNow(conversationId);

    // Act
    const result = await handler(streamEvent(removeRecord(old)));

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(await partition(conversationId)).toEqual([]);
    for (const id of legIds) {
      const leg = await legOf(id);
      expect(leg.status).toBe(404);
    }
    expect((await call('POST', '/v1/conversations', { body: { name } })).status).toBe(201);
    expect(await partition(kept)).toEqual(keptItems);
  });

  it('is harmless when the record comes again: the name taken since stays with its new conversation', async () => {
    // Prepare
    const cid = await chat('reaper-twice', [ann], 1);
    const record = removeRecord(await expireNow(cid));
    expect(await handler(streamEvent(record))).toEqual({ batchItemFailures: [] });
    const again = await call('POST', '/v1/conversations', { body: { name: 'reaper-twice' } });
    expect(again.status).toBe(201);
    const newItems = await partition(again.body.id);

    // Act
    const replayed = await handler(streamEvent(record, record));

    // Assess
    expect(replayed).toEqual({ batchItemFailures: [] });
    expect(await getItem(keys.conversationName('reaper-twice'))).toMatchObject({
      conversation_id: again.body.id,
    });
    expect(await partition(again.body.id)).toEqual(newItems);
    expect((await call('GET', `/v1/conversations/${again.body.id}`)).status).toBe(200);
    expect(await partition(kept)).toEqual(keptItems);
  });
});

describe('reaper: a large partition', () => {
  it('deletes more than one BatchWrite holds, and follows Query pages, legs included', async () => {
    // Prepare: 1 + 1 + 1 + 31 + 1 items (more than 25); an ended call read 3 items a page
    const kim = await newUser('kim');
    const big = await chat('reaper-big', [kim], 30);
    await expireNow(big);
    await routeNumber(`+${VONAGE_NUMBER}`, TARGET);
    const { conversationId, legIds } = await endedCall();
    const callItems = (await partition(conversationId)).length;
    const old = await expireNow(conversationId);

    // Act
    const purgedBig = await purgeConversationLeftovers(big, 'reaper-big');
    const purgedCall = await purgeConversationLeftovers(conversationId, String(old.name), 3);

    // Assess
    expect(purgedBig).toEqual({ partitionItems: 34, legs: 0, nameReleased: true });
    expect(await partition(big)).toEqual([]);
    expect(purgedCall).toEqual({ partitionItems: callItems - 1, legs: 2, nameReleased: true });
    expect(await partition(conversationId)).toEqual([]);
    for (const id of legIds) expect((await legOf(id)).status).toBe(404);
  });
});

describe('reaper: records that are not a TTL removal of a conversation', () => {
  it('does nothing for a user’s delete, an event item’s removal, or a change of the conversation', async () => {
    // Prepare: a live conversation whose records are sent as if its item, or one of its events, were removed
    const ivy = await newUser('ivy');
    const cid = await chat('reaper-live', [ivy], 2);
    const items = await partition(cid);
    const conversation = items[0];
    const event = items.find((i) => String(i.sk).startsWith(keys.eventsPrefix)) as Item;
    const modify: DynamoDBRecord = { ...removeRecord(conversation), eventName: 'MODIFY' };

    // Act
    const result = await handler(
      streamEvent(
        removeRecord(conversation, null),
        removeRecord(conversation, { type: 'Service', principalId: 'someone.amazonaws.com' }),
        removeRecord(event),
        modify,
      ),
    );

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(await partition(cid)).toEqual(items);
    expect(await getItem(keys.conversationName('reaper-live'))).toMatchObject({ conversation_id: cid });
    expect(await conversationNames(ivy)).toEqual(['reaper-live']);
  });
});

describe('reaper: a record that fails', () => {
  it('is reported by its event id, and the records after it are left for the retry', async () => {
    // Prepare
    const zed = await newUser('zed');
    const cid = await chat('reaper-fails', [zed], 1);
    const first = removeRecord(await expireNow(cid));
    const second = removeRecord({ pk: 'CON#CON-00000000-0000-4000-8000-000000000000', sk: 'CON' });
    const items = await partition(cid);
    const table = process.env.TABLE_NAME;
    // A table that does not exist makes every call fail, as an outage would.
    process.env.TABLE_NAME = `missing-${randomUUID()}`;
    resetConfig();

    // Act
    let result: Awaited<ReturnType<typeof handler>>;
    try {
      result = await handler(streamEvent(first, second));
    } finally {
      process.env.TABLE_NAME = table;
      resetConfig();
    }

    // Assess
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: first.eventID }] });
    expect(await partition(cid)).toEqual(items);
    // The retry succeeds
    expect(await handler(streamEvent(first, second))).toEqual({ batchItemFailures: [] });
    expect(await partition(cid)).toEqual([]);
  });
});
