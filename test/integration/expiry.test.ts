import { describe, expect, it } from 'vitest';
import { call } from '../support/api.ts';
import { expire } from '../support/table.ts';

describe('conversation expiry', () => {
  it('treats a conversation past its TTL as gone before DynamoDB deletes it', async () => {
    const expired = await call('POST', '/v1/conversations', { body: { display_name: 'old call' } });
    const alive = await call('POST', '/v1/conversations', { body: { display_name: 'still here' } });
    await expire(expired.body.id, -5);
    await expire(alive.body.id, 3600);

    const gone = await call('GET', `/v1/conversations/${expired.body.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('conversation:error:not-found');
    const events = await call('GET', `/v1/conversations/${expired.body.id}/events`);
    expect(events.status).toBe(404);
    expect((await call('GET', `/v1/conversations/${alive.body.id}`)).status).toBe(200);

    const list = await call('GET', '/v1/conversations?page_size=100');
    const ids = list.body._embedded.conversations.map((c: { id: string }) => c.id);
    expect(ids).toContain(alive.body.id);
    expect(ids).not.toContain(expired.body.id);
  });
});
