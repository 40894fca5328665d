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
  twilioAccount,
  twilioClient,
  twilioFailure,
} from '../support/twilio.ts';

let server: TestServer;
let client: ReturnType<typeof twilioClient>;

beforeAll(async () => {
  ({ server, client } = await startTwilioServer());
});
afterAll(() => server.close());

describe('Twilio Conversations: conversations', () => {
  it('creates a conversation with attributes and a unique name, and fetches it by SID and by unique name', async () => {
    // Prepare
    const unique = `support-${randomUUID()}`;
    // Act
    const created = await client.conversations.v1.conversations.create({
      friendlyName: 'Support chat',
      uniqueName: unique,
      attributes: JSON.stringify({ topic: 'billing', priority: 2 }),
      'timers.inactive': 'PT1H',
      'timers.closed': 'P1D',
    });
    const bySid = await client.conversations.v1.conversations(created.sid).fetch();
    const byName = await client.conversations.v1.conversations(unique).fetch();
    // Assess
    expect(created.sid).toMatch(/^CH[0-9a-f]{32}$/);
    expect(created.accountSid).toBe(twilioAccount.accountSid);
    expect(created.friendlyName).toBe('Support chat');
    expect(created.uniqueName).toBe(unique);
    expect(JSON.parse(created.attributes)).toEqual({ topic: 'billing', priority: 2 });
    expect(created.state).toBe('active');
    expect(created.url).toBe(`${server.baseUrl}/twilio/v1/Conversations/${created.sid}`);
    const start = created.dateCreated.getTime();
    expect((created.timers as { date_closed: string }).date_closed).toBe(
      new Date(start + 86_400_000).toISOString().replace('.000Z', 'Z'),
    );
    expect(bySid.sid).toBe(created.sid);
    expect(byName.sid).toBe(created.sid);
    expect(byName.friendlyName).toBe('Support chat');
  });

  it('shows the same conversation through /v1 in the Vonage shape', async () => {
    // Prepare
    const unique = `shared-${randomUUID()}`;
    const created = await client.conversations.v1.conversations.create({
      friendlyName: 'Seen from both sides',
      uniqueName: unique,
      attributes: '{"plan":"gold"}',
    });
    // Act
    const vonage = await call('GET', `/v1/conversations/${parleyIdOf('CON', created.sid)}`);
    // Assess
    expect(vonage.status).toBe(200);
    expect(vonage.body.id).toBe(parleyIdOf('CON', created.sid));
    expect(vonage.body.name).toBe(unique);
    expect(vonage.body.display_name).toBe('Seen from both sides');
    expect(vonage.body.properties.custom_data).toEqual({ plan: 'gold' });
  });

  it('shows a conversation made through /v1 under its CH SID, without a unique name when Parley named it', async () => {
    // Prepare
    const made = await call('POST', '/v1/conversations', {
      body: { display_name: 'Made by Vonage', properties: { custom_data: { a: 1 } } },
    });
    const sid = `CH${made.body.id.slice(4).replace(/-/g, '')}`;
    // Act
    const fetched = await client.conversations.v1.conversations(sid).fetch();
    // Assess
    expect(fetched.friendlyName).toBe('Made by Vonage');
    expect(fetched.uniqueName).toBeNull();
    expect(JSON.parse(fetched.attributes)).toEqual({ a: 1 });
  });

  it('updates the friendly name and attributes, by unique name', async () => {
    // Prepare
    const unique = `upd-${randomUUID()}`;
    const created = await client.conversations.v1.conversations.create({ uniqueName: unique });
    // Act
    const updated = await client.conversations.v1
      .conversations(unique)
      .update({ friendlyName: 'Renamed', attributes: '{"step":2}' });
    const again = await client.conversations.v1.conversations(created.sid).fetch();
    // Assess
    expect(updated.sid).toBe(created.sid);
    expect(again.friendlyName).toBe('Renamed');
    expect(JSON.parse(again.attributes)).toEqual({ step: 2 });
    expect(again.uniqueName).toBe(unique);
  });

  it('deletes a conversation; it is then 20404, and its unique name is free again', async () => {
    // Prepare
    const unique = `del-${randomUUID()}`;
    const created = await client.conversations.v1.conversations.create({ uniqueName: unique });
    // Act
    const removed = await client.conversations.v1.conversations(created.sid).remove();
    const gone = await twilioFailure(client.conversations.v1.conversations(created.sid).fetch());
    const reused = await client.conversations.v1.conversations.create({ uniqueName: unique });
    // Assess
    expect(removed).toBe(true);
    expect(gone).toMatchObject({ code: 20404, status: 404 });
    expect(gone.moreInfo).toBe('https://www.twilio.com/docs/errors/20404');
    expect(reused.sid).not.toBe(created.sid);
  });

  it('pages the list with nextPage(), every conversation once', async () => {
    // Prepare
    const day = new Date().toISOString().slice(0, 10);
    const made = new Set<string>();
    for (let i = 0; i < 5; i++)
      made.add((await client.conversations.v1.conversations.create({ friendlyName: `p${i}` })).sid);
    // Act
    const walked = await allPages(
      await client.conversations.v1.conversations.page({ pageSize: 2, startDate: day }),
    );
    const seen = walked.flat().map((c) => c.sid);
    const pages = walked.length;
    const listed = await client.conversations.v1.conversations.list({ pageSize: 3 });
    // Assess
    expect(new Set(seen).size).toBe(seen.length);
    for (const sid of made) expect(seen).toContain(sid);
    expect(pages).toBeGreaterThanOrEqual(3);
    for (const sid of made) expect(listed.map((c) => c.sid)).toContain(sid);
  });

  it('refuses a taken unique name with 50353, a SID-shaped one with 50390, and writes nothing', async () => {
    // Prepare
    const unique = `dup-${randomUUID()}`;
    await client.conversations.v1.conversations.create({ uniqueName: unique });
    // Act
    const taken = await twilioFailure(client.conversations.v1.conversations.create({ uniqueName: unique }));
    const sidLike = await twilioFailure(
      client.conversations.v1.conversations.create({ uniqueName: `CH${'a'.repeat(32)}` }),
    );
    // Assess
    expect(taken).toMatchObject({ code: 50353, status: 409 });
    expect(sidLike).toMatchObject({ code: 50390, status: 400 });
    expect(
      await twilioFailure(client.conversations.v1.conversations(`CH${'a'.repeat(32)}`).fetch()),
    ).toMatchObject({
      code: 20404,
    });
  });

  it('refuses bad attributes and a bad timer with 400 naming the parameter', async () => {
    // Act
    const attributes = await twilioFailure(
      client.conversations.v1.conversations.create({ attributes: 'not json' }),
    );
    const timer = await twilioFailure(
      client.conversations.v1.conversations.create({ 'timers.closed': 'PT1M' }),
    );
    const state = await twilioFailure(client.conversations.v1.conversations.create({ state: 'closed' }));
    // Assess
    expect(attributes).toMatchObject({ code: 20001, status: 400 });
    expect(attributes.message).toContain('Attributes');
    expect(timer.status).toBe(400);
    expect(timer.message).toContain('10 minutes');
    expect(state.status).toBe(400);
  });

  it('refuses a bad PageToken with 21481', async () => {
    // Act
    const bad = await twilioFailure(
      client.conversations.v1.conversations.page({ pageSize: 2, pageToken: 'forged.token' } as never),
    );
    // Assess
    expect(bad).toMatchObject({ code: 21481, status: 400 });
  });
});

describe('Twilio Conversations: auth', () => {
  it('accepts the API key and secret', async () => {
    // Prepare
    const keyed = twilioClient(server.baseUrl, {
      username: twilioAccount.apiKeySid,
      password: twilioAccount.apiKeySecret,
    });
    // Act
    const created = await keyed.conversations.v1.conversations.create({ friendlyName: 'keyed' });
    // Assess
    expect(created.friendlyName).toBe('keyed');
  });

  it('answers a wrong token, no credentials and a JWT with 401 code 20003', async () => {
    // Prepare
    const wrong = twilioClient(server.baseUrl, { password: 'not-the-token' });
    // Act
    const refused = await twilioFailure(wrong.conversations.v1.conversations.create({ friendlyName: 'x' }));
    const bare = await fetch(`${server.baseUrl}/twilio/v1/Conversations`);
    const bearer = await fetch(`${server.baseUrl}/twilio/v1/Conversations`, {
      headers: { authorization: 'Bearer abc' },
    });
    // Assess
    expect(refused).toMatchObject({ code: 20003, status: 401 });
    expect(bare.status).toBe(401);
    expect(await bare.json()).toEqual({
      code: 20003,
      message: 'Authenticate',
      more_info: 'https://www.twilio.com/docs/errors/20003',
      status: 401,
    });
    expect(bearer.status).toBe(401);
  });

  it('answers an unknown route 20404 and a JSON body 415, in Twilio shape', async () => {
    // Prepare
    const auth = basicAuth();
    // Act
    const unknown = await fetch(`${server.baseUrl}/twilio/v1/Nothing`, { headers: { authorization: auth } });
    const asJson = await fetch(`${server.baseUrl}/twilio/v1/Conversations`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: '{"FriendlyName":"x"}',
    });
    const unknownParam = await fetch(`${server.baseUrl}/twilio/v1/Conversations`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'FriendlyName=x&Color=blue',
    });
    // Assess
    expect(unknown.status).toBe(404);
    expect((await jsonOf(unknown)).code).toBe(20404);
    expect(asJson.status).toBe(415);
    expect(unknownParam.status).toBe(400);
    expect((await jsonOf(unknownParam)).message).toContain('Color');
  });
});
