import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { db, tableName } from '../../functions/store/client.ts';
import { sweepOpenLegs } from '../../functions/voice/sweeper.ts';
import { call } from '../support/api.ts';
import { eventPathOf, eventsOf, legOf, routeNumber, vonageAnswerGet, vonagePost } from '../support/voice.ts';

const openLegIds = async (): Promise<string[]> => {
  const out = await db().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': 'LEGS#OPEN' },
    }),
  );
  return (out.Items ?? []).map((i) => String(i.id));
};

describe('sweeper', () => {
  it('closes legs that outlived the longest call as timeout, once, and ends the conversation', async () => {
    // Prepare: a call whose legs never hear an end, and one that ended normally
    await routeNumber('447700000201', '447700000203');
    const inbound = randomUUID();
    const res = await vonageAnswerGet({ to: '447700000201', from: '447700000200', uuid: inbound });
    const eventPath = eventPathOf(res.body);
    const conversationId = new URL(eventPath, 'http://x').searchParams.get('conversation_id') as string;
    const callee = randomUUID();
    const status = (status: string) =>
      vonagePost(eventPath, { uuid: callee, from: '447700000201', to: '447700000203', status });
    await status('started');
    await status('answered');
    const ended = randomUUID();
    await vonageAnswerGet({ to: '447700000201', from: '447700000200', uuid: ended });
    await vonagePost('/voice/vonage/event', {
      uuid: ended,
      from: '447700000200',
      to: '447700000201',
      status: 'completed',
    });
    expect(await openLegIds()).toEqual(expect.arrayContaining([inbound, callee]));
    expect(await openLegIds()).not.toContain(ended);

    // Act: a run before the limit closes nothing; one after it closes both open legs
    expect((await sweepOpenLegs(Date.now())).closed).toBe(0);
    const run = await sweepOpenLegs(Date.now() + 7201 * 1000);

    // Assess
    expect(run.closed).toBe(2);
    expect(await openLegIds()).toEqual([]);
    for (const id of [inbound, callee]) {
      const leg = (await legOf(id)).body;
      expect(leg.status).toBe('timeout');
      expect(leg.status_history.at(-1)).toMatchObject({
        status: 'timeout',
        detail: 'max_length',
        applied: true,
      });
    }
    expect((await call('GET', `/v1/conversations/${conversationId}`)).body.state).toBe('INACTIVE');
    const leftEvents = (await eventsOf(conversationId)).filter((e) => e.type === 'member:left');
    expect(leftEvents).toHaveLength(2);
    // A provider's late end after the sweep is only recorded
    await status('completed');
    expect((await legOf(callee)).body.status).toBe('timeout');
    expect((await sweepOpenLegs(Date.now() + 7201 * 1000)).closed).toBe(0);
  });

  it('still closes a leg whose conversation was deleted during the call', async () => {
    await routeNumber('447700000211', '447700000213');
    const inbound = randomUUID();
    const res = await vonageAnswerGet({ to: '447700000211', from: '447700000210', uuid: inbound });
    const conversationId = new URL(eventPathOf(res.body), 'http://x').searchParams.get('conversation_id');
    expect((await call('DELETE', `/v1/conversations/${conversationId}`)).status).toBe(204);
    expect(await openLegIds()).toContain(inbound);
    expect((await sweepOpenLegs(Date.now() + 7201 * 1000)).closed).toBe(1);
    expect(await openLegIds()).not.toContain(inbound);
    expect((await legOf(inbound)).body.status).toBe('timeout');
  });
});
