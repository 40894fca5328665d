/**
 * The timeline under load and behind the process's back: group commit of concurrent posts, member writes and
 * conversation updates, one append of a batch failing its own condition, the member limit under concurrent
 * adds, and the cached conversation head and caller going stale.
 */
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { resetConfig } from '../../functions/config.ts';
import { changesOf } from '../../functions/domain/conversations.ts';
import { conversationUpdatedEvent } from '../../functions/domain/events.ts';
import { db, tableName } from '../../functions/store/client.ts';
import { loadContext } from '../../functions/store/context-repo.ts';
import { conversationRepository } from '../../functions/store/conversations-repo.ts';
import { keys } from '../../functions/store/keys.ts';
import { memberStore } from '../../functions/store/members-repo.ts';
import { appendToTimeline } from '../../functions/store/timeline.ts';
import { call } from '../support/api.ts';
import { markLeft } from '../support/table.ts';
import { userToken } from '../support/tokens.ts';

const newUser = async (name: string) =>
  (await call('POST', '/v1/users', { body: { name } })).body as { id: string };
const conversation = async (cid: string) => (await call('GET', `/v1/conversations/${cid}`)).body;
const post = (cid: string, body: Record<string, unknown>, token?: string) =>
  call('POST', `/v1/conversations/${cid}/events`, { body, ...(token ? { token } : {}) });
const text = (t: string) => ({ type: 'message', body: { message_type: 'text', text: t } });
const storedIds = async (cid: string) =>
  (await call('GET', `/v1/conversations/${cid}/events?page_size=100`)).body._embedded.map(
    (e: { id: number }) => e.id,
  );

const storedItem = async (cid: string) =>
  (
    await db().send(
      new GetCommand({ TableName: tableName(), Key: keys.conversation(cid), ConsistentRead: true }),
    )
  ).Item;
const allEvents = async (cid: string) =>
  (await call('GET', `/v1/conversations/${cid}/events?page_size=100`)).body._embedded as {
    id: number;
    type: string;
    body: Record<string, unknown>;
  }[];

let n = 0;
/** A conversation with `count` users JOINED, each with its member id and token. */
const room = async (count: number) => {
  n++;
  const cid = (await call('POST', '/v1/conversations', { body: {} })).body.id as string;
  const people = [];
  for (let i = 0; i < count; i++) {
    const name = `tl-${n}-${i}`;
    const user = await newUser(name);
    const member = await call('POST', `/v1/conversations/${cid}/members`, {
      body: { state: 'joined', user: { id: user.id }, channel: { type: 'app' } },
    });
    people.push({ name, userId: user.id, member: member.body.id as string, token: await userToken(name) });
  }
  return { cid, people };
};

describe('group commit', () => {
  it('commits many concurrent posts of one process: none fails, ids gap-free, read state right', async () => {
    // Prepare: 8 members, each posting 8 messages at once (the same sender's posts cannot share a batch).
    const { cid, people } = await room(8);
    const k = (await conversation(cid)).sequence_number;
    // Act
    const results = await Promise.all(
      people.flatMap((p, i) =>
        Array.from({ length: 8 }, (_, j) => post(cid, { ...text(`${i}.${j}`), from: p.member }, p.token)),
      ),
    );
    // Assess
    expect(results.map((r) => r.status)).toEqual(results.map(() => 201));
    const ids = results.map((r) => r.body.id as number).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: 64 }, (_, i) => k + 1 + i));
    expect((await conversation(cid)).sequence_number).toBe(k + 64);
    const stored = await storedIds(cid);
    expect(stored.slice(-64)).toEqual(ids);
    for (const [i, p] of people.entries()) {
      const own = results.slice(i * 8, i * 8 + 8).map((r) => r.body.id as number);
      const last = Math.max(...own);
      const unread = ids.filter((id) => id > last).length;
      const byId = await call('GET', `/v1/conversations/${cid}/members/${p.member}`);
      const me = await call('GET', `/v1/conversations/${cid}/members/me`, { token: p.token });
      for (const m of [byId.body, me.body])
        expect(m).toMatchObject({ last_seen_event_id: last, unread_count: unread });
    }
    // message_index counts every message once, in id order (the unread counts above rely on it).
    const indexes: unknown[] = [];
    for (const id of ids)
      indexes.push(
        (await db().send(new GetCommand({ TableName: tableName(), Key: keys.event(cid, id) }))).Item
          ?.message_index,
      );
    expect(indexes[0]).toEqual(expect.any(Number));
    expect(indexes).toEqual(Array.from({ length: 64 }, (_, i) => (indexes[0] as number) + i));
  });

  it('refuses only the append whose own item fails its condition; the rest of the batch commits', async () => {
    // Prepare
    const { cid } = await room(1);
    const k = (await conversation(cid)).sequence_number;
    const missing = { pk: `CON#${cid}`, sk: 'MEM#MEM-00000000-0000-4000-8000-000000000000' };
    const event = (t: string) => ({ type: 'custom:test', body: { t }, timestamp: new Date().toISOString() });
    // Act: three appends made in the same tick share one batch.
    const outcomes = await Promise.allSettled([
      appendToTimeline(cid, () => ({ events: [event('a')] })),
      appendToTimeline(cid, () => ({
        events: [event('b')],
        items: [
          {
            ConditionCheck: {
              TableName: tableName(),
              Key: missing,
              ConditionExpression: 'attribute_exists(pk)',
            },
          },
        ],
        failed: (index) => new Error(`own item ${index} failed`),
      })),
      appendToTimeline(cid, () => ({ events: [event('c'), event('d')] })),
    ]);
    // Assess
    expect(outcomes[1]).toMatchObject({ status: 'rejected', reason: { message: 'own item 0 failed' } });
    expect(outcomes[0]).toMatchObject({ status: 'fulfilled', value: [{ id: k + 1, body: { t: 'a' } }] });
    expect(outcomes[2]).toMatchObject({
      status: 'fulfilled',
      value: [
        { id: k + 2, body: { t: 'c' } },
        { id: k + 3, body: { t: 'd' } },
      ],
    });
    expect((await conversation(cid)).sequence_number).toBe(k + 3);
    expect((await storedIds(cid)).slice(-3)).toEqual([k + 1, k + 2, k + 3]);
  });

  it('refuses a change of the conversation item that appends no event, and writes nothing', async () => {
    // Prepare
    const { cid } = await room(1);
    const before = await storedItem(cid);
    // Act
    const outcome = appendToTimeline(cid, () => ({ events: [], set: { state: 'INACTIVE' } }));
    // Assess
    await expect(outcome).rejects.toThrow('an append that changes the conversation must add an event');
    expect(await storedItem(cid)).toEqual(before);
  });

  it("answers a post whose sender left behind the process's back as a non-member (404), and commits the others", async () => {
    // Prepare: both post once, so the process remembers the conversation and both callers.
    const { cid, people } = await room(2);
    const [alice, bob] = people;
    expect((await post(cid, text('warm'), alice.token)).status).toBe(201);
    expect((await post(cid, text('warm'), bob.token)).status).toBe(201);
    const k = (await conversation(cid)).sequence_number;
    // Another process makes alice LEFT (state on both of her items, no event: as if its event were elsewhere).
    await markLeft(cid, alice.member, alice.userId);
    // Act
    const [a, b] = await Promise.all([post(cid, text('a'), alice.token), post(cid, text('b'), bob.token)]);
    // Assess
    // A member who left no longer sees the conversation.
    expect(a.status).toBe(404);
    expect(a.body.code).toBe('conversation:error:not-found');
    expect(b.status).toBe(201);
    expect(b.body.id).toBe(k + 1);
    expect((await conversation(cid)).sequence_number).toBe(k + 1);
  });
});

describe('every append through the lane', () => {
  it('batches a member joining and one leaving with 30 concurrent posts: all commit, ids gap-free, count right', async () => {
    // Prepare: five posters, one member who will leave, and a user who will join.
    const { cid, people } = await room(6);
    const posters = people.slice(0, 5);
    const leaver = people[5];
    const carol = await newUser(`tl-${n}-carol`);
    const before = await storedItem(cid);
    const k = Number(before?.sequence_number);
    // Act
    const [joined, left, ...posts] = await Promise.all([
      call('POST', `/v1/conversations/${cid}/members`, {
        body: { state: 'joined', user: { id: carol.id }, channel: { type: 'app' } },
      }),
      call('PATCH', `/v1/conversations/${cid}/members/${leaver.member}`, { body: { state: 'left' } }),
      ...posters.flatMap((p, i) =>
        Array.from({ length: 6 }, (_, j) => post(cid, { ...text(`${i}.${j}`), from: p.member }, p.token)),
      ),
    ]);
    // Assess
    expect(joined.status).toBe(201);
    expect(left.status).toBe(200);
    expect(posts.map((r) => r.status)).toEqual(posts.map(() => 201));
    const after = await storedItem(cid);
    expect(after?.sequence_number).toBe(k + 32);
    expect(after?.member_count).toBe(before?.member_count);
    const timeline = await allEvents(cid);
    expect(timeline.map((e) => e.id)).toEqual(Array.from({ length: k + 32 }, (_, i) => i + 1));
    const posted = posts.map((r) => r.body.id as number);
    expect(new Set(posted).size).toBe(30);
    const join = timeline.find((e) => e.type === 'member:joined' && e.body.member_id === joined.body.id);
    expect(
      timeline.filter((e) => e.type === 'member:left' && e.body.member_id === leaver.member),
    ).toHaveLength(1);
    // The new member starts reading right before its own event: what was posted before it is not unread.
    const carolNow = await call('GET', `/v1/conversations/${cid}/members/${joined.body.id}`);
    expect(join).toBeDefined();
    expect(carolNow.body.last_seen_event_id).toBe(Number(join?.id) - 1);
    expect(joined.body.last_seen_event_id).toBe(Number(join?.id) - 1);
    expect(carolNow.body.unread_count).toBe(posted.filter((id) => id > Number(join?.id)).length);
  });

  it('batches a conversation PUT with concurrent posts: it commits once, its fields stay, ids gap-free', async () => {
    // Prepare
    const { cid, people } = await room(3);
    const k = (await conversation(cid)).sequence_number;
    // Act
    const [put, ...posts] = await Promise.all([
      call('PUT', `/v1/conversations/${cid}`, { body: { display_name: 'Busy room' } }),
      ...people.flatMap((p, i) =>
        Array.from({ length: 6 }, (_, j) => post(cid, { ...text(`${i}.${j}`), from: p.member }, p.token)),
      ),
    ]);
    // Assess
    expect(put.status).toBe(200);
    expect(posts.map((r) => r.status)).toEqual(posts.map(() => 201));
    const now = await conversation(cid);
    expect(now).toMatchObject({ display_name: 'Busy room', sequence_number: k + 19 });
    const timeline = await allEvents(cid);
    expect(timeline.map((e) => e.id)).toEqual(Array.from({ length: k + 19 }, (_, i) => i + 1));
    const updated = timeline.filter((e) => e.type === 'conversation:updated');
    expect(updated).toHaveLength(1);
    expect(put.body.sequence_number).toBe(updated[0].id);
    expect((await storedItem(cid))?.message_count).toBe(18);
  });

  it('fills a conversation to its maximum under concurrent adds, and never beyond', async () => {
    process.env.MAX_MEMBERS_PER_CONVERSATION = '3';
    resetConfig();
    try {
      // Prepare: one member, four users who all try to join at once.
      const { cid } = await room(1);
      const users = [];
      for (let i = 0; i < 4; i++) users.push(await newUser(`tl-${n}-x${i}`));
      // Act
      const results = await Promise.all(
        users.map((u) =>
          call('POST', `/v1/conversations/${cid}/members`, {
            body: { state: 'joined', user: { id: u.id }, channel: { type: 'app' } },
          }),
        ),
      );
      // Assess
      expect(results.filter((r) => r.status === 201)).toHaveLength(2);
      const refused = results.filter((r) => r.status !== 201);
      expect(refused.map((r) => [r.status, r.body.code])).toEqual([
        [400, 'conversation:error:maximum-number-of-members'],
        [400, 'conversation:error:maximum-number-of-members'],
      ]);
      const stored = await storedItem(cid);
      expect(stored).toMatchObject({ member_count: 3, sequence_number: 3 });
      expect((await storedIds(cid)).length).toBe(3);
    } finally {
      delete process.env.MAX_MEMBERS_PER_CONVERSATION;
      resetConfig();
    }
  });
});

describe('writes planned on the head they commit on', () => {
  it('a member change shares one transaction with posts and does not fail against them', async () => {
    // Prepare: the rules read the conversation and the member, then posts arrive before the write.
    const { cid, people } = await room(2);
    const ctx = await loadContext({ conversationId: cid, memberId: people[1].member });
    const { conversation: read, member: previous } = ctx;
    if (!read || !previous) throw new Error('nothing read');
    const now = new Date().toISOString();
    const next = { ...previous, state: 'LEFT' as const, timestamp: { ...previous.timestamp, left: now } };
    const event = (t: string) => ({ type: 'custom:test', body: { t }, timestamp: now });
    const send = vi.spyOn(db(), 'send');
    // Act: appends made in the same tick share a batch, the member change last.
    const outcomes = await Promise.allSettled([
      ...Array.from({ length: 5 }, (_, i) => appendToTimeline(cid, () => ({ events: [event(`p${i}`)] }))),
      memberStore.change({ conversation: read, previous, next, event: event('left'), memberDelta: -1 }),
    ]);
    const transactions = send.mock.calls.filter(([command]) => command instanceof TransactWriteCommand);
    send.mockRestore();
    // Assess
    expect(outcomes.map((o) => o.status)).toEqual(outcomes.map(() => 'fulfilled'));
    expect(transactions).toHaveLength(1);
    expect(await storedItem(cid)).toMatchObject({
      sequence_number: read.sequence_number + 6,
      member_count: 1,
    });
    const member = await call('GET', `/v1/conversations/${cid}/members/${people[1].member}`);
    expect(member.body.state).toBe('LEFT');
  });

  it('a rename shares one transaction with posts: the name claim moves, the fields are set once', async () => {
    // Prepare
    const { cid } = await room(1);
    const previous = await conversationRepository.get(cid);
    if (!previous) throw new Error('nothing read');
    const now = new Date().toISOString();
    const next = {
      ...previous,
      name: `renamed-${cid}`,
      display_name: 'Renamed',
      timestamp: { ...previous.timestamp, updated: now },
    };
    const event = (t: string) => ({ type: 'custom:test', body: { t }, timestamp: now });
    const send = vi.spyOn(db(), 'send');
    // Act
    const outcomes = await Promise.allSettled([
      ...Array.from({ length: 5 }, (_, i) => appendToTimeline(cid, () => ({ events: [event(`p${i}`)] }))),
      conversationRepository.update({
        previous,
        next,
        changes: changesOf(next),
        event: conversationUpdatedEvent(next, now),
      }),
    ]);
    const transactions = send.mock.calls.filter(([command]) => command instanceof TransactWriteCommand);
    send.mockRestore();
    // Assess
    expect(outcomes.map((o) => o.status)).toEqual(outcomes.map(() => 'fulfilled'));
    expect(transactions).toHaveLength(1);
    expect(next.sequence_number).toBe(previous.sequence_number + 6);
    expect(await conversation(cid)).toMatchObject({
      name: next.name,
      display_name: 'Renamed',
      sequence_number: previous.sequence_number + 6,
    });
    const claims = await Promise.all(
      [previous.name, next.name].map((name) =>
        db().send(new GetCommand({ TableName: tableName(), Key: keys.conversationName(name) })),
      ),
    );
    expect(claims.map((c) => c.Item?.conversation_id)).toEqual([undefined, cid]);
  });
});

describe('cached head', () => {
  it('survives another writer moving the conversation: the next post lands after it, no gap', async () => {
    // Prepare
    const { cid, people } = await room(1);
    const [alice] = people;
    const first = await post(cid, text('one'), alice.token);
    expect(first.status).toBe(201);
    // Another process appends an event: sequence number and event item, as its transaction would.
    const foreign = first.body.id + 1;
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.conversation(cid),
        UpdateExpression: 'SET sequence_number = :n',
        ExpressionAttributeValues: { ':n': foreign },
      }),
    );
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...keys.event(cid, foreign), id: foreign, type: 'custom:x', body: {}, timestamp: 'now' },
      }),
    );
    // Act
    const next = await post(cid, text('two'), alice.token);
    // Assess
    expect(next.status).toBe(201);
    expect(next.body.id).toBe(foreign + 1);
    const ids = await storedIds(cid);
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => i + 1));
  });

  it('sees a conversation that ended or was deleted meanwhile', async () => {
    // Prepare
    const { cid, people } = await room(1);
    const [alice] = people;
    expect((await post(cid, text('one'), alice.token)).status).toBe(201);
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.conversation(cid),
        UpdateExpression: 'SET #s = :inactive, sequence_number = sequence_number + :one',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':inactive': 'INACTIVE', ':one': 1 },
      }),
    );
    // Act / Assess
    const ended = await post(cid, text('two'), alice.token);
    expect(ended.status).toBe(400);
    expect(ended.body.code).toBe('conversation:error:not-allowed');
    await db().send(new DeleteCommand({ TableName: tableName(), Key: keys.conversation(cid) }));
    const gone = await post(cid, text('three'), alice.token);
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('conversation:error:not-found');
  });

  it('never lets a remembered caller outlive its name: a new user with that name is not the old one', async () => {
    // Prepare: alice posts (the process remembers alice → her user), then her user is renamed and a new
    // user takes the name "alice".
    const { cid, people } = await room(1);
    const [alice] = people;
    expect((await post(cid, { ...text('one'), from: alice.member }, alice.token)).status).toBe(201);
    const renamed = await call('PATCH', `/v1/users/${alice.userId}`, { body: { name: `${alice.name}-old` } });
    expect(renamed.status).toBe(200);
    const impostor = await newUser(alice.name);
    const before = (await conversation(cid)).sequence_number;
    // Act: the same token (its sub is the name) now names the new user.
    const r = await post(cid, { ...text('two'), from: alice.member }, alice.token);
    // Assess: the new alice is no member there, so to her the conversation does not exist.
    expect(r.status).toBe(404);
    expect(r.body.code).toBe('conversation:error:not-found');
    expect((await conversation(cid)).sequence_number).toBe(before);
    const name = await db().send(new GetCommand({ TableName: tableName(), Key: keys.userName(alice.name) }));
    expect(name.Item?.id).toBe(impostor.id);
  });
  it('never lets a remembered caller post once its user was deleted, nor carry a user as it was before an update', async () => {
    // Prepare: alice and bob post, so this process remembers both callers; then bob's user is deleted and
    // alice's display name changed.
    const { cid, people } = await room(2);
    const [alice, bob] = people;
    for (const p of people) expect((await post(cid, text('warm'), p.token)).status).toBe(201);
    expect((await call('DELETE', `/v1/users/${bob.userId}`)).status).toBe(204);
    const updated = await call('PATCH', `/v1/users/${alice.userId}`, {
      body: { display_name: 'Alice Anew' },
    });
    expect(updated.status).toBe(200);
    const before = (await conversation(cid)).sequence_number;
    // Act
    const b = await post(cid, text('from a deleted user'), bob.token);
    const a = await post(cid, text('after the update'), alice.token);
    // Assess: no user is named bob any more, so nothing was written for him; alice's message carries her
    // user as it is now
    expect(b.status).toBe(404);
    expect(a.status).toBe(201);
    expect((await conversation(cid)).sequence_number).toBe(before + 1);
    const [last] = (await allEvents(cid)).slice(-1) as {
      _embedded?: { from_user?: { display_name?: string } };
    }[];
    expect(last._embedded?.from_user?.display_name).toBe('Alice Anew');
  });

  it('marks every live member of a renamed user, past what one transaction holds', async () => {
    // Prepare: one user JOINED in 99 conversations (its rename's transaction holds 97 members besides the
    // user's own 3 items), posting in the first and the last, so this process remembers both.
    n++;
    const name = `tl-many-${n}`;
    const user = await newUser(name);
    const token = await userToken(name);
    const cids: string[] = [];
    for (let i = 0; i < 99; i++) {
      const cid = (await call('POST', '/v1/conversations', { body: {} })).body.id as string;
      const joined = await call('POST', `/v1/conversations/${cid}/members`, {
        body: { state: 'joined', user: { id: user.id }, channel: { type: 'app' } },
      });
      expect(joined.status).toBe(201);
      cids.push(cid);
    }
    const ends = [cids[0], cids[98]];
    for (const cid of ends) expect((await post(cid, text('warm'), token)).status).toBe(201);
    // Act
    const renamed = await call('PATCH', `/v1/users/${user.id}`, { body: { name: `${name}-new` } });
    expect(renamed.status).toBe(200);
    const renamedToken = await userToken(`${name}-new`);
    const stale = await Promise.all(ends.map((cid) => post(cid, text('old name'), token)));
    const fresh = await Promise.all(ends.map((cid) => post(cid, text('new name'), renamedToken)));
    // Assess: the old name names no user; the new one posts in both, from a read
    expect(stale.map((r) => r.status)).toEqual([404, 404]);
    expect(fresh.map((r) => r.status)).toEqual([201, 201]);
    const stored = await db().send(
      new GetCommand({ TableName: tableName(), Key: keys.user(user.id), ConsistentRead: true }),
    );
    const version = stored.Item?.updatedAt;
    expect(version).toEqual(expect.any(String));
    const members = await Promise.all(
      cids.map((cid) =>
        db().send(
          new GetCommand({
            TableName: tableName(),
            Key: keys.memberOfUser(cid, user.id),
            ConsistentRead: true,
          }),
        ),
      ),
    );
    const marked = await Promise.all(
      members.map((m) =>
        db().send(
          new GetCommand({
            TableName: tableName(),
            Key: keys.member(String(m.Item?.conversation_id), String(m.Item?.member_id)),
            ConsistentRead: true,
          }),
        ),
      ),
    );
    expect(new Set(marked.map((m) => m.Item?.user_version))).toEqual(new Set([version]));
  }, 120_000);

  it('posts a steady text message as one transaction of three items and no read', async () => {
    // Prepare: alice has posted, so the process remembers the conversation and her member.
    const { cid, people } = await room(2);
    const [alice, bob] = people;
    expect((await post(cid, text('warm'), alice.token)).status).toBe(201);
    const sent: { input: Record<string, unknown> }[] = [];
    const send = db().send.bind(db());
    const spy = vi.spyOn(db(), 'send').mockImplementation(((command: { input: Record<string, unknown> }) => {
      sent.push(command);
      return send(command as never);
    }) as never);
    let r: Awaited<ReturnType<typeof post>>;
    try {
      // Act
      r = await post(cid, text('steady'), alice.token);
    } finally {
      spy.mockRestore();
    }
    // Assess: the sequence number, the event and alice's member, nothing else
    expect(r.status).toBe(201);
    expect(sent.map((c) => c.constructor.name)).toEqual(['TransactWriteCommand']);
    const items = sent[0].input.TransactItems as Record<string, { Key?: unknown; Item?: { sk?: string } }>[];
    expect(items.map((i) => Object.keys(i)[0])).toEqual(['Update', 'Put', 'Update']);
    expect(items[0].Update.Key).toEqual(keys.conversation(cid));
    expect(items[1].Put.Item?.sk).toBe(keys.event(cid, r.body.id).sk);
    expect(items[2].Update.Key).toEqual(keys.member(cid, alice.member));
    // The conversation item carries no index key, and the read state is on the member item alone, where
    // every reader takes it from.
    expect(await storedItem(cid)).not.toHaveProperty('gsi1pk');
    const entry = await db().send(
      new GetCommand({
        TableName: tableName(),
        Key: keys.memberOfUser(cid, alice.userId),
        ConsistentRead: true,
      }),
    );
    expect(entry.Item).not.toHaveProperty('last_seen_event_id');
    const last = r.body.id as number;
    const me = await call('GET', `/v1/conversations/${cid}/members/me`, { token: alice.token });
    expect(me.body).toMatchObject({ last_seen_event_id: last, unread_count: 0 });
    const list = await call('GET', `/v1/users/${alice.userId}/conversations`, { token: alice.token });
    expect(list.body._embedded.conversations[0]._embedded).toMatchObject({
      last_seen_event_id: last,
      unread_count: 0,
    });
    const bobs = await call('GET', `/v1/users/${bob.userId}/conversations`);
    expect(bobs.body._embedded.conversations[0]._embedded).toMatchObject({ unread_count: 2 });
  });
});
