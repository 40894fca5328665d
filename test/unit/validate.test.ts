import * as v from 'valibot';
import { nullable, optional } from 'valibot';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../functions/domain/errors.ts';
import {
  anyObject,
  array,
  boolean,
  check,
  integer,
  isoDateTime,
  literal,
  object,
  oneOfBy,
  picklist,
  string,
  toIsoInstant,
} from '../../functions/http/validate.ts';

/** The invalid_parameters of a failed check (and that it failed the Vonage way). */
const issuesOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    const e = error as DomainError;
    expect(e.code).toBe('http:error:validation-fail');
    return e.invalidParameters;
  }
  throw new Error('expected a validation error');
};

describe('Function: string', () => {
  it('returns a valid string', () => {
    expect(check(string(), 'x')).toBe('x');
  });

  it.each([
    [string(), 5, '"v" must be a string'],
    [string(), '', '"v" is not allowed to be empty'],
    [string({ min: 3 }), 'ab', '"v" length must be at least 3 characters long'],
    [string({ max: 2 }), 'abc', '"v" length must be less than or equal to 2 characters long'],
    [string({ uri: true }), 'nope', '"v" must be a valid uri'],
    [picklist(['a', 'b']), 'c', '"v" must be one of [a, b]'],
    [string({ pattern: /^\d+$/ }), 'x1', '"v" has an invalid format'],
  ])('refuses with a Joi-like reason (%#)', (schema, value, reason) => {
    expect(issuesOf(() => check(object({ v: schema }), { v: value }))).toEqual([{ name: 'v', reason }]);
  });

  it('allows an empty string when told to', () => {
    expect(check(string({ allowEmpty: true }), '')).toBe('');
  });

  it('matches values ignoring case and returns the canonical spelling', () => {
    expect(check(picklist(['asc', 'desc'], { caseInsensitive: true }), 'DESC')).toBe('desc');
  });

  it('names a field once, by the first rule it breaks', () => {
    expect(issuesOf(() => check(object({ v: string({ max: 3, uri: true }) }), { v: 'not a uri' }))).toEqual([
      { name: 'v', reason: '"v" length must be less than or equal to 3 characters long' },
    ]);
  });
});

describe('Function: integer', () => {
  it('coerces numeric query strings only when told to', () => {
    expect(check(integer({ coerce: true }), '42')).toBe(42);
    expect(issuesOf(() => check(integer(), '42'))).toEqual([
      { name: 'body', reason: '"value" must be a number' },
    ]);
    expect(issuesOf(() => check(integer({ coerce: true }), ' '))).toHaveLength(1);
  });

  it('refuses fractions, bounds, NaN and Infinity', () => {
    const s = object({ n: integer({ min: 1, max: 10 }) });
    expect(issuesOf(() => check(s, { n: 1.5 }))?.[0].reason).toBe('"n" must be an integer');
    expect(issuesOf(() => check(s, { n: 0 }))?.[0].reason).toBe('"n" must be greater than or equal to 1');
    expect(issuesOf(() => check(s, { n: 11 }))?.[0].reason).toBe('"n" must be less than or equal to 10');
    expect(issuesOf(() => check(integer({ coerce: true }), 'Infinity'))).toHaveLength(1);
    expect(issuesOf(() => check(integer({ coerce: true }), 'NaN'))).toHaveLength(1);
  });
});

describe('Function: object', () => {
  const schema = object({
    name: string(),
    nick: optional(string()),
    inner: optional(object({ flag: boolean() })),
    tags: optional(array(string(), { max: 2 })),
  });

  it('returns the known fields and leaves out absent optional ones', () => {
    expect(check(schema, { name: 'a', inner: { flag: true } })).toEqual({ name: 'a', inner: { flag: true } });
  });

  it('reports every problem at once, with dotted and indexed names', () => {
    const issues = issuesOf(() =>
      check(schema, { nick: 1, inner: { flag: 'yes', extra: 1 }, tags: ['a', 2], other: true }),
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        { name: 'name', reason: '"name" is required' },
        { name: 'nick', reason: '"nick" must be a string' },
        { name: 'inner.flag', reason: '"flag" must be a boolean' },
        { name: 'inner.extra', reason: '"extra" is not allowed' },
        { name: 'tags[1]', reason: expect.stringContaining('must be a string') },
        { name: 'other', reason: '"other" is not allowed' },
      ]),
    );
    expect(issues).toHaveLength(6);
  });

  it('refuses a value that is not an object', () => {
    for (const value of [null, [], 'x', 3])
      expect(issuesOf(() => check(schema, value))).toEqual([
        { name: 'body', reason: '"value" must be of type object' },
      ]);
  });

  it('names every unknown field, the names of Object.prototype members included', () => {
    const input = JSON.parse('{"name":"a","constructor":1,"__proto__":2,"toString":3,"hasOwnProperty":4}');
    expect(issuesOf(() => check(schema, input))?.map((i) => i.reason)).toEqual([
      '"constructor" is not allowed',
      '"__proto__" is not allowed',
      '"toString" is not allowed',
      '"hasOwnProperty" is not allowed',
    ]);
  });

  it('keeps custom data as it is, Object.prototype names among its keys', () => {
    const data = JSON.parse('{"toString":"t","hasOwnProperty":{"valueOf":1},"isPrototypeOf":null}');
    const out = check(object({ custom_data: anyObject() }), { custom_data: data });
    expect(Object.keys(out.custom_data)).toEqual(['toString', 'hasOwnProperty', 'isPrototypeOf']);
  });

  it('refuses in custom data the keys the DynamoDB SDK cannot marshal as data: __proto__, constructor', () => {
    for (const raw of ['{"__proto__":{"x":1}}', '{"a":[{"constructor":"c"}]}'])
      expect(
        issuesOf(() => check(object({ custom_data: anyObject() }), { custom_data: JSON.parse(raw) })),
      ).toEqual([
        { name: 'custom_data', reason: expect.stringMatching(/^"custom_data" must not have the key/) },
      ]);
  });

  it('refines an object: at least one of two fields', () => {
    const user = v.pipe(
      object({ id: optional(string()), name: optional(string()) }),
      v.check((u) => u.id !== undefined || u.name !== undefined, 'must contain at least one of [id, name]'),
    );
    expect(issuesOf(() => check(object({ user }), { user: {} }))).toEqual([
      { name: 'user', reason: '"user" must contain at least one of [id, name]' },
    ]);
    expect(check(object({ user }), { user: { name: 'x' } })).toEqual({ user: { name: 'x' } });
  });

  it('refuses an array longer than its maximum', () => {
    expect(issuesOf(() => check(schema, { name: 'a', tags: ['a', 'b', 'c'] }))?.[0].name).toBe('tags');
  });
});

describe('Function: nullable / anyObject / oneOfBy', () => {
  it('lets null through a nullable schema', () => {
    expect(check(object({ d: optional(nullable(string())) }), { d: null })).toEqual({ d: null });
  });

  it('limits custom data by size', () => {
    const s = anyObject({ maxBytes: 20 });
    expect(check(s, { a: 1 })).toEqual({ a: 1 });
    expect(issuesOf(() => check(s, { a: 'x'.repeat(30) }))).toHaveLength(1);
  });

  it('picks a variant by its type field', () => {
    const channel = oneOfBy('type', [
      object({ type: literal('app') }),
      object({ type: literal('phone'), number: string() }),
    ]);
    expect(check(channel, { type: 'app' })).toEqual({ type: 'app' });
    expect(issuesOf(() => check(channel, { type: 'phone' }))).toEqual([
      { name: 'number', reason: '"number" is required' },
    ]);
    expect(issuesOf(() => check(channel, { type: 'fax' }))?.[0].reason).toBe(
      '"type" must be one of [app, phone]',
    );
    expect(issuesOf(() => check(channel, {}))).toEqual([{ name: 'type', reason: '"type" is required' }]);
  });
});

describe('Function: isoDateTime', () => {
  it.each([
    ['2018-01-01 10:00:00', '2018-01-01T10:00:00.000Z'],
    ['2018-01-01T10:00:00Z', '2018-01-01T10:00:00.000Z'],
    ['2018-01-01T10:00:00.5Z', '2018-01-01T10:00:00.500Z'],
    ['2018-01-01T10:00', '2018-01-01T10:00:00.000Z'],
    ['2018-01-01', '2018-01-01T00:00:00.000Z'],
    ['2018-01-01T12:00:00+02:00', '2018-01-01T10:00:00.000Z'],
    ['2018-01-01T08:30:00-0130', '2018-01-01T10:00:00.000Z'],
    ['2020-02-29 00:00:00', '2020-02-29T00:00:00.000Z'],
  ])('reads %s as %s', (input, iso) => {
    expect(toIsoInstant(input)).toBe(iso);
    expect(check(isoDateTime(), input)).toBe(iso);
  });

  it.each([
    'yesterday',
    '2018-13-01',
    '2019-02-29',
    '2018-01-01T24:00:00Z',
    '2018-01-01T10:60',
    '2018-01-01T10:00:00+25:00',
    '18-01-01',
  ])('refuses %s', (input) => {
    expect(toIsoInstant(input)).toBeUndefined();
    expect(issuesOf(() => check(object({ date_start: isoDateTime() }), { date_start: input }))).toEqual([
      { name: 'date_start', reason: '"date_start" must be a valid ISO 8601 date' },
    ]);
  });
});
