import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiResponse, call } from '../support/api.ts';
import { userToken } from '../support/tokens.ts';

const newUser = async (name: string) =>
  (await call('POST', '/v1/users', { body: { name } })).body as { id: string };
const conversation = async (cid: string) => (await call('GET', `/v1/conversations/${cid}`)).body;
const post = (cid: string, body: Record<string, unknown>, token?: string) =>
  call('POST', `/v1/conversations/${cid}/events`, { body, ...(token ? { token } : {}) });
const text = (t: string) => ({ type: 'message', body: { message_type: 'text', text: t } });

interface Room {
  cid: string;
  alice: string;
  bob: string;
  aliceToken: string;
  bobToken: string;
}

let n = 0;
/** A conversation with alice and bob JOINED (events 1 and 2). */
const room = async (): Promise<Room> => {
  n++;
  const a = await newUser(`alice-${n}`);
  const b = await newUser(`bob-${n}`);
  const cid = (await call('POST', '/v1/conversations', { body: {} })).body.id;
  const join = async (id: string) =>
    (
      await call('POST', `/v1/conversations/${cid}/members`, {
        body: { state: 'joined', user: { id }, channel: { type: 'app' } },
      })
    ).body.id as string;
  return {
    cid,
    alice: await join(a.id),
    bob: await join(b.id),
    aliceToken: await userToken(`alice-${n}`),
    bobToken: await userToken(`bob-${n}`),
  };
};

describe('events', () => {
  let r: Room;
  beforeAll(async () => {
    r = await room();
  });

  it("posts a message as the caller's member and embeds its user and member", async () => {
    const res = await post(r.cid, text('hello'), r.aliceToken);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: 3,
      type: 'message',
      from: r.alice,
      body: { message_type: 'text', text: 'hello' },
      _embedded: { from_member: { id: r.alice }, from_user: { name: `alice-${n}` } },
      _links: { self: { href: `http://parley.test/v1/conversations/${r.cid}/events/3` } },
    });
    const read = await call('GET', `/v1/conversations/${r.cid}/events/3`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);
    expect((await conversation(r.cid)).sequence_number).toBe(3);
  });

  it('accepts every message type and custom events, validating each body', async () => {
    const bodies = [
      { message_type: 'image', image: { url: 'https://example.com/a.png' } },
      { message_type: 'audio', audio: { url: 'https://example.com/a.mp3' } },
      { message_type: 'video', video: { url: 'https://example.com/a.mp4' } },
      { message_type: 'file', file: { url: 'https://example.com/a.pdf' } },
      { message_type: 'vcard', vcard: { url: 'https://example.com/a.vcf' } },
      { message_type: 'location', location: { longitude: '1.5', latitude: '50.1', name: 'x' } },
      { message_type: 'template', template: { name: 'hello', parameters: ['a'] } },
      { message_type: 'custom', custom: { anything: [1, 2] } },
    ];
    for (const body of bodies)
      expect((await post(r.cid, { type: 'message', body }, r.aliceToken)).status).toBe(201);
    expect((await post(r.cid, { type: 'custom:my-thing', from: r.bob, body: { x: 1 } })).status).toBe(201);
    expect(
      (
        await post(r.cid, {
          type: 'audio:play',
          from: r.bob,
          body: { stream_url: ['https://e.com/a.mp3'], level: 0.5, loop: 1 },
        })
      ).status,
    ).toBe(201);
    expect((await post(r.cid, { type: 'audio:mute:on', from: r.bob })).status).toBe(201);
    const before = (await conversation(r.cid)).sequence_number;
    const bad = [
      { type: 'message', body: { message_type: 'text' } },
      { type: 'message', body: { message_type: 'image', image: { url: 'not a url' } } },
      { type: 'message', body: { message_type: 'hologram' } },
      { type: 'message' },
      { type: 'member:joined', body: {} },
      { type: 'custom:', body: {} },
      { type: 'audio:say', body: { level: 0 } },
      { type: 'message:seen', body: { event_id: 'abc' } },
      { type: 'message', body: { message_type: 'text', text: 'x' }, extra: true },
    ];
    for (const body of bad) {
      const res = await post(r.cid, body, r.aliceToken);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('http:error:validation-fail');
    }
    expect((await conversation(r.cid)).sequence_number).toBe(before);
  });

  it("refuses senders that are not JOINED or not the caller's, writing nothing", async () => {
    const x = await room();
    const before = (await conversation(x.cid)).sequence_number;
    const stranger = await newUser(`stranger-${n}`);
    const strangerToken = await userToken(`stranger-${n}`);
    // A user with no member there does not see the conversation at all.
    const notMember = await post(x.cid, text('hi'), strangerToken);
    expect(notMember.status).toBe(404);
    expect(notMember.body.code).toBe('conversation:error:not-found');
    const asOther = await post(x.cid, { ...text('hi'), from: x.bob }, x.aliceToken);
    expect(asOther.status).toBe(403);
    expect(asOther.body.code).toBe('event:error:permission-denied');
    const unknown = await post(x.cid, { ...text('hi'), from: 'MEM-00000000-0000-4000-8000-000000000000' });
    expect(unknown.body.code).toBe('conversation:error:member-not-found');
    // An invited member is not joined yet.
    const inv = await call('POST', `/v1/conversations/${x.cid}/members`, {
      body: { state: 'invited', user: { id: stranger.id }, channel: { type: 'app' } },
    });
    const invitedPost = await post(x.cid, { ...text('hi'), from: inv.body.id });
    expect(invitedPost.body.code).toBe('event:error:not-joined');
    expect((await post(x.cid, text('hi'), strangerToken)).body.code).toBe('event:error:not-joined');
    // A member that left is not joined any more, and no longer sees the conversation.
    await call('PATCH', `/v1/conversations/${x.cid}/members/${x.bob}`, { body: { state: 'left' } });
    expect((await post(x.cid, text('hi'), x.bobToken)).body.code).toBe('conversation:error:not-found');
    expect((await conversation(x.cid)).sequence_number).toBe(before + 2);
    const missing = await post('CON-00000000-0000-4000-8000-000000000000', text('hi'));
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('conversation:error:not-found');
  });

  it('answers ephemeral and typing events without adding them to the timeline', async () => {
    const x = await room();
    for (const type of ['ephemeral', 'text:typing:on', 'text:typing:off']) {
      const res = await post(x.cid, { type, body: { a: 1 } }, x.aliceToken);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ type, from: x.alice, body: { a: 1 } });
      expect(res.body.id).toBeUndefined();
    }
    expect((await conversation(x.cid)).sequence_number).toBe(2);
    const list = await call('GET', `/v1/conversations/${x.cid}/events`);
    expect(list.body._embedded).toHaveLength(2);
  });

  it('keeps read state: unread counts, message:seen horizons, receipts naming existing messages only', async () => {
    const x = await room();
    const m1 = await post(x.cid, text('one'), x.aliceToken);
    const m2 = await post(x.cid, text('two'), x.aliceToken);
    await post(x.cid, text('three'), x.aliceToken);
    const bobMember = async () =>
      (await call('GET', `/v1/conversations/${x.cid}/members/me`, { token: x.bobToken })).body;
    // Bob joined when the conversation ended at event 1.
    expect(await bobMember()).toMatchObject({ last_seen_event_id: 1, unread_count: 3 });
    // The sender has read up to its own message.
    const alice = await call('GET', `/v1/conversations/${x.cid}/members/${x.alice}`);
    expect(alice.body).toMatchObject({ last_seen_event_id: 5, unread_count: 0 });

    const seen = await post(
      x.cid,
      { type: 'message:seen', body: { event_id: String(m2.body.id) } },
      x.bobToken,
    );
    expect(seen.status).toBe(201);
    // The v1 document types it a string: sent as "7", answered as "7".
    expect(seen.body.body.event_id).toBe(String(m2.body.id));
    expect(await bobMember()).toMatchObject({ last_seen_event_id: m2.body.id, unread_count: 1 });
    // An older receipt does not move the horizon back.
    await post(x.cid, { type: 'message:seen', body: { event_id: m1.body.id } }, x.bobToken);
    expect(await bobMember()).toMatchObject({ last_seen_event_id: m2.body.id, unread_count: 1 });
    const delivered = await post(
      x.cid,
      { type: 'message:delivered', body: { event_id: m1.body.id } },
      x.bobToken,
    );
    expect(delivered.status).toBe(201);
    // A number sent (as the SDKs do) names the same message, answered as a string too.
    expect(delivered.body.body.event_id).toBe(String(m1.body.id));
    expect(
      (await call('GET', `/v1/conversations/${x.cid}/events/${delivered.body.id}`)).body.body.event_id,
    ).toBe(String(m1.body.id));

    const listed = await call('GET', `/v1/users/bob-${n}/conversations`, { token: x.bobToken });
    expect(listed.body._embedded.conversations[0]._embedded).toMatchObject({
      id: x.bob,
      state: 'JOINED',
      last_seen_event_id: m2.body.id,
      unread_count: 1,
    });

    const before = (await conversation(x.cid)).sequence_number;
    const notMessage = await post(x.cid, { type: 'message:seen', body: { event_id: 1 } }, x.bobToken);
    expect(notMessage.status).toBe(404);
    expect(notMessage.body.code).toBe('event:error:not-found');
    const none = await post(x.cid, { type: 'message:seen', body: { event_id: 999 } }, x.bobToken);
    expect(none.body.code).toBe('event:error:not-found');
    expect((await conversation(x.cid)).sequence_number).toBe(before);

    // A member that joins later starts at the end.
    const late = await newUser(`late-${n}`);
    const joined = await call('POST', `/v1/conversations/${x.cid}/members`, {
      body: { state: 'joined', user: { id: late.id }, channel: { type: 'app' } },
    });
    expect(joined.body).toMatchObject({ last_seen_event_id: before, unread_count: 0 });
  });

  it('lists with start_id, end_id, event_type, order, paging and exclude_deleted_events', async () => {
    const x = await room();
    for (let i = 0; i < 5; i++) await post(x.cid, text(`m${i}`), x.aliceToken); // 3..7
    await post(x.cid, { type: 'custom:ping', body: {} }, x.bobToken); // 8
    const range = await call('GET', `/v1/conversations/${x.cid}/events?start_id=3&end_id=5`);
    expect(range.body._embedded.map((e: { id: number }) => e.id)).toEqual([3, 4, 5]);
    const typed = await call('GET', `/v1/conversations/${x.cid}/events?event_type=member:joined,custom:ping`);
    expect(typed.body._embedded.map((e: { id: number }) => e.id)).toEqual([1, 2, 8]);
    const tooMany = await call('GET', `/v1/conversations/${x.cid}/events?event_type=a,b,c,d,e,f`);
    expect(tooMany.status).toBe(400);
    const desc = await call('GET', `/v1/conversations/${x.cid}/events?order=desc&page_size=3`);
    expect(desc.body._embedded.map((e: { id: number }) => e.id)).toEqual([8, 7, 6]);
    const ids: number[] = [];
    let url: string | undefined = `/v1/conversations/${x.cid}/events?page_size=3`;
    while (url) {
      const res: ApiResponse = await call('GET', url);
      expect(Array.isArray(res.body._embedded)).toBe(true);
      ids.push(...res.body._embedded.map((e: { id: number }) => e.id));
      url = res.body._links.next?.href.replace('http://parley.test', '');
    }
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

    expect(
      (await call('DELETE', `/v1/conversations/${x.cid}/events/4`, { token: x.aliceToken })).status,
    ).toBe(204);
    const all = await call('GET', `/v1/conversations/${x.cid}/events?page_size=100`);
    expect(all.body._embedded.map((e: { id: number }) => e.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const kept = await call(
      'GET',
      `/v1/conversations/${x.cid}/events?page_size=100&exclude_deleted_events=true`,
    );
    expect(kept.body._embedded.map((e: { id: number }) => e.id)).toEqual([1, 2, 3, 5, 6, 7, 8, 9]);
    const missing = await call('GET', '/v1/conversations/CON-00000000-0000-4000-8000-000000000000/events');
    expect(missing.body.code).toBe('conversation:error:not-found');
    const noEvent = await call('GET', `/v1/conversations/${x.cid}/events/100`);
    expect(noEvent.status).toBe(404);
    expect(noEvent.body.code).toBe('event:error:not-found');
  });

  it('deletes only message and custom events, only by their sender or an admin, leaving a tombstone', async () => {
    const x = await room();
    const msg = await post(x.cid, text('secret'), x.aliceToken); // 3
    const custom = await post(x.cid, { type: 'custom:x', body: { a: 1 } }, x.aliceToken); // 4
    const url = (id: number) => `/v1/conversations/${x.cid}/events/${id}`;

    const byOther = await call('DELETE', url(msg.body.id), { token: x.bobToken });
    expect(byOther.status).toBe(403);
    expect(byOther.body.code).toBe('event:error:permission-denied');
    const system = await call('DELETE', url(1));
    expect(system.status).toBe(400);
    expect(system.body.code).toBe('event:error:delete-not-allowed');
    expect((await conversation(x.cid)).sequence_number).toBe(4);
    expect((await call('GET', url(msg.body.id))).body.body.text).toBe('secret');

    expect((await call('DELETE', url(msg.body.id), { token: x.aliceToken })).status).toBe(204);
    expect((await call('DELETE', url(custom.body.id))).status).toBe(204);
    const tomb = await call('GET', url(msg.body.id));
    expect(tomb.status).toBe(200);
    expect(tomb.body).toMatchObject({ id: 3, type: 'message', from: x.alice, body: {} });
    const del = await call('GET', url(5));
    expect(del.body).toMatchObject({ type: 'event:delete', from: x.alice, body: { event_id: '3' } });
    expect((await call('GET', url(6))).body).toMatchObject({ type: 'event:delete', body: { event_id: '4' } });
    const again = await call('DELETE', url(msg.body.id));
    expect(again.status).toBe(404);
    expect((await conversation(x.cid)).sequence_number).toBe(6);
  });

  it('appends conversation:updated on PUT, in the same write', async () => {
    const x = await room();
    const res = await call('PUT', `/v1/conversations/${x.cid}`, { body: { display_name: 'Renamed' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ display_name: 'Renamed', sequence_number: 3 });
    const e = await call('GET', `/v1/conversations/${x.cid}/events/3`);
    expect(e.body).toMatchObject({
      type: 'conversation:updated',
      body: { id: x.cid, display_name: 'Renamed' },
    });
    const other = (await call('POST', '/v1/conversations', { body: { name: `taken-${n}` } })).body;
    const dup = await call('PUT', `/v1/conversations/${x.cid}`, { body: { name: other.name } });
    expect(dup.status).toBe(409);
    expect((await conversation(x.cid)).sequence_number).toBe(3);
  });

  it('assigns gap-free ids to concurrent posts: k+1 … k+N, each once', { timeout: 90_000 }, async () => {
    const x = await room();
    const k = (await conversation(x.cid)).sequence_number;
    const N = 25;
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        post(x.cid, text(`c${i}`), i % 2 === 0 ? x.aliceToken : x.bobToken),
      ),
    );
    for (const res of results) expect(res.status).toBe(201);
    const ids = results.map((res) => res.body.id as number).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: N }, (_, i) => k + 1 + i));
    const c = await conversation(x.cid);
    expect(c.sequence_number).toBe(k + N);
    const stored = await call('GET', `/v1/conversations/${x.cid}/events?start_id=${k + 1}&page_size=100`);
    expect(stored.body._embedded.map((e: { id: number }) => e.id)).toEqual(ids);
    expect(new Set(stored.body._embedded.map((e: { body: { text: string } }) => e.body.text)).size).toBe(N);
    // The read state moved with each commit: a sender has read up to its own latest message, and the
    // messages after it are unread.
    for (const [member, parity] of [
      [x.alice, 0],
      [x.bob, 1],
    ] as const) {
      const own = results.filter((_, i) => i % 2 === parity).map((res) => res.body.id as number);
      const last = Math.max(...own);
      const m = await call('GET', `/v1/conversations/${x.cid}/members/${member}`);
      expect(m.body.last_seen_event_id).toBe(last);
      expect(m.body.unread_count).toBe(ids.filter((id) => id > last).length);
    }
  });
});
