import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetConfig } from '../../functions/config.ts';
import { READ_MEMBERSHIP_MAX_AGE_MS } from '../../functions/domain/access.ts';
import { type ApiResponse, call } from '../support/api.ts';
import { markLeft } from '../support/table.ts';
import { userToken } from '../support/tokens.ts';

type Persona = 'alice' | 'bob' | 'carol' | 'dave' | 'eve';
const MISSING = 'CON-00000000-0000-4000-8000-000000000000';

interface Room {
  cid: string;
  /** Member ids; eve has none. */
  members: Record<Exclude<Persona, 'eve'>, string>;
  /** The id of bob's message. */
  message: number;
}

const users: Record<string, { id: string; name: string }> = {};
const tokens: Record<string, string> = {};

/** A user token with Vonage's default Client SDK ACL: broad enough that the membership rule decides. */
const as = (who: Persona | 'frank') => tokens[who];

const expectError = (res: ApiResponse, status: number, code: string) => {
  expect(res.status, res.text).toBe(status);
  expect(res.body.code, res.text).toBe(code);
  expect(Object.keys(res.body).sort()).toEqual(['code', 'detail', 'instance', 'title', 'type']);
};
const expectNotFound = (res: ApiResponse) => expectError(res, 404, 'conversation:error:not-found');
const expectForbidden = (res: ApiResponse) => expectError(res, 403, 'system:error:permission');

const newUser = async (body: Record<string, unknown>) => {
  const res = await call('POST', '/v1/users', { body });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; name: string };
};

const memberBody = (state: 'invited' | 'joined', name: string) => ({
  state,
  user: { name },
  channel: { type: 'app' },
});
const addMember = (cid: string, body: Record<string, unknown>, token?: string) =>
  call('POST', `/v1/conversations/${cid}/members`, { body, ...(token ? { token } : {}) });
const patchMember = (cid: string, mid: string, body: Record<string, unknown>, token?: string) =>
  call('PATCH', `/v1/conversations/${cid}/members/${mid}`, { body, ...(token ? { token } : {}) });
const postEvent = (cid: string, body: Record<string, unknown>, token?: string) =>
  call('POST', `/v1/conversations/${cid}/events`, { body, ...(token ? { token } : {}) });
const text = (t: string) => ({ type: 'message', body: { message_type: 'text', text: t } });

let rooms = 0;
/** Builds the personas' conversation the way their clients would. */
const room = async (): Promise<Room> => {
  rooms++;
  const created = await call('POST', '/v1/conversations', {
    token: as('alice'),
    body: { display_name: `Room ${rooms}` },
  });
  expect(created.status, created.text).toBe(201);
  const cid = created.body.id as string;

  const alice = await addMember(cid, memberBody('joined', 'alice'), as('alice'));
  expect(alice.status, alice.text).toBe(201);
  const bob = await addMember(cid, memberBody('invited', 'bob'), as('alice'));
  expect(bob.status, bob.text).toBe(201);
  const carol = await addMember(cid, memberBody('invited', 'carol'), as('alice'));
  expect(carol.status, carol.text).toBe(201);
  const bobJoins = await patchMember(cid, bob.body.id, { state: 'joined' }, as('bob'));
  expect(bobJoins.status, bobJoins.text).toBe(200);
  const dave = await addMember(cid, memberBody('joined', 'dave'));
  expect(dave.status, dave.text).toBe(201);
  const daveLeaves = await patchMember(cid, dave.body.id, { state: 'left' }, as('dave'));
  expect(daveLeaves.status, daveLeaves.text).toBe(200);
  const message = await postEvent(cid, text('hello from bob'), as('bob'));
  expect(message.status, message.text).toBe(201);

  return {
    cid,
    members: { alice: alice.body.id, bob: bob.body.id, carol: carol.body.id, dave: dave.body.id },
    message: message.body.id,
  };
};

/** What an admin sees of a conversation: itself, its members and its events. */
const snapshot = async (cid: string) => {
  const conversation = await call('GET', `/v1/conversations/${cid}`);
  const members = await call('GET', `/v1/conversations/${cid}/members?page_size=100`);
  const events = await call('GET', `/v1/conversations/${cid}/events?page_size=100`);
  return {
    status: conversation.status,
    conversation: conversation.body,
    members: members.body?._embedded?.members,
    events: events.body?._embedded,
  };
};

/**
 * Runs a refused write in a room of its own (so a write that wrongly succeeds spoils no other test) and checks
 * that the conversation, its members and its events did not change.
 */
const refused = async (write: (x: Room) => Promise<ApiResponse>) => {
  const x = await room();
  const before = await snapshot(x.cid);
  expect(before.status).toBe(200);
  const res = await write(x);
  expect(await snapshot(x.cid), 'a refused request wrote something').toEqual(before);
  return res;
};

const listedIds = async (token: string) => {
  const res = await call('GET', '/v1/conversations?page_size=100', { token });
  expect(res.status, res.text).toBe(200);
  return res.body._embedded.conversations.map((c: { id: string }) => c.id) as string[];
};

beforeAll(async () => {
  await newUser({
    name: 'alice',
    display_name: 'Alice',
    image_url: 'https://example.com/alice.png',
    properties: { custom_data: { plan: 'gold' } },
    channels: { pstn: [{ number: 447700900000 }] },
  });
  for (const name of ['bob', 'carol', 'dave', 'eve', 'frank']) {
    users[name] = await newUser({ name, display_name: name.toUpperCase() });
    tokens[name] = await userToken(name);
  }
  users.alice = (await call('GET', '/v1/users/alice')).body;
  tokens.alice = await userToken('alice');
});

describe('authorization (default: membership)', () => {
  let r: Room;
  beforeAll(async () => {
    r = await room();
  });

  /** The read routes of one conversation, each with its path in room `r`. */
  const reads: [string, (x: Room) => string][] = [
    ['GET conversation', (x) => `/v1/conversations/${x.cid}`],
    ['GET members', (x) => `/v1/conversations/${x.cid}/members`],
    ['GET a member', (x) => `/v1/conversations/${x.cid}/members/${x.members.bob}`],
    ['GET members/me', (x) => `/v1/conversations/${x.cid}/members/me`],
    ['GET events', (x) => `/v1/conversations/${x.cid}/events`],
    ['GET an event', (x) => `/v1/conversations/${x.cid}/events/${x.message}`],
    ['GET legs', (x) => `/v1/conversations/${x.cid}/legs`],
    ['GET /beta view', (x) => `/beta/conversations/${x.cid}`],
    ['GET /v0.1 view', (x) => `/v0.1/conversations/${x.cid}`],
  ];

  describe('creating a conversation', () => {
    it('lets a user token create a conversation, and its creator reads it before anyone joined', async () => {
      const created = await call('POST', '/v1/conversations', {
        token: as('alice'),
        body: { display_name: 'Alice alone' },
      });
      expect(created.status, created.text).toBe(201);
      expect(created.body).toMatchObject({ display_name: 'Alice alone', state: 'ACTIVE' });
      const cid = created.body.id;
      const read = await call('GET', `/v1/conversations/${cid}`, { token: as('alice') });
      expect(read.status, read.text).toBe(200);
      expect(read.body).toMatchObject({ id: cid, display_name: 'Alice alone' });
      const members = await call('GET', `/v1/conversations/${cid}/members`, { token: as('alice') });
      expect(members.status, members.text).toBe(200);
      expect(members.body._embedded.members).toEqual([]);
      const evts = await call('GET', `/v1/conversations/${cid}/events`, { token: as('alice') });
      expect(evts.status, evts.text).toBe(200);
    });

    it('keeps a conversation nobody has joined yet hidden from everyone but its creator: 404', async () => {
      const created = await call('POST', '/v1/conversations', { token: as('alice'), body: {} });
      const cid = created.body.id;
      expectNotFound(await call('GET', `/v1/conversations/${cid}`, { token: as('bob') }));
      expectNotFound(await call('GET', `/v1/conversations/${cid}/members`, { token: as('eve') }));
    });

    it('lets the creator update and delete it before joining', async () => {
      const created = await call('POST', '/v1/conversations', { token: as('alice'), body: {} });
      const cid = created.body.id;
      const put = await call('PUT', `/v1/conversations/${cid}`, {
        token: as('alice'),
        body: { display_name: 'Renamed' },
      });
      expect(put.status, put.text).toBe(200);
      expect(put.body.display_name).toBe('Renamed');
      expect((await call('DELETE', `/v1/conversations/${cid}`, { token: as('alice') })).status).toBe(204);
      expect((await call('GET', `/v1/conversations/${cid}`)).status).toBe(404);
    });
  });

  describe('listing conversations', () => {
    it('lists the conversation for its JOINED and INVITED members (alice, bob, carol)', async () => {
      for (const who of ['alice', 'bob', 'carol'] as const)
        expect(await listedIds(as(who)), who).toContain(r.cid);
    });

    it('does not list it for a non-member (eve) or a member who left (dave)', async () => {
      expect(await listedIds(as('eve'))).not.toContain(r.cid);
      expect(await listedIds(as('dave'))).not.toContain(r.cid);
    });

    it('does not list a conversation its creator created but holds no member of', async () => {
      const created = await call('POST', '/v1/conversations', { token: as('alice'), body: {} });
      expect(await listedIds(as('alice'))).not.toContain(created.body.id);
      expect(await listedIds(as('alice'))).toContain(r.cid);
    });

    it('lists every conversation for an admin token', async () => {
      const res = await call('GET', '/v1/conversations?page_size=100');
      expect(res.body._embedded.conversations.map((c: { id: string }) => c.id)).toContain(r.cid);
    });
  });

  describe('reading a conversation, its members, events, legs and legacy views', () => {
    it.each(['alice', 'bob', 'carol'] as const)(
      'lets %s (creator / joined / invited) read every view of it',
      async (who) => {
        const token = as(who);
        const conv = await call('GET', `/v1/conversations/${r.cid}`, { token });
        expect(conv.status, conv.text).toBe(200);
        expect(conv.body).toMatchObject({ id: r.cid, display_name: expect.stringMatching(/^Room /) });

        const members = await call('GET', `/v1/conversations/${r.cid}/members?page_size=100`, { token });
        expect(members.status, members.text).toBe(200);
        const byId = Object.fromEntries(
          members.body._embedded.members.map((m: { id: string; state: string }) => [m.id, m.state]),
        );
        expect(byId).toEqual({
          [r.members.alice]: 'JOINED',
          [r.members.bob]: 'JOINED',
          [r.members.carol]: 'INVITED',
          [r.members.dave]: 'LEFT',
        });

        const bob = await call('GET', `/v1/conversations/${r.cid}/members/${r.members.bob}`, { token });
        expect(bob.status, bob.text).toBe(200);
        expect(bob.body).toMatchObject({ id: r.members.bob, state: 'JOINED' });

        const me = await call('GET', `/v1/conversations/${r.cid}/members/me`, { token });
        expect(me.status, me.text).toBe(200);
        expect(me.body).toMatchObject({
          id: r.members[who],
          state: who === 'carol' ? 'INVITED' : 'JOINED',
        });

        const evts = await call('GET', `/v1/conversations/${r.cid}/events?page_size=100`, { token });
        expect(evts.status, evts.text).toBe(200);
        expect(evts.body._embedded.map((e: { id: number }) => e.id)).toContain(r.message);

        const one = await call('GET', `/v1/conversations/${r.cid}/events/${r.message}`, { token });
        expect(one.status, one.text).toBe(200);
        expect(one.body).toMatchObject({
          id: r.message,
          type: 'message',
          from: r.members.bob,
          body: { text: 'hello from bob' },
        });

        const legs = await call('GET', `/v1/conversations/${r.cid}/legs`, { token });
        expect(legs.status, legs.text).toBe(200);
        expect(legs.body._embedded.legs).toEqual([]);

        for (const prefix of ['/beta', '/v0.1']) {
          const legacy = await call('GET', `${prefix}/conversations/${r.cid}`, { token });
          expect(legacy.status, `${prefix} ${legacy.text}`).toBe(200);
          expect(legacy.body.uuid).toBe(r.cid);
          expect(legacy.body.members.map((m: { member_id: string }) => m.member_id).sort()).toEqual(
            Object.values(r.members).sort(),
          );
        }
      },
    );

    const refusals = reads.flatMap(([label, path]) =>
      (['eve', 'dave'] as const).map((who) => [who, label, path] as const),
    );
    it.each(refusals)(
      'answers %s (non-member / left) on %s: 404 conversation:error:not-found',
      async (who, _l, path) => {
        expectNotFound(await call('GET', path(r), { token: as(who) }));
      },
    );

    it('answers a non-member exactly as it answers for a conversation that does not exist', async () => {
      const hidden = await call('GET', `/v1/conversations/${r.cid}`, { token: as('eve') });
      const missing = await call('GET', `/v1/conversations/${MISSING}`, { token: as('eve') });
      expect(hidden.status).toBe(missing.status);
      const { instance: _a, ...h } = hidden.body;
      const { instance: _b, ...m } = missing.body;
      expect(h).toEqual(m);
    });

    it('lets an admin token read every view of it', async () => {
      for (const [label, path] of reads.filter(([l]) => l !== 'GET members/me')) {
        const res = await call('GET', path(r));
        expect(res.status, `${label} ${res.text}`).toBe(200);
      }
    });
  });

  describe('updating (PUT) a conversation', () => {
    it('lets its creator update it', async () => {
      const x = await room();
      const res = await call('PUT', `/v1/conversations/${x.cid}`, {
        token: as('alice'),
        body: { display_name: 'Renamed by alice' },
      });
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ id: x.cid, display_name: 'Renamed by alice' });
      expect((await call('GET', `/v1/conversations/${x.cid}`)).body.display_name).toBe('Renamed by alice');
    });

    it.each(['bob', 'carol'] as const)(
      'refuses %s, a member who is not the creator: 403, nothing written',
      async (who) => {
        const res = await refused((x) =>
          call('PUT', `/v1/conversations/${x.cid}`, { token: as(who), body: { display_name: `by ${who}` } }),
        );
        expectForbidden(res);
      },
    );

    it.each(['eve', 'dave'] as const)(
      'refuses %s, who cannot read it: 404 conversation:error:not-found, nothing written',
      async (who) => {
        const res = await refused((x) =>
          call('PUT', `/v1/conversations/${x.cid}`, { token: as(who), body: { display_name: `by ${who}` } }),
        );
        expectNotFound(res);
      },
    );
  });

  describe('deleting a conversation', () => {
    it('lets its creator delete it', async () => {
      const x = await room();
      expect((await call('DELETE', `/v1/conversations/${x.cid}`, { token: as('alice') })).status).toBe(204);
      expectNotFound(await call('GET', `/v1/conversations/${x.cid}`));
    });

    it.each(['bob', 'carol'] as const)(
      'refuses %s, a member who is not the creator: 403, nothing written',
      async (who) => {
        const res = await refused((x) => call('DELETE', `/v1/conversations/${x.cid}`, { token: as(who) }));
        expectForbidden(res);
      },
    );

    it.each(['eve', 'dave'] as const)(
      'refuses %s, who cannot read it: 404 conversation:error:not-found, nothing written',
      async (who) => {
        const res = await refused((x) => call('DELETE', `/v1/conversations/${x.cid}`, { token: as(who) }));
        expectNotFound(res);
      },
    );
  });

  describe('adding a member (POST …/members)', () => {
    it('lets a JOINED member (bob) invite another user: INVITED, invited by his member', async () => {
      const x = await room();
      const res = await addMember(x.cid, memberBody('invited', 'frank'), as('bob'));
      expect(res.status, res.text).toBe(201);
      expect(res.body).toMatchObject({
        state: 'INVITED',
        invited_by: x.members.bob,
        initiator: { invited: { is_system: false, member_id: x.members.bob } },
        _embedded: { user: { name: 'frank' } },
      });
    });

    it('lets a user add itself as JOINED to a conversation it created', async () => {
      const created = await call('POST', '/v1/conversations', { token: as('bob'), body: {} });
      const res = await addMember(created.body.id, memberBody('joined', 'bob'), as('bob'));
      expect(res.status, res.text).toBe(201);
      expect(res.body).toMatchObject({ state: 'JOINED', _embedded: { user: { name: 'bob' } } });
    });

    it('refuses a non-member joining itself to a conversation it was never invited to: 404, nothing written', async () => {
      const res = await refused((x) => addMember(x.cid, memberBody('joined', 'eve'), as('eve')));
      expectNotFound(res);
    });

    it('refuses a non-member inviting itself: 404, nothing written', async () => {
      const res = await refused((x) => addMember(x.cid, memberBody('invited', 'eve'), as('eve')));
      expectNotFound(res);
    });

    it('refuses a non-member inviting someone else: 404, nothing written', async () => {
      const res = await refused((x) => addMember(x.cid, memberBody('invited', 'frank'), as('eve')));
      expectNotFound(res);
    });

    it('refuses a member who left (dave) coming back or inviting on his own: 404, nothing written', async () => {
      expectNotFound(await refused((x) => addMember(x.cid, memberBody('joined', 'dave'), as('dave'))));
      expectNotFound(await refused((x) => addMember(x.cid, memberBody('invited', 'frank'), as('dave'))));
    });

    it('refuses an INVITED member (carol) inviting another user: 403, nothing written', async () => {
      const res = await refused((x) => addMember(x.cid, memberBody('invited', 'frank'), as('carol')));
      expectForbidden(res);
    });

    it('refuses a JOINED member adding another user as JOINED: 403, nothing written', async () => {
      const res = await refused((x) => addMember(x.cid, memberBody('joined', 'frank'), as('bob')));
      expectForbidden(res);
    });

    it('lets an admin token add anyone', async () => {
      const x = await room();
      const res = await addMember(x.cid, memberBody('joined', 'eve'));
      expect(res.status, res.text).toBe(201);
      expect(res.body.state).toBe('JOINED');
    });
  });

  describe('joining and leaving (PATCH …/members/{id})', () => {
    it('lets an INVITED member (carol) read the conversation and join from her invite', async () => {
      const x = await room();
      expect((await call('GET', `/v1/conversations/${x.cid}`, { token: as('carol') })).status).toBe(200);
      const res = await patchMember(x.cid, x.members.carol, { state: 'joined' }, as('carol'));
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ id: x.members.carol, state: 'JOINED' });
    });

    it('lets a member leave by itself', async () => {
      const x = await room();
      const res = await patchMember(x.cid, x.members.bob, { state: 'left' }, as('bob'));
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ id: x.members.bob, state: 'LEFT' });
    });

    it('refuses a member kicking another member (bob → alice left): 403, nothing written', async () => {
      const res = await refused((x) => patchMember(x.cid, x.members.alice, { state: 'left' }, as('bob')));
      expectForbidden(res);
    });

    it('refuses even the creator kicking another member (alice → bob left): 403, nothing written', async () => {
      const res = await refused((x) => patchMember(x.cid, x.members.bob, { state: 'left' }, as('alice')));
      expectForbidden(res);
    });

    it('refuses an INVITED member removing another (carol → bob left): 403, nothing written', async () => {
      const res = await refused((x) => patchMember(x.cid, x.members.bob, { state: 'left' }, as('carol')));
      expectForbidden(res);
    });

    it('refuses a member joining someone else from their invite (bob → carol joined): 403, nothing written', async () => {
      const res = await refused((x) => patchMember(x.cid, x.members.carol, { state: 'joined' }, as('bob')));
      expectForbidden(res);
    });

    it.each(['eve', 'dave'] as const)(
      'refuses %s, who cannot read it, changing a member: 404, nothing written',
      async (who) => {
        const res = await refused((x) => patchMember(x.cid, x.members.bob, { state: 'left' }, as(who)));
        expectNotFound(res);
      },
    );

    it('lets an admin token change any member', async () => {
      const x = await room();
      const res = await patchMember(x.cid, x.members.bob, { state: 'left' });
      expect(res.status, res.text).toBe(200);
      expect(res.body.state).toBe('LEFT');
    });
  });

  describe('posting an event', () => {
    it('lets a JOINED member post as its own member', async () => {
      const x = await room();
      const res = await postEvent(x.cid, text('hi alice'), as('bob'));
      expect(res.status, res.text).toBe(201);
      expect(res.body).toMatchObject({
        type: 'message',
        from: x.members.bob,
        body: { message_type: 'text', text: 'hi alice' },
        _embedded: { from_member: { id: x.members.bob }, from_user: { name: 'bob' } },
      });
      const withFrom = await postEvent(x.cid, { ...text('again'), from: x.members.bob }, as('bob'));
      expect(withFrom.status, withFrom.text).toBe(201);
    });

    it("refuses a post `from` another user's member: 403, nothing written", async () => {
      const res = await refused((x) =>
        postEvent(x.cid, { ...text('as alice'), from: x.members.alice }, as('bob')),
      );
      expectError(res, 403, 'event:error:permission-denied');
    });

    it('refuses an INVITED member (carol), who has not joined: event:error:not-joined, nothing written', async () => {
      const res = await refused((x) => postEvent(x.cid, text('not yet'), as('carol')));
      expectError(res, 400, 'event:error:not-joined');
    });

    it.each(['eve', 'dave'] as const)(
      'refuses %s (non-member / left), who cannot see it: 404, nothing written',
      async (who) => {
        const res = await refused((x) => postEvent(x.cid, text('hello?'), as(who)));
        expectNotFound(res);
      },
    );

    it('refuses eve posting as a member of the conversation: 404, nothing written', async () => {
      const res = await refused((x) =>
        postEvent(x.cid, { ...text('as bob'), from: x.members.bob }, as('eve')),
      );
      expectNotFound(res);
    });
  });

  describe('deleting an event', () => {
    it('lets the sender delete its own message', async () => {
      const x = await room();
      const res = await call('DELETE', `/v1/conversations/${x.cid}/events/${x.message}`, {
        token: as('bob'),
      });
      expect(res.status, res.text).toBe(204);
      const tomb = await call('GET', `/v1/conversations/${x.cid}/events/${x.message}`);
      expect(tomb.body).toMatchObject({ id: x.message, type: 'message', body: {} });
    });

    it.each(['alice', 'carol'] as const)(
      "refuses %s deleting bob's message: 403 event:error:permission-denied, nothing written",
      async (who) => {
        const res = await refused((x) =>
          call('DELETE', `/v1/conversations/${x.cid}/events/${x.message}`, { token: as(who) }),
        );
        expectError(res, 403, 'event:error:permission-denied');
      },
    );

    it.each(['eve', 'dave'] as const)(
      'refuses %s, who cannot see the conversation: 404, nothing written',
      async (who) => {
        const res = await refused((x) =>
          call('DELETE', `/v1/conversations/${x.cid}/events/${x.message}`, { token: as(who) }),
        );
        expectNotFound(res);
      },
    );
  });

  describe('users', () => {
    it('shows a user its own user in full, by id and by name', async () => {
      for (const ref of [users.alice.id, 'alice']) {
        const res = await call('GET', `/v1/users/${ref}`, { token: as('alice') });
        expect(res.status, res.text).toBe(200);
        expect(res.body).toMatchObject({
          id: users.alice.id,
          name: 'alice',
          display_name: 'Alice',
          image_url: 'https://example.com/alice.png',
          properties: { custom_data: { plan: 'gold' } },
          channels: { pstn: [{ number: 447700900000 }] },
        });
      }
    });

    it('shows another user only id, name, display_name and image_url: no channels, no custom data', async () => {
      for (const ref of [users.alice.id, 'alice']) {
        const res = await call('GET', `/v1/users/${ref}`, { token: as('bob') });
        expect(res.status, res.text).toBe(200);
        expect(res.body).toMatchObject({
          id: users.alice.id,
          name: 'alice',
          display_name: 'Alice',
          image_url: 'https://example.com/alice.png',
        });
        expect(res.body.channels).toBeUndefined();
        expect(res.body.properties).toBeUndefined();
        const fields = Object.keys(res.body).filter((k) => k !== '_links');
        expect(fields.sort()).toEqual(['display_name', 'id', 'image_url', 'name']);
      }
    });

    it('shows an admin token every user in full', async () => {
      const res = await call('GET', '/v1/users/alice');
      expect(res.body).toMatchObject({ properties: { custom_data: { plan: 'gold' } }, channels: {} });
    });

    it('lists users for an admin token only: a user token gets 403', async () => {
      expectForbidden(await call('GET', '/v1/users', { token: as('eve') }));
      expectForbidden(await call('GET', '/v1/users?name=alice', { token: as('bob') }));
      const admin = await call('GET', '/v1/users?page_size=100');
      expect(admin.status).toBe(200);
      expect(admin.body._embedded.users.map((u: { name: string }) => u.name)).toContain('alice');
    });

    it('lets a user update its own user', async () => {
      const res = await call('PATCH', '/v1/users/frank', {
        token: as('frank'),
        body: { display_name: 'Frank F.' },
      });
      expect(res.status, res.text).toBe(200);
      expect(res.body.display_name).toBe('Frank F.');
    });

    it('refuses a user updating another user: 403, nothing written', async () => {
      const before = (await call('GET', '/v1/users/alice')).body;
      for (const ref of [users.alice.id, 'alice'])
        expectForbidden(
          await call('PATCH', `/v1/users/${ref}`, { token: as('bob'), body: { display_name: 'Hacked' } }),
        );
      expect((await call('GET', '/v1/users/alice')).body).toEqual(before);
    });

    it('refuses a user token deleting a user, even itself, or creating one: 403, nothing written', async () => {
      expectForbidden(await call('DELETE', '/v1/users/alice', { token: as('bob') }));
      expectForbidden(await call('DELETE', '/v1/users/bob', { token: as('bob') }));
      expectForbidden(await call('POST', '/v1/users', { token: as('bob'), body: { name: 'mallory' } }));
      expect((await call('GET', '/v1/users/alice')).status).toBe(200);
      expect((await call('GET', '/v1/users/bob')).status).toBe(200);
      expect((await call('GET', '/v1/users/mallory')).status).toBe(404);
    });
  });

  describe("a user's conversations (GET /v1/users/{id}/conversations)", () => {
    it('lists its own, by id and by name', async () => {
      for (const ref of [users.bob.id, 'bob']) {
        const res = await call('GET', `/v1/users/${ref}/conversations?page_size=100`, { token: as('bob') });
        expect(res.status, res.text).toBe(200);
        const mine = res.body._embedded.conversations.find((c: { id: string }) => c.id === r.cid);
        expect(mine).toMatchObject({ id: r.cid, _embedded: { id: r.members.bob, state: 'JOINED' } });
      }
    });

    it("refuses another user's: 403", async () => {
      for (const ref of [users.alice.id, 'alice'])
        expectForbidden(await call('GET', `/v1/users/${ref}/conversations`, { token: as('bob') }));
      expectForbidden(await call('GET', `/v1/users/${users.bob.id}/conversations`, { token: as('eve') }));
    });
  });
});

describe('AUTHORIZATION switch', () => {
  let r: Room;
  beforeAll(async () => {
    r = await room();
  });
  beforeEach(() => {
    delete process.env.AUTHORIZATION;
    resetConfig();
  });
  afterEach(() => {
    delete process.env.AUTHORIZATION;
    resetConfig();
  });

  const withMode = async (mode: string, run: () => Promise<void>) => {
    process.env.AUTHORIZATION = mode;
    resetConfig();
    try {
      await run();
    } finally {
      delete process.env.AUTHORIZATION;
      resetConfig();
    }
  };

  it('defaults to membership: a non-member gets 404 on a conversation', async () => {
    expectNotFound(await call('GET', `/v1/conversations/${r.cid}`, { token: as('eve') }));
  });

  it('AUTHORIZATION=membership is the default rule, spelled out', async () => {
    await withMode('membership', async () => {
      expectNotFound(await call('GET', `/v1/conversations/${r.cid}`, { token: as('eve') }));
      expectForbidden(
        await refused((x) => call('DELETE', `/v1/conversations/${x.cid}`, { token: as('bob') })),
      );
    });
  });

  it('AUTHORIZATION=acl lets a non-member read the conversation, its members and events', async () => {
    await withMode('acl', async () => {
      const conv = await call('GET', `/v1/conversations/${r.cid}`, { token: as('eve') });
      expect(conv.status, conv.text).toBe(200);
      expect(conv.body.id).toBe(r.cid);
      const members = await call('GET', `/v1/conversations/${r.cid}/members`, { token: as('eve') });
      expect(members.status, members.text).toBe(200);
      const evts = await call('GET', `/v1/conversations/${r.cid}/events`, { token: as('eve') });
      expect(evts.status, evts.text).toBe(200);
    });
  });

  it('AUTHORIZATION=acl lets a non-creator update and delete the conversation', async () => {
    const x = await room();
    await withMode('acl', async () => {
      const put = await call('PUT', `/v1/conversations/${x.cid}`, {
        token: as('eve'),
        body: { display_name: 'eve was here' },
      });
      expect(put.status, put.text).toBe(200);
      const del = await call('DELETE', `/v1/conversations/${x.cid}`, { token: as('bob') });
      expect(del.status, del.text).toBe(204);
    });
    expectNotFound(await call('GET', `/v1/conversations/${x.cid}`));
  });

  it('AUTHORIZATION=acl still narrows a user token by its acl.paths', async () => {
    await withMode('acl', async () => {
      const narrow = await userToken('eve', { aclPaths: { '/*/users/**': {} } });
      expectForbidden(await call('GET', `/v1/conversations/${r.cid}`, { token: narrow }));
    });
  });

  it('membership mode also honours acl.paths: a member outside them gets 403', async () => {
    const narrow = await userToken('bob', { aclPaths: { '/*/users/**': {} } });
    expectForbidden(await call('GET', `/v1/conversations/${r.cid}`, { token: narrow }));
  });
});

describe('what a process remembers of a member', () => {
  it('is forgotten when the member leaves: a member who posted and then left is refused at once', async () => {
    // Prepare: two users, a conversation; mia joins and posts (the process now remembers her member).
    const suffix = Math.random().toString(36).slice(2, 8);
    await call('POST', '/v1/users', { body: { name: `mia-${suffix}` } });
    const token = await userToken(`mia-${suffix}`);
    const cid = (await call('POST', '/v1/conversations', { body: {} })).body.id;
    const joined = await call('POST', `/v1/conversations/${cid}/members`, {
      body: { state: 'joined', user: { name: `mia-${suffix}` }, channel: { type: 'app' } },
    });
    const text = { type: 'message', body: { message_type: 'text', text: 'hi' } };
    expect((await call('POST', `/v1/conversations/${cid}/events`, { token, body: text })).status).toBe(201);
    expect((await call('GET', `/v1/conversations/${cid}`, { token })).status).toBe(200);
    // Act: she leaves.
    const left = await call('PATCH', `/v1/conversations/${cid}/members/${joined.body.id}`, {
      token,
      body: { state: 'left' },
    });
    // Assess
    expect(left.status).toBe(200);
    const after = await call('GET', `/v1/conversations/${cid}`, { token });
    expect(after.status).toBe(404);
    expect(after.body.code).toBe('conversation:error:not-found');
    expect((await call('GET', `/v1/conversations/${cid}/events`, { token })).status).toBe(404);
  });

  it('is trusted for reads for a few seconds at most: a member removed by another process is refused after that', async () => {
    // Prepare: noa joins and posts here; then another process makes her LEFT (both of her items, no event).
    const suffix = Math.random().toString(36).slice(2, 8);
    const user = await call('POST', '/v1/users', { body: { name: `noa-${suffix}` } });
    const token = await userToken(`noa-${suffix}`);
    const cid = (await call('POST', '/v1/conversations', { body: {} })).body.id;
    const joined = await call('POST', `/v1/conversations/${cid}/members`, {
      body: { state: 'joined', user: { id: user.body.id }, channel: { type: 'app' } },
    });
    const text = { type: 'message', body: { message_type: 'text', text: 'hi' } };
    expect((await call('POST', `/v1/conversations/${cid}/events`, { token, body: text })).status).toBe(201);
    await markLeft(cid, joined.body.id, user.body.id);
    // Act: a read inside the window takes what this process confirmed; one past it reads her member again.
    const inside = await call('GET', `/v1/conversations/${cid}`, { token });
    const now = Date.now();
    const later = vi.spyOn(Date, 'now').mockReturnValue(now + READ_MEMBERSHIP_MAX_AGE_MS + 1000);
    let read: ApiResponse;
    try {
      read = await call('GET', `/v1/conversations/${cid}`, { token });
    } finally {
      later.mockRestore();
    }
    // A write never takes it: the post's own transaction finds her LEFT.
    const post = await call('POST', `/v1/conversations/${cid}/events`, { token, body: text });
    // Assess
    expect(inside.status).toBe(200);
    expect(read.status).toBe(404);
    expect(post.status).toBe(404);
    expect(read.body.code).toBe('conversation:error:not-found');
  });
});
