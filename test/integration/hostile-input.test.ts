/**
 * Input that passes for JSON but that DynamoDB or its SDK cannot hold as sent: numbers out of range, objects
 * nested too deep, keys the SDK reads as an object's own machinery, lone surrogates. Each is refused with a
 * 400 naming the field, or stored as sent; and one such post never fails the posts batched with it.
 */
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../functions/domain/errors.ts';
import { appendToTimeline } from '../../functions/store/timeline.ts';
import { call } from '../support/api.ts';

const nest = (depth: number): Record<string, unknown> => {
  let o: Record<string, unknown> = { leaf: 1 };
  for (let i = 1; i < depth; i++) o = { a: o };
  return o;
};
const deepJson = (depth: number) => `${'{"a":'.repeat(depth - 1)}{"leaf":1}${'}'.repeat(depth - 1)}`;

/** Hostile values as JSON text (some cannot be written as a JS literal and survive JSON.stringify). */
const HOSTILE: Record<string, string> = {
  'a number above 2^53': '{"n":9007199254740993000}',
  '1e300': '{"n":1e300}',
  '1e308': '{"n":1e308}',
  '99999999999999999999999': '{"n":99999999999999999999999}',
  'a number below 1e-130': '{"n":1e-200}',
  '41 levels': deepJson(41),
  '17 levels': deepJson(17),
  '10,000 levels': deepJson(10_000),
  'a __proto__ key': '{"__proto__":{"x":1}}',
  'a constructor key': '{"constructor":{"x":1}}',
  'a nested constructor key': '{"list":[{"constructor":"x"}]}',
  'an empty key': '{"":1}',
  'a lone surrogate': '{"s":"q\\ud800"}',
  'a lone surrogate in a key': '{"q\\udc00":1}',
};

const newConversation = async () => (await call('POST', '/v1/conversations', { body: {} })).body.id as string;
const sequenceOf = async (cid: string) =>
  (await call('GET', `/v1/conversations/${cid}`)).body.sequence_number as number;
const send = (method: string, url: string, raw: string) =>
  call(method, url, { raw, headers: { 'content-type': 'application/json' } });
const text = (t: string) => ({ type: 'message', body: { message_type: 'text', text: t } });

describe('free-form objects', () => {
  /** Where each free-form object sits: the request to send with `value` in it, and the field's name. */
  const places = (cid: string, value: string) => [
    ['POST', `/v1/conversations/${cid}/events`, `{"type":"custom:probe","body":${value}}`, 'body'],
    ['POST', `/v1/conversations/${cid}/events`, `{"type":"ephemeral","body":${value}}`, 'body'],
    [
      'POST',
      `/v1/conversations/${cid}/events`,
      `{"type":"message","body":{"message_type":"custom","custom":${value}}}`,
      'body.custom',
    ],
    ['POST', '/v1/conversations', `{"properties":{"custom_data":${value}}}`, 'properties.custom_data'],
    ['PUT', `/v1/conversations/${cid}`, `{"callback":{"params":${value}}}`, 'callback.params'],
    [
      'POST',
      `/v1/conversations/${cid}/members`,
      `{"state":"joined","user":{"name":"nobody"},"channel":{"type":"phone","headers":${value}}}`,
      'channel.headers',
    ],
    ['POST', '/v1/users', `{"properties":{"custom_data":${value}}}`, 'properties.custom_data'],
  ];

  for (const [what, value] of Object.entries(HOSTILE))
    it(`refuses ${what} in every free-form object with a 400 naming the field, and writes nothing`, async () => {
      // Prepare
      const cid = await newConversation();
      const before = await sequenceOf(cid);
      const users = (await call('GET', '/v1/users?page_size=100')).body._embedded.users.length;
      // Act
      const answers = [];
      for (const [method, url, raw, field] of places(cid, value))
        answers.push({ field, res: await send(method, url, raw) });
      // Assess
      for (const { field, res } of answers) {
        expect(res.status, `${field}: ${res.text}`).toBe(400);
        expect(res.body.code).toBe('http:error:validation-fail');
        expect(res.body.invalid_parameters.map((p: { name: string }) => p.name)).toContain(field);
      }
      expect(await sequenceOf(cid)).toBe(before);
      expect((await call('GET', '/v1/users?page_size=100')).body._embedded.users.length).toBe(users);
    });

  it('stores faithfully what DynamoDB can hold: toString and hasOwnProperty keys, 16 levels, 2^53 - 1', async () => {
    // Prepare
    const cid = await newConversation();
    const body = {
      toString: 'x',
      hasOwnProperty: { valueOf: 1 },
      deep: nest(15),
      max: Number.MAX_SAFE_INTEGER,
      tiny: 1e-129,
    };
    // Act
    const posted = await call('POST', `/v1/conversations/${cid}/events`, {
      body: { type: 'custom:probe', body },
    });
    // Assess
    expect(posted.status).toBe(201);
    const read = await call('GET', `/v1/conversations/${cid}/events/${posted.body.id}`);
    expect(read.body.body).toEqual(body);
  });

  it('refuses event types and message types named after Object.prototype with a 400', async () => {
    const cid = await newConversation();
    for (const type of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const a = await call('POST', `/v1/conversations/${cid}/events`, { body: { type, body: {} } });
      expect(a.status).toBe(400);
      expect(a.body.invalid_parameters[0].name).toBe('type');
      const b = await call('POST', `/v1/conversations/${cid}/events`, {
        body: { type: 'message', body: { message_type: type } },
      });
      expect(b.status).toBe(400);
      expect(b.body.invalid_parameters[0].name).toBe('body.message_type');
    }
    expect(await sequenceOf(cid)).toBe(0);
  });
});

describe('typed fields', () => {
  it('refuses integers the store cannot hold and strings that are not well-formed Unicode', async () => {
    const cid = await newConversation();
    const cases: [string, string, string, string][] = [
      ['POST', '/v1/users', '{"name":"q\\ud800"}', 'name'],
      ['POST', '/v1/conversations', '{"name":"c\\udfff"}', 'name'],
      [
        'POST',
        `/v1/conversations/${cid}/events`,
        '{"type":"message","body":{"message_type":"text","text":"q\\ud800"}}',
        'body.text',
      ],
      [
        'POST',
        `/v1/conversations/${cid}/members`,
        '{"state":"joined","user":{"name":"x"},"channel":{"type":"phone","ring_timeout":1e300}}',
        'channel.ring_timeout',
      ],
      [
        'POST',
        `/v1/conversations/${cid}/events`,
        '{"type":"audio:say","body":{"text":"hi","level":1e-200}}',
        'body.level',
      ],
    ];
    for (const [method, url, raw, field] of cases) {
      const res = await send(method, url, raw);
      expect(res.status, res.text).toBe(400);
      expect(res.body.invalid_parameters.map((p: { name: string }) => p.name)).toContain(field);
    }
  });

  it('keeps "q?" and "q\\ud800" apart: the second is refused, not taken for the first', async () => {
    const first = await call('POST', '/v1/users', { body: { name: `q?-${Date.now()}` } });
    expect(first.status).toBe(201);
    const second = await send('POST', '/v1/users', `{"name":"q\\ud800-${Date.now()}"}`);
    expect(second.status).toBe(400);
  });
});

describe('one bad post among many', () => {
  it('40 concurrent posts, one hostile: the hostile one gets its 400, the 39 others are stored', async () => {
    // Prepare
    const cid = await newConversation();
    const hostile = ['{"n":1e300}', '{"constructor":{"a":1}}', deepJson(41)];
    for (const value of hostile) {
      const before = await sequenceOf(cid);
      // Act
      const answers = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          i === 17
            ? send('POST', `/v1/conversations/${cid}/events`, `{"type":"custom:probe","body":${value}}`)
            : call('POST', `/v1/conversations/${cid}/events`, { body: text(`m${i}`) }),
        ),
      );
      // Assess
      expect(answers[17].status).toBe(400);
      const ok = answers.filter((_, i) => i !== 17);
      expect(ok.map((a) => a.status)).toEqual(ok.map(() => 201));
      const ids = ok.map((a) => a.body.id as number).sort((x, y) => x - y);
      expect(ids).toEqual(Array.from({ length: 39 }, (_, i) => before + 1 + i));
      expect(await sequenceOf(cid)).toBe(before + 39);
    }
  });

  it('the timeline writer isolates an append the store refuses: it fails alone, the batch commits', async () => {
    // Prepare: 40 appends queued in one tick share a batch; one carries what validation would have refused.
    const cid = await newConversation();
    const event = (body: Record<string, unknown>) => ({
      type: 'custom:probe',
      body,
      timestamp: new Date().toISOString(),
    });
    // Act
    const settled = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        appendToTimeline(cid, () => ({
          events: [event(i === 5 ? { n: 1e300 } : i === 9 ? nest(40) : { i })],
        })),
      ),
    );
    // Assess
    for (const i of [5, 9]) {
      const bad = settled[i];
      expect(bad.status).toBe('rejected');
      const reason = (bad as PromiseRejectedResult).reason;
      expect(reason).toBeInstanceOf(DomainError);
      expect((reason as DomainError).code).toBe('http:error:validation-fail');
    }
    const good = settled.filter((_, i) => i !== 5 && i !== 9);
    expect(good.every((s) => s.status === 'fulfilled')).toBe(true);
    expect(await sequenceOf(cid)).toBe(38);
    const stored = (await call('GET', `/v1/conversations/${cid}/events?page_size=100`)).body._embedded;
    expect(stored.map((e: { id: number }) => e.id)).toEqual(Array.from({ length: 38 }, (_, i) => i + 1));
  });
});
