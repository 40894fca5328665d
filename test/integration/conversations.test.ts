import { describe, expect, it } from 'vitest';
import { call } from '../support/api.ts';

describe('conversations', () => {
  it('creates a conversation with a generated name and reads it back', async () => {
    const created = await call('POST', '/v1/conversations', { body: { display_name: 'Nexmo Chat' } });
    expect(created.status).toBe(201);
    expect(created.body.id).toMatch(/^CON-[0-9a-f-]{36}$/);
    expect(created.body.name).toMatch(/^NAM-[0-9a-f-]{36}$/);
    const read = await call('GET', `/v1/conversations/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
  });
});
