/**
 * Query values and ids that no stored item can match: a 400 naming the field, or the 404 of what the id
 * would name, in the Vonage error shape, and nothing written. Never a 500.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiResponse, call } from '../support/api.ts';
import { conversationCount, routeNumber, twilioPost, userCount, vonagePost } from '../support/voice.ts';

const LONG = 'x'.repeat(2100);
const LONG_UNICODE = '💬'.repeat(1100);

const expectError = (res: ApiResponse, status: number, code: string) => {
  expect(res.status, res.text).toBe(status);
  expect(res.body.code, res.text).toBe(code);
  expect(Object.keys(res.body).sort()).toEqual(
    expect.arrayContaining(['code', 'detail', 'instance', 'title', 'type']),
  );
};

let cid: string;
beforeAll(async () => {
  cid = (await call('POST', '/v1/conversations', { body: {} })).body.id;
  await call('POST', `/v1/conversations/${cid}/events`, { body: { type: 'custom:x', body: {} } });
});

describe('event id ranges', () => {
  it('refuses end_id below start_id with a 400 naming end_id', async () => {
    const res = await call('GET', `/v1/conversations/${cid}/events?start_id=10&end_id=5`);
    expectError(res, 400, 'http:error:validation-fail');
    expect(res.body.invalid_parameters.map((p: { name: string }) => p.name)).toEqual(['end_id']);
  });

  it('accepts end_id equal to start_id', async () => {
    const res = await call('GET', `/v1/conversations/${cid}/events?start_id=1&end_id=1`);
    expect(res.status, res.text).toBe(200);
    expect(res.body._embedded.map((e: { id: number }) => e.id)).toEqual([1]);
  });

  it('refuses start_id or end_id above the largest event id Parley stores', async () => {
    for (const q of [
      'start_id=99999999999',
      'end_id=99999999999',
      'start_id=1e300',
      'end_id=9007199254740993',
    ]) {
      const res = await call('GET', `/v1/conversations/${cid}/events?${q}`);
      expectError(res, 400, 'http:error:validation-fail');
    }
    const max = await call('GET', `/v1/conversations/${cid}/events?start_id=9999999999`);
    expect(max.status, max.text).toBe(200);
    expect(max.body._embedded).toEqual([]);
  });
});

describe('path ids longer than any id', () => {
  const cases: [string, string, string, unknown?][] = [
    ['GET', `/v1/conversations/${LONG}`, 'conversation:error:not-found'],
    ['PUT', `/v1/conversations/${LONG}`, 'conversation:error:not-found', { display_name: 'x' }],
    ['DELETE', `/v1/conversations/${LONG_UNICODE}`, 'conversation:error:not-found'],
    ['GET', `/v1/conversations/${LONG}/members`, 'conversation:error:not-found'],
    [
      'POST',
      `/v1/conversations/${LONG}/events`,
      'conversation:error:not-found',
      { type: 'custom:x', body: {} },
    ],
    ['GET', `/v1/conversations/${LONG}/legs`, 'conversation:error:not-found'],
    ['GET', `/v1/users/${LONG}`, 'user:error:not-found'],
    ['PATCH', `/v1/users/${LONG_UNICODE}`, 'user:error:not-found', { display_name: 'x' }],
    ['GET', `/v1/users/${LONG}/conversations`, 'user:error:not-found'],
    ['GET', `/v1/legs/${LONG}`, 'leg:error:not-found'],
    ['GET', `/v1/numbers/${'4'.repeat(2100)}`, 'number:error:not-found'],
    ['PUT', `/v1/numbers/${'4'.repeat(2100)}`, 'number:error:not-found', { forward_to: '447700000001' }],
    ['GET', `/beta/conversations/${LONG}`, 'conversation:error:not-found'],
    ['GET', `/v0.1/conversations/${LONG}`, 'conversation:error:not-found'],
  ];
  for (const [method, path, code, body] of cases)
    it(`${method} ${path.replace(/x{20,}|💬{10,}|4{20,}/u, '…')} is a 404 ${code}`, async () => {
      const before = [await conversationCount(), await userCount()];
      expectError(await call(method, path, { body }), 404, code);
      expect([await conversationCount(), await userCount()]).toEqual(before);
    });

  it('a member or event id longer than any id is a 404 of the member or the event', async () => {
    expectError(
      await call('GET', `/v1/conversations/${cid}/members/${LONG}`),
      404,
      'conversation:error:member-not-found',
    );
    expectError(
      await call('PATCH', `/v1/conversations/${cid}/members/${LONG}`, { body: { state: 'left' } }),
      404,
      'conversation:error:member-not-found',
    );
    expectError(await call('GET', `/v1/conversations/${cid}/events/${LONG}`), 404, 'event:error:not-found');
    expectError(
      await call('DELETE', `/v1/conversations/${cid}/events/${LONG}`),
      404,
      'event:error:not-found',
    );
    const events = await call('GET', `/v1/conversations/${cid}/events`);
    expect(events.body._embedded.map((e: { id: number }) => e.id)).toEqual([1]);
  });
});

describe('voice call ids longer than any id', () => {
  const NUMBER = '+447700000901';
  beforeAll(async () => {
    await routeNumber(NUMBER, '447700000902');
  });

  it('a Twilio answer or status with an overlong CallSid is a 400 naming it, and stores nothing', async () => {
    const before = await conversationCount();
    for (const path of ['/voice/twilio/answer', '/voice/twilio/status']) {
      const res = await twilioPost(path, {
        CallSid: LONG,
        CallStatus: 'ringing',
        From: '+447700000903',
        To: NUMBER,
      });
      expectError(res, 400, 'http:error:validation-fail');
      expect(res.body.invalid_parameters.map((p: { name: string }) => p.name)).toEqual(['CallSid']);
    }
    expect(await conversationCount()).toBe(before);
  });

  it('a Vonage answer or event with an overlong uuid is a 400 naming it, and stores nothing', async () => {
    const before = await conversationCount();
    for (const path of ['/voice/vonage/answer', '/voice/vonage/event']) {
      const res = await vonagePost(path, {
        uuid: LONG,
        status: 'started',
        from: '447700000903',
        to: NUMBER.slice(1),
      });
      expectError(res, 400, 'http:error:validation-fail');
      expect(res.body.invalid_parameters.map((p: { name: string }) => p.name)).toEqual(['uuid']);
    }
    expect(await conversationCount()).toBe(before);
  });
});
