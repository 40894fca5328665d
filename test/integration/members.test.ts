import { beforeAll, describe, expect, it } from 'vitest';
import { resetConfig } from '../../functions/config.ts';
import { type ApiResponse, call } from '../support/api.ts';
import { userToken } from '../support/tokens.ts';

const newUser = async (name: string) => {
  const res = await call('POST', '/v1/users', { body: { name, display_name: name.toUpperCase() } });
  expect(res.status).toBe(201);
  return res.body as { id: string; name: string };
};
const newConversation = async () => {
  const res = await call('POST', '/v1/conversations', { body: {} });
  expect(res.status).toBe(201);
  return res.body.id as string;
};
const addMember = (cid: string, body: Record<string, unknown>, token?: string) =>
  call('POST', `/v1/conversations/${cid}/members`, { body, ...(token ? { token } : {}) });
const conversation = async (cid: string) => (await call('GET', `/v1/conversations/${cid}`)).body;
const events = async (cid: string) =>
  (await call('GET', `/v1/conversations/${cid}/events?page_size=100`)).body._embedded;

describe('members', () => {
  let alice: { id: string; name: string };
  let bob: { id: string; name: string };
  beforeAll(async () => {
    alice = await newUser('alice');
    bob = await newUser('bob');
  });

  it('adds a joined member by user id with an admin token, and appends member:joined', async () => {
    // Prepare
    const cid = await newConversation();
    // Act
    const res = await addMember(cid, { state: 'joined', user: { id: alice.id }, channel: { type: 'app' } });
    // Assess
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      conversation_id: cid,
      state: 'JOINED',
      initiator: { joined: { is_system: true } },
      channel: { type: 'app' },
      _embedded: { user: { id: alice.id, name: 'alice', display_name: 'ALICE' } },
      last_seen_event_id: 0,
      unread_count: 0,
      _links: { href: `http://parley.test/v1/conversations/${cid}/members/${res.body.id}` },
    });
    expect(res.body.id).toMatch(/^MEM-[0-9a-f-]{36}$/);
    expect(res.body.timestamp.joined).toMatch(/Z$/);
    // The v1 document: a member links itself as `_links.href` alone, in the list as in the member.
    const href = `http://parley.test/v1/conversations/${cid}/members/${res.body.id}`;
    expect(res.body._links).toEqual({ href });
    const listed = await call('GET', `/v1/conversations/${cid}/members`);
    expect(listed.body._embedded.members.map((m: { _links: unknown }) => m._links)).toEqual([{ href }]);
    expect((await call('GET', `/v1/conversations/${cid}/members/${res.body.id}`)).body._links).toEqual({
      href,
    });
    const evts = await events(cid);
    expect(evts).toHaveLength(1);
    expect(evts[0]).toMatchObject({
      id: 1,
      type: 'member:joined',
      from: res.body.id,
      body: { member_id: res.body.id, user: { id: alice.id, name: 'alice' } },
      _embedded: { from_member: { id: res.body.id }, from_user: { id: alice.id } },
    });
    // The v1 document spells the flag `is_system` on a member and `isSystem` in member event bodies.
    expect(res.body.initiator.joined).toEqual({ is_system: true });
    expect(evts[0].body.initiator.joined).toEqual({ isSystem: true });
    expect((await conversation(cid)).sequence_number).toBe(1);
  });

  it('invites by user name (user token), records invited_by and initiator, then joins and leaves', async () => {
    const cid = await newConversation();
    const inviter = await addMember(cid, {
      state: 'joined',
      user: { name: 'alice' },
      channel: { type: 'app' },
    });
    const token = await userToken('alice');
    // Act: alice invites bob
    const invited = await addMember(
      cid,
      {
        state: 'invited',
        user: { name: 'bob' },
        channel: { type: 'phone', to: { type: 'phone', number: '447700000001' } },
      },
      token,
    );
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({
      state: 'INVITED',
      invited_by: inviter.body.id,
      initiator: { invited: { is_system: false, user_id: alice.id, member_id: inviter.body.id } },
      channel: { type: 'phone', to: { number: '447700000001' } },
    });
    const mid = invited.body.id;
    // Join from INVITED
    const joined = await call('PATCH', `/v1/conversations/${cid}/members/${mid}`, {
      body: { state: 'joined' },
    });
    expect(joined.status).toBe(200);
    expect(joined.body.state).toBe('JOINED');
    expect(joined.body.timestamp.invited).toBeDefined();
    expect(joined.body.timestamp.joined).toBeDefined();
    expect(joined.body.last_seen_event_id).toBe(2);
    // Leave with a reason
    const left = await call('PATCH', `/v1/conversations/${cid}/members/${mid}`, {
      body: { state: 'left', reason: { code: 'bye', text: 'see you' } },
    });
    expect(left.status).toBe(200);
    expect(left.body).toMatchObject({ state: 'LEFT', reason: { code: 'bye', text: 'see you' } });
    const types = (await events(cid)).map((e: { type: string }) => e.type);
    expect(types).toEqual(['member:joined', 'member:invited', 'member:joined', 'member:left']);
    const invitedEvent = (await events(cid))[1];
    expect(invitedEvent.body).toMatchObject({
      invited_by: inviter.body.id,
      conversation: { conversation_id: cid },
    });
    expect((await events(cid))[3].body.reason).toEqual({ code: 'bye', text: 'see you' });
  });

  it('allows INVITED → LEFT and refuses every other move with the spec code, writing nothing', async () => {
    const cid = await newConversation();
    const m = await addMember(cid, { state: 'invited', user: { id: bob.id }, channel: { type: 'app' } });
    const url = `/v1/conversations/${cid}/members/${m.body.id}`;
    const again = await call('PATCH', url, { body: { state: 'invited' } });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('conversation:error:member-already-invited');
    expect((await call('PATCH', url, { body: { state: 'left' } })).status).toBe(200);
    const seq = (await conversation(cid)).sequence_number;
    for (const state of ['joined', 'left', 'invited']) {
      const res = await call('PATCH', url, { body: { state } });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('conversation:error:invalid-member-state');
    }
    expect((await conversation(cid)).sequence_number).toBe(seq);
    expect((await call('GET', url)).body.state).toBe('LEFT');
  });

  it('refuses joining twice (member-already-joined) on PATCH and on POST, writing nothing', async () => {
    const cid = await newConversation();
    const m = await addMember(cid, { state: 'joined', user: { id: bob.id }, channel: { type: 'app' } });
    const patch = await call('PATCH', `/v1/conversations/${cid}/members/${m.body.id}`, {
      body: { state: 'joined' },
    });
    expect(patch.status).toBe(400);
    expect(patch.body.code).toBe('conversation:error:member-already-joined');
    const byId = await addMember(cid, { state: 'joined', user: { id: bob.id }, channel: { type: 'app' } });
    expect(byId.status).toBe(400);
    expect(byId.body.code).toBe('conversation:error:member-already-joined');
    // By name the live member is found by the write's condition instead.
    const byName = await addMember(cid, {
      state: 'invited',
      user: { name: 'bob' },
      channel: { type: 'app' },
    });
    expect(byName.status).toBe(400);
    expect(byName.body.code).toBe('conversation:error:member-already-joined');
    const list = await call('GET', `/v1/conversations/${cid}/members`);
    expect(list.body._embedded.members).toHaveLength(1);
    expect((await conversation(cid)).sequence_number).toBe(1);
  });

  it('lets a user who left come back as a new member', async () => {
    const cid = await newConversation();
    const first = await addMember(cid, { state: 'joined', user: { id: bob.id }, channel: { type: 'app' } });
    await call('PATCH', `/v1/conversations/${cid}/members/${first.body.id}`, { body: { state: 'left' } });
    const second = await addMember(cid, { state: 'joined', user: { name: 'bob' }, channel: { type: 'app' } });
    expect(second.status).toBe(201);
    expect(second.body.id).not.toBe(first.body.id);
    const me = await call('GET', `/v1/conversations/${cid}/members/me`, {
      token: await userToken('bob'),
    });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(second.body.id);
    // The user's conversations list it once, with the new member.
    const mine = await call('GET', `/v1/users/${bob.id}/conversations?page_size=100`);
    const entries = mine.body._embedded.conversations.filter((c: { id: string }) => c.id === cid);
    expect(entries).toHaveLength(1);
    expect(entries[0]._embedded).toMatchObject({ id: second.body.id, state: 'JOINED' });
  });

  it('answers 404s with the spec codes and writes nothing', async () => {
    const cid = await newConversation();
    const noUser = await addMember(cid, {
      state: 'joined',
      user: { name: 'nobody' },
      channel: { type: 'app' },
    });
    expect(noUser.status).toBe(404);
    expect(noUser.body.code).toBe('user:error:not-found');
    const noConv = await addMember('CON-00000000-0000-4000-8000-000000000000', {
      state: 'joined',
      user: { id: alice.id },
      channel: { type: 'app' },
    });
    expect(noConv.status).toBe(404);
    expect(noConv.body.code).toBe('conversation:error:not-found');
    const noInviter = await addMember(cid, {
      state: 'invited',
      user: { id: alice.id },
      channel: { type: 'app' },
      member_id_inviting: 'MEM-00000000-0000-4000-8000-000000000000',
    });
    expect(noInviter.status).toBe(404);
    expect(noInviter.body.code).toBe('conversation:error:member-not-found');
    const noMember = await call(
      'GET',
      `/v1/conversations/${cid}/members/MEM-00000000-0000-4000-8000-000000000000`,
    );
    expect(noMember.status).toBe(404);
    expect(noMember.body.code).toBe('conversation:error:member-not-found');
    const patchNone = await call(
      'PATCH',
      `/v1/conversations/${cid}/members/MEM-00000000-0000-4000-8000-000000000000`,
      {
        body: { state: 'left' },
      },
    );
    expect(patchNone.body.code).toBe('conversation:error:member-not-found');
    const meNone = await call('GET', `/v1/conversations/${cid}/members/me`, {
      token: await userToken('alice'),
    });
    // Alice has no member there: to her token the conversation does not exist.
    expect(meNone.status).toBe(404);
    expect(meNone.body.code).toBe('conversation:error:not-found');
    const meAdmin = await call('GET', `/v1/conversations/${cid}/members/me`);
    expect(meAdmin.body.code).toBe('user:error:invalid-user-token');
    const c = await conversation(cid);
    expect(c.sequence_number).toBe(0);
    expect((await call('GET', `/v1/conversations/${cid}/members`)).body._embedded.members).toEqual([]);
  });

  it('validates the body: state, user, channel', async () => {
    const cid = await newConversation();
    const bad = await addMember(cid, { state: 'left', user: {}, channel: { type: 'pigeon' }, extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('http:error:validation-fail');
    const names = bad.body.invalid_parameters.map((p: { name: string }) => p.name);
    expect(names).toEqual(expect.arrayContaining(['state', 'channel.type', 'extra']));
    expect(bad.body.invalid_parameters.find((p: { name: string }) => p.name === 'state').reason).toBe(
      '"state" must be one of [invited, joined]',
    );
    const noUser = await addMember(cid, { state: 'joined', user: {}, channel: { type: 'app' } });
    expect(noUser.body.invalid_parameters).toEqual([
      { name: 'user', reason: '"user" must contain at least one of [id, name]' },
    ]);
    // The SDK sends its upper-case MemberState.
    const upper = await addMember(cid, { state: 'JOINED', user: { id: alice.id }, channel: { type: 'app' } });
    expect(upper.status).toBe(201);
  });

  it('refuses a member beyond the configured maximum, writing nothing', async () => {
    process.env.MAX_MEMBERS_PER_CONVERSATION = '2';
    resetConfig();
    try {
      const cid = await newConversation();
      const carol = await newUser('carol');
      expect(
        (await addMember(cid, { state: 'joined', user: { id: alice.id }, channel: { type: 'app' } })).status,
      ).toBe(201);
      const b = await addMember(cid, { state: 'invited', user: { id: bob.id }, channel: { type: 'app' } });
      expect(b.status).toBe(201);
      const full = await addMember(cid, {
        state: 'joined',
        user: { id: carol.id },
        channel: { type: 'app' },
      });
      expect(full.status).toBe(400);
      expect(full.body.code).toBe('conversation:error:maximum-number-of-members');
      expect((await conversation(cid)).sequence_number).toBe(2);
      // Leaving frees a place.
      await call('PATCH', `/v1/conversations/${cid}/members/${b.body.id}`, { body: { state: 'left' } });
      expect(
        (await addMember(cid, { state: 'joined', user: { id: carol.id }, channel: { type: 'app' } })).status,
      ).toBe(201);
    } finally {
      delete process.env.MAX_MEMBERS_PER_CONVERSATION;
      resetConfig();
    }
  });

  it('lists members across pages with cursors', async () => {
    const cid = await newConversation();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const u = await newUser(`pager-${i}`);
      ids.push(
        (await addMember(cid, { state: 'joined', user: { id: u.id }, channel: { type: 'app' } })).body.id,
      );
    }
    const seen: string[] = [];
    let url: string | undefined = `/v1/conversations/${cid}/members?page_size=2`;
    let pages = 0;
    while (url) {
      const res: ApiResponse = await call('GET', url);
      expect(res.status).toBe(200);
      expect(res.body.page_size).toBe(2);
      seen.push(...res.body._embedded.members.map((m: { id: string }) => m.id));
      const next: string | undefined = res.body._links.next?.href;
      url = next ? next.replace('http://parley.test', '') : undefined;
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual([...ids].sort());
    const missing = await call('GET', '/v1/conversations/CON-00000000-0000-4000-8000-000000000000/members');
    expect(missing.status).toBe(404);
  });
});

describe("a user's conversations", () => {
  it("lists them from the index with the caller's member, state filter, custom data and paging", async () => {
    const dora = await newUser('dora');
    const cids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await call('POST', '/v1/conversations', {
        body: { display_name: `c${i}`, properties: { custom_data: { n: i } } },
      });
      cids.push(res.body.id);
      await addMember(res.body.id, {
        state: i === 2 ? 'invited' : 'joined',
        user: { id: dora.id },
        channel: { type: 'app' },
      });
    }
    const page1 = await call('GET', `/v1/users/${dora.id}/conversations?page_size=2`);
    expect(page1.status).toBe(200);
    expect(page1.body._embedded.conversations.map((c: { id: string }) => c.id)).toEqual(cids.slice(0, 2));
    expect(page1.body._embedded.conversations[0]).toMatchObject({
      id: cids[0],
      display_name: 'c0',
      sequence_number: 1,
      properties: {},
      _embedded: { state: 'JOINED', unread_count: 0, last_seen_event_id: 0 },
    });
    expect(page1.body._embedded.conversations[0].properties.custom_data).toBeUndefined();
    const page2 = await call('GET', page1.body._links.next.href.replace('http://parley.test', ''));
    expect(page2.body._embedded.conversations.map((c: { id: string }) => c.id)).toEqual([cids[2]]);
    expect(page2.body._links.next).toBeUndefined();

    const invited = await call(
      'GET',
      `/v1/users/${dora.id}/conversations?state=INVITED&include_custom_data=true`,
    );
    expect(invited.body._embedded.conversations).toHaveLength(1);
    expect(invited.body._embedded.conversations[0]).toMatchObject({
      id: cids[2],
      properties: { custom_data: { n: 2 } },
    });
    const desc = await call('GET', `/v1/users/dora/conversations?order=desc`);
    expect(desc.body._embedded.conversations.map((c: { id: string }) => c.id)).toEqual([...cids].reverse());
    const future = await call('GET', `/v1/users/${dora.id}/conversations?date_start=2999-01-01`);
    expect(future.body._embedded.conversations).toEqual([]);

    // A user token lists exactly its own conversations in GET /v1/conversations.
    const token = await userToken('dora');
    const own = await call('GET', '/v1/conversations?page_size=100', { token });
    expect(own.body._embedded.conversations.map((c: { id: string }) => c.id)).toEqual(cids);
    const viaUser = await call('GET', '/v1/users/dora/conversations', { token });
    expect(viaUser.status).toBe(200);
    const someoneElse = await newUser('eve');
    const refused = await call('GET', `/v1/users/${someoneElse.id}/conversations`, { token });
    expect(refused.status).toBe(403);
  });

  it('answers user:error:not-found for an unknown user', async () => {
    const res = await call('GET', '/v1/users/USR-00000000-0000-4000-8000-000000000000/conversations');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('user:error:not-found');
    const byName = await call('GET', '/v1/users/nobody-here/conversations');
    expect(byName.body.code).toBe('user:error:not-found');
  });
});
