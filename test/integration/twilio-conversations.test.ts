import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.ts';
import { twilioClient, useTwilioAccount } from '../support/twilio.ts';

let server: TestServer;
let client: ReturnType<typeof twilioClient>;

beforeAll(async () => {
  server = await startTestServer();
  useTwilioAccount(server.baseUrl);
  client = twilioClient(server.baseUrl);
});
afterAll(() => server.close());

describe('Twilio Conversations: conversations', () => {
  it('creates a conversation with attributes and a unique name, and fetches it by SID and by unique name', async () => {
    // Prepare
    const unique = `support-${Date.now()}`;
    // Act
    const created = await client.conversations.v1.conversations.create({
      friendlyName: 'Support chat',
      uniqueName: unique,
      attributes: JSON.stringify({ topic: 'billing', priority: 2 }),
    });
    const bySid = await client.conversations.v1.conversations(created.sid).fetch();
    const byName = await client.conversations.v1.conversations(unique).fetch();
    // Assess
    expect(created.sid).toMatch(/^CH[0-9a-f]{32}$/);
    expect(created.friendlyName).toBe('Support chat');
    expect(created.uniqueName).toBe(unique);
    expect(JSON.parse(created.attributes)).toEqual({ topic: 'billing', priority: 2 });
    expect(created.state).toBe('active');
    expect(bySid.sid).toBe(created.sid);
    expect(byName.sid).toBe(created.sid);
  });
});
