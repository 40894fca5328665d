/**
 * A conversation deleted while posts arrive: the delete wins or loses cleanly. It answers 204 (or 404 once
 * another delete won); each post either committed before it (201) or finds the conversation gone (404
 * `conversation:error:not-found`), never `event:error:not-joined` and never a 500; and nothing of the
 * conversation is left behind.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { db, tableName } from '../../functions/store/client.ts';
import { conversationPartition } from '../../functions/store/keys.ts';
import { call } from '../support/api.ts';
import { userToken } from '../support/tokens.ts';

const text = (t: string) => ({ type: 'message', body: { message_type: 'text', text: t } });
let n = 0;

/** A conversation with `count` JOINED users, each with its member id and token. */
const room = async (count: number) => {
  n++;
  const cid = (await call('POST', '/v1/conversations', { body: {} })).body.id as string;
  const people = [];
  for (let i = 0; i < count; i++) {
    const name = `dr-${n}-${i}-${Date.now()}`;
    const user = (await call('POST', '/v1/users', { body: { name } })).body.id as string;
    const member = await call('POST', `/v1/conversations/${cid}/members`, {
      body: { state: 'joined', user: { id: user }, channel: { type: 'app' } },
    });
    people.push({ member: member.body.id as string, token: await userToken(name) });
  }
  return { cid, people };
};

describe('DELETE racing posts', () => {
  it('30 posts and a delete, 8 times: 201 or 404 for each post, 204 for the delete, nothing left', async () => {
    for (let run = 0; run < 8; run++) {
      // Prepare: warm the process's caches (head, caller) so posts commit without reading first.
      const { cid, people } = await room(3);
      for (const p of people)
        await call('POST', `/v1/conversations/${cid}/events`, { body: text('hi'), token: p.token });
      // Act
      const posts = Array.from({ length: 30 }, async (_, i) => {
        const p = people[i % people.length];
        await new Promise((r) => setTimeout(r, i));
        return i % 2 === 0
          ? call('POST', `/v1/conversations/${cid}/events`, { body: text(`u${i}`), token: p.token })
          : call('POST', `/v1/conversations/${cid}/events`, { body: { ...text(`a${i}`), from: p.member } });
      });
      const del = new Promise((r) => setTimeout(r, 5 + run * 2)).then(() =>
        call('DELETE', `/v1/conversations/${cid}`),
      );
      const [deleted, ...answers] = await Promise.all([del, ...posts]);
      // Assess
      expect(deleted.status, deleted.text).toBe(204);
      for (const a of answers) {
        expect([201, 404], a.text).toContain(a.status);
        if (a.status === 404) expect(a.body.code).toBe('conversation:error:not-found');
      }
      expect((await call('GET', `/v1/conversations/${cid}`)).status).toBe(404);
      const later = await call('POST', `/v1/conversations/${cid}/events`, {
        body: text('late'),
        token: people[0].token,
      });
      expect(later.status).toBe(404);
      const left = await db().send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': conversationPartition(cid) },
          ConsistentRead: true,
        }),
      );
      expect(left.Items ?? []).toEqual([]);
    }
  }, 120_000);
});
