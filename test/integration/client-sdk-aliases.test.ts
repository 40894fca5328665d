/**
 * The REST calls of the Vonage Client SDKs (nexmo-client 9.x, @vonage/client-sdk 2.x) as they send them,
 * through the dev server: each alias answers with the shape its SDK decodes (for @vonage, the fields of
 * `vcsdk-dto-fields.txt` that must be present), decides as its v1 endpoint does, and errs in Vonage shape.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiResponse, call } from '../support/api.ts';
import { userToken } from '../support/tokens.ts';

const suffix = randomUUID().slice(0, 8);
const names = { alice: `alice-${suffix}`, bob: `bob-${suffix}`, carol: `carol-${suffix}` };

let alice: { id: string; name: string; token: string };
let bob: { id: string; name: string; token: string };
let carol: { id: string; name: string; token: string };
let cid: string;
let aliceMember: string;
let bobMember: string;
/** The SDKs' own bookkeeping fields, which Parley ignores. */
const SESSION = { originating_session: 'SESS-test' };

const newUser = async (name: string) => {
  const res = await call('POST', '/v1/users', { body: { name, display_name: name.toUpperCase() } });
  expect(res.status).toBe(201);
  return { id: res.body.id as string, name, token: await userToken(name) };
};

/** A call with a user token, as the SDKs send it: nexmo-client `Bearer`, @vonage lowercase `bearer`. */
const as = (
  who: { token: string },
  method: string,
  url: string,
  body?: unknown,
  scheme: 'Bearer' | 'bearer' = 'Bearer',
) =>
  call(method, url, {
    token: null,
    headers: { authorization: `${scheme} ${who.token}` },
    ...(body === undefined ? {} : { body }),
  });

const expectVonageError = (res: ApiResponse, status: number, code: string) => {
  expect(res.status).toBe(status);
  expect(res.body).toEqual(
    expect.objectContaining({
      type: expect.any(String),
      title: expect.any(String),
      code,
      detail: expect.any(String),
      instance: expect.any(String),
    }),
  );
};

const v1Events = async () =>
  (await call('GET', `/v1/conversations/${cid}/events?page_size=100`)).body._embedded as {
    id: number;
    type: string;
  }[];

beforeAll(async () => {
  alice = await newUser(names.alice);
  bob = await newUser(names.bob);
  carol = await newUser(names.carol);
});

describe('nexmo-client 9.x: create, join, invite', () => {
  it('POST /beta/conversations creates as v1 does and answers uuid beside id', async () => {
    // Act: newConversation() sends its params plus originating_session.
    const res = await as(alice, 'POST', '/beta/conversations', {
      name: `chat-${suffix}`,
      display_name: 'Chat',
      ...SESSION,
    });

    // Assess
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: `chat-${suffix}`, display_name: 'Chat', state: 'ACTIVE' });
    expect(res.body.id).toMatch(/^CON-/);
    expect(res.body.uuid).toBe(res.body.id);
    cid = res.body.id;
    // Then it reads the 2017 view, which names the conversation by uuid.
    const legacy = await as(alice, 'GET', `/beta/conversations/${cid}`);
    expect(legacy.status).toBe(200);
    expect(legacy.body.uuid).toBe(cid);
  });

  it('POST /v0.3/…/members joins the creator: a member with id, state and _embedded.user', async () => {
    // Act: join() sends the user by id and name, with originating_session.
    const res = await as(alice, 'POST', `/v0.3/conversations/${cid}/members`, {
      state: 'joined',
      channel: { type: 'app' },
      user: { id: alice.id, name: alice.name },
      ...SESSION,
    });

    // Assess (GetMember: id, state; _embedded.user: id, name)
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      state: 'JOINED',
      _embedded: { user: { id: alice.id, name: alice.name } },
    });
    aliceMember = res.body.id;
  });

  it('PUT /v0.3/…/members/{id} (@vonage join) moves an invited member to JOINED', async () => {
    // Prepare: alice invites bob as a v0.3 invite.
    const invite = await as(alice, 'POST', `/v0.3/conversations/${cid}/members`, {
      state: 'invited',
      user: { name: bob.name },
      channel: { type: 'app' },
      ...SESSION,
    });
    expect(invite.status).toBe(201);
    bobMember = invite.body.id;

    // Act: MemberJoinRequest's body, with nulls for what it leaves unset.
    const res = await as(
      bob,
      'PUT',
      `/v0.3/conversations/${cid}/members/${bobMember}`,
      { channel: { type: 'app' }, from: null, state: null, ...SESSION },
      'bearer',
    );

    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: bobMember, state: 'JOINED' });
  });

  it('refuses what v1 refuses, in Vonage shape, and writes nothing', async () => {
    // Prepare
    const before = (await v1Events()).length;

    // Act
    const bad = await as(alice, 'POST', `/v0.3/conversations/${cid}/members`, {
      state: 'sleeping',
      user: { name: carol.name },
      channel: { type: 'app' },
      ...SESSION,
    });
    const kick = await as(
      alice,
      'DELETE',
      `/beta/conversations/${cid}/members/${bobMember}?from=${aliceMember}`,
    );

    // Assess
    expectVonageError(bad, 400, 'http:error:validation-fail');
    expect(bad.body.invalid_parameters).toEqual([{ name: 'state', reason: expect.any(String) }]);
    expectVonageError(kick, 403, 'system:error:permission');
    expect((await v1Events()).length).toBe(before);
  });

  it('refuses a body nested far deeper than any endpoint takes with a 400, as v1 does, never a 500', async () => {
    // Prepare: 10,000 levels of `{"a": …}` inside a custom event's body, written as text (too deep to
    // stringify)
    const deep = `${'{"a":'.repeat(10_000)}{"leaf":null}${'}'.repeat(10_000)}`;
    const before = (await v1Events()).length;

    // Act
    const res = await call('POST', `/v0.3/conversations/${cid}/events`, {
      token: null,
      headers: { authorization: `bearer ${alice.token}`, 'content-type': 'application/json' },
      raw: `{"type":"custom:deep","from":"${aliceMember}","originating_session":"SESS-test","body":${deep}}`,
    });

    // Assess
    expectVonageError(res, 400, 'http:error:validation-fail');
    expect((await v1Events()).length).toBe(before);
  });
});

describe('reads: GET /v0.3/conversations/{id}, members/me, members', () => {
  it('answers the conversation with id, name and timestamp (GetConversation), no _embedded', async () => {
    const res = await as(bob, 'GET', `/v0.3/conversations/${cid}`, undefined, 'bearer');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: cid, name: `chat-${suffix}`, state: 'ACTIVE' });
    expect(res.body.timestamp.created).toMatch(/Z$/);
    // GetConversation._embedded, when present, must hold `member`: Parley leaves it out.
    expect(res.body._embedded).toBeUndefined();
  });

  it("answers members/me with the caller's member, and a member by id", async () => {
    const me = await as(bob, 'GET', `/v0.3/conversations/${cid}/members/me`, undefined, 'bearer');
    const byId = await as(alice, 'GET', `/v0.3/conversations/${cid}/members/${bobMember}`);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: bobMember, state: 'JOINED', _embedded: { user: { id: bob.id } } });
    expect(byId.body).toEqual(me.body);
  });

  it('lists members under _embedded.data.members on /beta2 and _embedded.members on /v0.3', async () => {
    const beta2 = await as(alice, 'GET', `/beta2/conversations/${cid}/members?page_size=10&order=asc`);
    const v03 = await as(alice, 'GET', `/v0.3/conversations/${cid}/members`, undefined, 'bearer');
    expect(beta2.status).toBe(200);
    expect(beta2.body._embedded.data.members.map((m: { id: string }) => m.id).sort()).toEqual(
      [aliceMember, bobMember].sort(),
    );
    expect(beta2.body._links.self.href).toContain('/beta2/');
    expect(v03.body._embedded.members).toEqual(beta2.body._embedded.data.members);
    expect(v03.body._links).toBeDefined();
  });

  it('hides the conversation from a user who is not a member, on every alias, as v1 does', async () => {
    for (const path of [
      `/v0.3/conversations/${cid}`,
      `/v0.3/conversations/${cid}/members`,
      `/beta2/conversations/${cid}/events`,
      `/v0.3/conversations/${cid}/events`,
    ]) {
      const res = await as(carol, 'GET', path, undefined, 'bearer');
      expectVonageError(res, 404, 'conversation:error:not-found');
    }
    const v1 = await as(carol, 'GET', `/v1/conversations/${cid}`);
    expectVonageError(v1, 404, 'conversation:error:not-found');
  });
});

describe('events: the /beta body of nexmo-client, the /v0.3 body of @vonage, the two histories', () => {
  let textId: number;
  let messageId: number;

  it('POST /beta/…/events stores a legacy text and answers id and timestamp', async () => {
    const res = await as(alice, 'POST', `/beta/conversations/${cid}/events`, {
      type: 'text',
      cid,
      from: aliceMember,
      body: { text: 'hi bob' },
      ...SESSION,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ type: 'text', from: aliceMember, body: { text: 'hi bob' } });
    expect(res.body.id).toEqual(expect.any(Number));
    expect(res.body.timestamp).toMatch(/Z$/);
    textId = res.body.id;
  });

  it('answers typing without storing it, and stores text receipts that name the text', async () => {
    // Prepare
    const before = await v1Events();

    // Act
    const typing = await as(bob, 'POST', `/beta/conversations/${cid}/events`, {
      type: 'text:typing:on',
      cid,
      from: bobMember,
      body: { activity: 1 },
      ...SESSION,
    });
    const delivered = await as(bob, 'POST', `/beta/conversations/${cid}/events`, {
      type: 'text:delivered',
      from: bobMember,
      body: { event_id: textId },
      ...SESSION,
    });
    const seen = await as(bob, 'POST', `/beta/conversations/${cid}/events`, {
      type: 'text:seen',
      from: bobMember,
      body: { event_id: textId },
      ...SESSION,
    });

    // Assess
    expect(typing.status).toBe(201);
    expect(typing.body.id).toBeUndefined();
    expect(delivered.status).toBe(201);
    expect(seen.status).toBe(201);
    const after = await v1Events();
    expect(after.slice(before.length).map((e) => e.type)).toEqual(['text:delivered', 'text:seen']);
    // A text counts as a message: bob has read it, alice's own text left her nothing unread.
    const bobNow = await as(bob, 'GET', `/v0.3/conversations/${cid}/members/me`);
    expect(bobNow.body).toMatchObject({ last_seen_event_id: textId, unread_count: 0 });
  });

  it('refuses a text receipt naming no message, and posting as another member, as v1 does', async () => {
    const memberEvent = (await v1Events()).find((e) => e.type === 'member:joined');
    const receipt = await as(bob, 'POST', `/beta/conversations/${cid}/events`, {
      type: 'text:seen',
      from: bobMember,
      body: { event_id: memberEvent?.id },
    });
    const spoof = await as(bob, 'POST', `/beta/conversations/${cid}/events`, {
      type: 'text',
      cid,
      from: aliceMember,
      body: { text: 'not me' },
    });
    expectVonageError(receipt, 404, 'event:error:not-found');
    expectVonageError(spoof, 403, 'event:error:permission-denied');
  });

  it("POST /v0.3/…/events takes @vonage's message body and answers its timestamp", async () => {
    const res = await as(
      bob,
      'POST',
      `/v0.3/conversations/${cid}/events`,
      { cid, from: bobMember, type: 'message', body: { message_type: 'text', text: 'hi alice' } },
      'bearer',
    );
    const custom = await as(
      bob,
      'POST',
      `/v0.3/conversations/${cid}/events`,
      { cid, from: bobMember, type: 'custom:wave', body: { hand: 'left' } },
      'bearer',
    );
    expect(res.status).toBe(201);
    expect(res.body.timestamp).toMatch(/Z$/);
    expect(custom.status).toBe(201);
    messageId = res.body.id;
  });

  it('lists every event under _embedded.data.events on /beta2, with _links and the gap-free ids', async () => {
    const res = await as(alice, 'GET', `/beta2/conversations/${cid}/events?page_size=100&order=asc`);
    expect(res.status).toBe(200);
    const events = res.body._embedded.data.events as { id: number; type: string }[];
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['text', 'text:seen', 'message']));
    expect(res.body._links.self.href).toContain(`/beta2/conversations/${cid}/events`);
  });

  it('pages /beta2 events by the cursor nexmo-client reads out of _links.next.href', async () => {
    const first = await as(alice, 'GET', `/beta2/conversations/${cid}/events?page_size=2&order=asc`);
    // nexmo-client: new URLSearchParams(_links.next.href).get('cursor')
    const cursor = new URLSearchParams(first.body._links.next.href).get('cursor');
    expect(cursor).toBeTruthy();
    const next = await as(
      alice,
      'GET',
      `/beta2/conversations/${cid}/events?page_size=2&order=asc&cursor=${encodeURIComponent(cursor ?? '')}`,
    );
    expect(next.status).toBe(200);
    expect(next.body._embedded.data.events.map((e: { id: number }) => e.id)).toEqual([3, 4]);
  });

  it('DELETE /beta2/…/events/{id}?from= deletes the sender’s own text; another user may not', async () => {
    const notHers = await as(
      alice,
      'DELETE',
      `/v0.3/conversations/${cid}/events/${messageId}?from=${aliceMember}`,
    );
    const own = await as(alice, 'DELETE', `/beta2/conversations/${cid}/events/${textId}?from=${aliceMember}`);
    expectVonageError(notHers, 403, 'event:error:permission-denied');
    expect(own.status).toBe(204);
    expect((await v1Events()).at(-1)?.type).toBe('event:delete');
  });

  it('keeps ChatEvents to what @vonage decodes: no text, no receipts, no deleted events; event_id a number', async () => {
    // Act: getConversationEvents' query.
    const res = await as(
      bob,
      'GET',
      `/v0.3/conversations/${cid}/events?order=asc&page_size=100&filter_group_type=ChatEvents&filter_group_version=3&exclude_deleted_events=true`,
      undefined,
      'bearer',
    );

    // Assess
    expect(res.status).toBe(200);
    expect(res.body._links).toBeDefined();
    const events = res.body._embedded.events as {
      id: number;
      type: string;
      timestamp: string;
      body: { event_id?: unknown };
    }[];
    const types = events.map((e) => e.type);
    expect(types).toEqual([
      'member:joined',
      'member:invited',
      'member:joined',
      'message',
      'custom:wave',
      'event:delete',
    ]);
    for (const e of events) {
      // CS*Event: id, type, timestamp and body must be present.
      expect(e).toEqual(
        expect.objectContaining({
          id: expect.any(Number),
          type: expect.any(String),
          timestamp: expect.any(String),
        }),
      );
      expect(e.body).toBeDefined();
    }
    expect(events.at(-1)?.body.event_id).toBe(textId);
    // Without the group every event is there, with event_type narrowing both.
    const all = await as(bob, 'GET', `/v0.3/conversations/${cid}/events?page_size=100`);
    expect(all.body._embedded.events.map((e: { type: string }) => e.type)).toContain('text:seen');
    const narrowed = await as(
      bob,
      'GET',
      `/v0.3/conversations/${cid}/events?filter_group_type=ChatEvents&filter_group_version=3&event_type=message,text`,
    );
    expect(narrowed.body._embedded.events.map((e: { type: string }) => e.type)).toEqual(['message']);
  });

  it('refuses an unknown filter group in Vonage shape', async () => {
    const res = await as(bob, 'GET', `/v0.3/conversations/${cid}/events?filter_group_type=Everything`);
    expectVonageError(res, 400, 'http:error:validation-fail');
  });
});

describe("users and a user's conversations", () => {
  it('GET /beta2/users/{id}/conversations: _embedded.data.conversations, each with member_id and state', async () => {
    const res = await as(alice, 'GET', `/beta2/users/${alice.id}/conversations?page_size=10&order=asc`);
    expect(res.status).toBe(200);
    const item = res.body._embedded.data.conversations.find((c: { id: string }) => c.id === cid);
    expect(item).toMatchObject({ id: cid, name: `chat-${suffix}`, member_id: aliceMember, state: 'JOINED' });
    expect(res.body._links.first.href).toContain('/beta2/users/');
  });

  it("GET /v0.3/users/{id}/conversations: each conversation's member under _embedded.member", async () => {
    const res = await as(
      bob,
      'GET',
      `/v0.3/users/${bob.id}/conversations?order=asc&page_size=10&include_custom_data=true&order_by=created`,
      undefined,
      'bearer',
    );
    expect(res.status).toBe(200);
    const item = res.body._embedded.conversations.find((c: { id: string }) => c.id === cid);
    expect(item).toMatchObject({
      id: cid,
      name: `chat-${suffix}`,
      _embedded: { member: { id: bobMember, state: 'JOINED' } },
    });
    expect(item.timestamp.created).toMatch(/Z$/);
    // Another user's list is refused, as on v1.
    const other = await as(bob, 'GET', `/v0.3/users/${alice.id}/conversations`, undefined, 'bearer');
    const v1 = await as(bob, 'GET', `/v1/users/${alice.id}/conversations`);
    expect(other.status).toBe(v1.status);
    expect(other.body.code).toBe(v1.body.code);
  });

  it('GET /v0.3/users/{id or name} and /beta/users/{id}: the user, in full for itself only', async () => {
    const byName = await as(alice, 'GET', `/v0.3/users/${alice.name}`, undefined, 'bearer');
    const byId = await as(alice, 'GET', `/beta/users/${alice.id}`);
    const other = await as(bob, 'GET', `/v0.3/users/${alice.id}`, undefined, 'bearer');
    expect(byName.status).toBe(200);
    expect(byName.body).toMatchObject({
      id: alice.id,
      name: alice.name,
      display_name: alice.name.toUpperCase(),
    });
    expect(byId.body).toEqual(byName.body);
    expect(other.status).toBe(200);
    expect(other.body.channels).toBeUndefined();
    expect(Object.keys(other.body).sort()).toEqual(['_links', 'display_name', 'id', 'name']);
    const missing = await as(alice, 'GET', '/v0.3/users/nobody-at-all');
    expectVonageError(missing, 404, 'user:error:not-found');
  });

  it('GET /v0.3/users/{id}/sessions: an empty page for a user that exists, 404 otherwise', async () => {
    const res = await as(alice, 'GET', `/v0.3/users/${alice.id}/sessions?page_size=10&order=asc`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ page_size: 10, _embedded: { sessions: [] } });
    expect(res.body._links.self.href).toContain(`/v0.3/users/${alice.id}/sessions`);
    const missing = await as(alice, 'GET', '/v0.3/users/USR-00000000-0000-4000-8000-000000000000/sessions');
    expectVonageError(missing, 404, 'user:error:not-found');
  });
});

describe('sessions, leaving, in-app voice', () => {
  it('PUT /v0.2/sessions/{id} (token refresh, test/integration/socket/refresh.test.ts): 404 for a session that does not exist, 401 for a bad token', async () => {
    const nexmo = await as(bob, 'PUT', '/v0.2/sessions/SESS-1');
    const vonage = await as(bob, 'PUT', '/v0.2/sessions/SESS-1', {}, 'bearer');
    const bad = await call('PUT', '/v0.2/sessions/SESS-1', {
      token: null,
      headers: { authorization: 'bearer not-a-jwt' },
    });
    expectVonageError(nexmo, 404, 'http:error:not-found');
    expectVonageError(vonage, 404, 'http:error:not-found');
    expectVonageError(bad, 401, 'system:error:invalid-token');
  });

  it('DELETE /v0.2/…/members/{id} leaves: 204 without a body, the member LEFT, member:left appended', async () => {
    const res = await as(
      bob,
      'DELETE',
      `/v0.2/conversations/${cid}/members/${bobMember}`,
      undefined,
      'bearer',
    );
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    const member = await call('GET', `/v1/conversations/${cid}/members/${bobMember}`);
    expect(member.body.state).toBe('LEFT');
    expect((await v1Events()).at(-1)?.type).toBe('member:left');
    // Gone from the conversation: it is hidden from bob now, on the aliases as on v1.
    const again = await as(bob, 'DELETE', `/v0.2/conversations/${cid}/members/${bobMember}`);
    expectVonageError(again, 404, 'conversation:error:not-found');
  });

  it('DELETE /beta/…/members/{id}?from= (nexmo-client leave) leaves too', async () => {
    const res = await as(
      alice,
      'DELETE',
      `/beta/conversations/${cid}/members/${aliceMember}?from=${aliceMember}`,
    );
    expect(res.status).toBe(204);
    const member = await call('GET', `/v1/conversations/${cid}/members/${aliceMember}`);
    expect(member.body.state).toBe('LEFT');
  });

  it('answers in-app voice with 400 http:error:not-implemented in Vonage shape and writes nothing', async () => {
    const before = (await v1Events()).length;
    const rtc = await as(alice, 'POST', `/beta/conversations/${cid}/rtc`, {
      from: aliceMember,
      body: { offer: { sdp: 'v=0' } },
      ...SESSION,
    });
    const leg = await as(
      alice,
      'POST',
      '/v0.3/legs',
      { body: { offer: { type: 'offer', sdp: 'v=0' } } },
      'bearer',
    );
    expectVonageError(rtc, 400, 'http:error:not-implemented');
    expectVonageError(leg, 400, 'http:error:not-implemented');
    expect((await v1Events()).length).toBe(before);
  });
});

describe('conversation updates and deletes', () => {
  it('PATCH /v0.3/conversations/{id} updates as PUT /v1 does; DELETE /beta and /v0.3 delete', async () => {
    // Prepare
    const a = await as(alice, 'POST', '/v0.3/conversations', {
      name: `other-${suffix}`,
      display_name: null,
      properties: { custom_sort_key: null, custom_data: null, ttl: null },
      image_url: null,
    });
    expect(a.status).toBe(201);
    const b = await as(alice, 'POST', '/beta/conversations', { ...SESSION });
    expect(b.status).toBe(201);

    // Act
    const patched = await as(
      alice,
      'PATCH',
      `/v0.3/conversations/${a.body.id}`,
      { display_name: 'Renamed' },
      'bearer',
    );
    const notHers = await as(bob, 'DELETE', `/v0.3/conversations/${a.body.id}`, undefined, 'bearer');
    const delA = await as(alice, 'DELETE', `/v0.3/conversations/${a.body.id}`, undefined, 'bearer');
    const delB = await as(alice, 'DELETE', `/beta/conversations/${b.body.id}`);

    // Assess
    expect(patched.status).toBe(200);
    expect(patched.body.display_name).toBe('Renamed');
    expect(notHers.status).toBe(404);
    expect(delA.status).toBe(204);
    expect(delB.status).toBe(204);
    expect((await call('GET', `/v1/conversations/${a.body.id}`)).status).toBe(404);
  });
});
