import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../support/api.ts';
import type { TestServer } from '../support/server.ts';
import {
  allPages,
  basicAuth,
  jsonOf,
  parleyIdOf,
  startTwilioServer,
  type twilioClient,
  twilioFailure,
} from '../support/twilio.ts';

let server: TestServer;
let client: ReturnType<typeof twilioClient>;

beforeAll(async () => {
  ({ server, client } = await startTwilioServer());
});
afterAll(() => server.close());

/** A conversation with one chat participant, and the participant's identity. */
const withParticipant = async () => {
  const c = await client.conversations.v1.conversations.create({ friendlyName: 'messages' });
  const identity = `alice-${randomUUID()}`;
  const participant = await client.conversations.v1.conversations(c.sid).participants.create({ identity });
  return { c, identity, participant, messages: client.conversations.v1.conversations(c.sid).messages };
};

describe('Twilio Conversations: messages', () => {
  it('sends a message as a participant, with attributes; index is the Parley event id', async () => {
    // Prepare
    const { c, identity, participant, messages } = await withParticipant();
    // Act
    const sent = await messages.create({ author: identity, body: 'Hello', attributes: '{"urgent":true}' });
    const fetched = await messages(sent.sid).fetch();
    const events = await call('GET', `/v1/conversations/${parleyIdOf('CON', c.sid)}/events?page_size=100`);
    // Assess
    expect(sent.sid).toMatch(/^IM[0-9a-f]{32}$/);
    expect(sent.author).toBe(identity);
    expect(sent.body).toBe('Hello');
    expect(JSON.parse(sent.attributes)).toEqual({ urgent: true });
    expect(sent.participantSid).toBe(participant.sid);
    expect(fetched.index).toBe(sent.index);
    const message = events.body._embedded.find((e: { type: string }) => e.type === 'message');
    expect(message.id).toBe(sent.index);
    expect(message.body).toMatchObject({ message_type: 'text', text: 'Hello' });
    expect(message._embedded.from_user.name).toBe(identity);
  });

  it('lists a message posted through /v1 (Vonage), with its sender as author', async () => {
    // Prepare
    const { c, identity, participant, messages } = await withParticipant();
    const memberId = parleyIdOf('MEM', participant.sid);
    // Act
    const posted = await call('POST', `/v1/conversations/${parleyIdOf('CON', c.sid)}/events`, {
      body: { type: 'message', from: memberId, body: { message_type: 'text', text: 'from Vonage' } },
    });
    const listed = await messages.list();
    // Assess
    expect(posted.status).toBe(201);
    expect(listed.map((m) => [m.index, m.author, m.body])).toEqual([
      [posted.body.id, identity, 'from Vonage'],
    ]);
  });

  it('keeps an author who is not a participant, as a message of the system', async () => {
    // Prepare
    const { messages } = await withParticipant();
    // Act
    const sent = await messages.create({ author: 'a bot', body: 'beep' });
    const plain = await messages.create({ body: 'no author' });
    // Assess
    expect(sent.author).toBe('a bot');
    expect(sent.participantSid).toBeNull();
    expect(plain.author).toBe('system');
  });

  it('edits a message in place and deletes it', async () => {
    // Prepare
    const { identity, messages } = await withParticipant();
    const sent = await messages.create({ author: identity, body: 'typo' });
    // Act
    const edited = await messages(sent.sid).update({ body: 'fixed', attributes: '{"edited":true}' });
    const fetched = await messages(sent.sid).fetch();
    const removed = await messages(sent.sid).remove();
    const gone = await twilioFailure(messages(sent.sid).fetch());
    const listed = await messages.list();
    // Assess
    expect(edited.body).toBe('fixed');
    expect(edited.index).toBe(sent.index);
    expect(fetched.body).toBe('fixed');
    expect(JSON.parse(fetched.attributes)).toEqual({ edited: true });
    expect(removed).toBe(true);
    expect(gone).toMatchObject({ code: 20404, status: 404 });
    expect(listed).toEqual([]);
  });

  it('pages messages both ways across several pages with nextPage()', async () => {
    // Prepare
    const { identity, messages } = await withParticipant();
    const indexes: number[] = [];
    for (let i = 1; i <= 7; i++)
      indexes.push((await messages.create({ author: identity, body: `m${i}` })).index);
    const walk = async (order: 'asc' | 'desc') => {
      const pages = await allPages(await messages.page({ pageSize: 3, order }));
      return { seen: pages.flat().map((m) => m.body), pages: pages.length };
    };
    // Act
    const forward = await walk('asc');
    const backward = await walk('desc');
    const all = await messages.list({ order: 'desc', limit: 5 });
    // Assess
    expect(forward).toEqual({ seen: ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7'], pages: 3 });
    expect(backward).toEqual({ seen: ['m7', 'm6', 'm5', 'm4', 'm3', 'm2', 'm1'], pages: 3 });
    expect(all.map((m) => m.body)).toEqual(['m7', 'm6', 'm5', 'm4', 'm3']);
    expect([...indexes].sort((a, b) => a - b)).toEqual(indexes);
  });

  it('pages back from an anchor in one request (Anchor, a Parley extension)', async () => {
    // Prepare
    const { c, identity, messages } = await withParticipant();
    const sent = [];
    for (let i = 1; i <= 5; i++) sent.push(await messages.create({ author: identity, body: `m${i}` }));
    const anchor = sent[3].index;
    const auth = basicAuth();
    // Act
    const back = await fetch(
      `${server.baseUrl}/twilio/v1/Conversations/${c.sid}/Messages?Anchor=${anchor}&Order=desc&PageSize=2`,
      { headers: { authorization: auth } },
    );
    const body = await jsonOf(back);
    const next = await fetch(body.meta.next_page_url, { headers: { authorization: auth } });
    const forward = await fetch(
      `${server.baseUrl}/twilio/v1/Conversations/${c.sid}/Messages?Anchor=${anchor}&Order=asc`,
      { headers: { authorization: auth } },
    );
    // Assess
    expect(body.messages.map((m: { body: string }) => m.body)).toEqual(['m4', 'm3']);
    expect(body.meta.next_page_url).toContain(`Anchor=${anchor}`);
    expect(body.meta.key).toBe('messages');
    expect((await jsonOf(next)).messages.map((m: { body: string }) => m.body)).toEqual(['m2', 'm1']);
    expect((await jsonOf(forward)).messages.map((m: { body: string }) => m.body)).toEqual(['m4', 'm5']);
  });

  it('refuses a message without a body, and answers an unknown message SID 20404', async () => {
    // Prepare
    const { c, messages } = await withParticipant();
    const other = await client.conversations.v1.conversations.create({});
    const elsewhere = await client.conversations.v1.conversations(other.sid).messages.create({ body: 'x' });
    // Act
    const empty = await twilioFailure(messages.create({ author: 'x' }));
    const foreign = await twilioFailure(messages(elsewhere.sid).fetch());
    const malformed = await twilioFailure(messages('IMnope').fetch());
    // Assess
    expect(empty).toMatchObject({ code: 20001, status: 400 });
    expect(foreign).toMatchObject({ code: 20404 });
    expect(malformed).toMatchObject({ code: 20404 });
    expect(c.sid).not.toBe(other.sid);
  });
});
