/**
 * What the fuzz suite sends: requests generated from the OpenAPI document the docs Lambda serves (every
 * route, its path and query parameters, its request body's JSON Schema), mixed with hostile values.
 * Hostile values are tagged with the defect class they probe (free-form objects, ids, cursors, lookups,
 * Unicode), so a counterexample says which class of defect came back.
 */
import fc from 'fast-check';

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema nodes of the served document
type JsonSchema = Record<string, any>;

/** Issue 10's defect classes a hostile value belongs to ('general': none of them, still never a 5xx). */
export type DefectClass = 'general' | 'c2-free-form' | 'c3-ids' | 'c4-cursors' | 'c7-lookups' | 'c9-unicode';

/** A value resolved when the case runs, against the fixtures of that moment (they are rebuilt). */
export interface Ref {
  ref: 'conversation' | 'alice' | 'bob' | 'aliceName' | 'aliceMember' | 'bobMember' | 'number' | 'event';
}

export interface Operation {
  method: string;
  /** `{name}` marks a path parameter. */
  path: string;
  params: { name: string; in: 'path' | 'query'; schema: JsonSchema }[];
  body?: JsonSchema;
}

export type Token = 'admin' | 'alice' | 'bob' | 'none' | 'garbage' | 'expired' | 'acl-methods-string';

export interface FuzzRequest {
  method: string;
  path: string;
  /** Path parameters: literal strings or refs. */
  pathParams: Record<string, string | Ref>;
  query: [string, string | Ref][];
  token: Token;
  contentType?: string;
  idempotencyKey?: string;
  /** The body: a JSON value (refs inside resolved) or a raw text sent as it is. */
  body?: { json: unknown } | { raw: string };
  /** The defect classes of the hostile values in this request. */
  classes: DefectClass[];
}

/** Every operation of an OpenAPI document. */
export const operationsOf = (doc: JsonSchema): Operation[] => {
  const out: Operation[] = [];
  for (const [path, methods] of Object.entries<JsonSchema>(doc.paths))
    for (const [method, op] of Object.entries<JsonSchema>(methods))
      out.push({
        method: method.toUpperCase(),
        path,
        params: op.parameters ?? [],
        body: op.requestBody?.content?.['application/json']?.schema,
      });
  return out;
};

/**
 * Free-form JSON within what DynamoDB holds as it is: safe integers, no deep nesting. (fast-check's own
 * `jsonValue` makes doubles such as 4.8e+271, which are class 2's: they come from the hostile values.)
 */
const freeJson = (maxDepth: number): fc.Arbitrary<unknown> => {
  const leaf = fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean(), fc.constant(null));
  if (maxDepth <= 0) return leaf;
  const inner = freeJson(maxDepth - 1);
  return fc.oneof(
    { weight: 3, arbitrary: leaf },
    { weight: 1, arbitrary: fc.array(inner, { maxLength: 3 }) },
    { weight: 1, arbitrary: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), inner, { maxKeys: 3 }) },
  );
};

// ---- hostile values, by class ----

const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];

const nest = (depth: number): unknown => {
  let v: unknown = { leaf: 1 };
  for (let i = 0; i < depth; i++) v = { n: v };
  return v;
};

const withOwn = (key: string, value: unknown): Record<string, unknown> => {
  const o: Record<string, unknown> = {};
  Object.defineProperty(o, key, { value, enumerable: true, configurable: true, writable: true });
  return o;
};

interface Hostile {
  cls: DefectClass;
  value: fc.Arbitrary<unknown>;
}

/** Values that stress validation and storage wherever a field takes a value. */
const HOSTILE_VALUES: Hostile[] = [
  {
    cls: 'general',
    value: fc.constantFrom(
      '',
      ' ',
      null,
      true,
      0,
      -1,
      1.5,
      [],
      {},
      'x'.repeat(3000),
      '\u0000',
      '%',
      '#',
      '😀',
    ),
  },
  { cls: 'general', value: fc.string({ maxLength: 20 }) },
  { cls: 'general', value: freeJson(3) },
  { cls: 'c2-free-form', value: fc.constantFrom(nest(33), nest(41), nest(200)) },
  {
    cls: 'c2-free-form',
    value: fc.constantFrom(1e300, 1.7976931348623157e308, -1e308, 2 ** 53 + 2, 5e-324, -8.7e-221, 2 ** 60),
  },
  { cls: 'c2-free-form', value: fc.constantFrom(...PROTOTYPE_NAMES) },
  {
    cls: 'c2-free-form',
    value: fc.constantFrom(...PROTOTYPE_NAMES).map((k) => withOwn(k, { polluted: true })),
  },
  { cls: 'c9-unicode', value: fc.constantFrom('\ud800', 'q\udfff', 'a\udc00b', '\udbff') },
];

/** Raw bodies that JSON.stringify cannot make. */
const HOSTILE_RAW: { cls: DefectClass; raw: string }[] = [
  { cls: 'general', raw: '' },
  { cls: 'general', raw: 'null' },
  { cls: 'general', raw: '[]' },
  { cls: 'general', raw: '{' },
  { cls: 'general', raw: '"text"' },
  { cls: 'general', raw: '\ufeff{}' },
  { cls: 'general', raw: '{"a":1,"a":2}' },
  { cls: 'c2-free-form', raw: '{"properties":{"custom_data":{"n":99999999999999999999999}}}' },
  { cls: 'c2-free-form', raw: '{"properties":{"custom_data":{"n":1e400}}}' },
  {
    cls: 'c2-free-form',
    raw: `{"properties":{"custom_data":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}}`,
  },
  { cls: 'c2-free-form', raw: '{"type":"custom:x","body":{"__proto__":{"polluted":true}}}' },
];

const hostileValue = (classes: readonly DefectClass[]) => {
  const pool = HOSTILE_VALUES.filter((h) => classes.includes(h.cls));
  return fc.oneof(...pool.map((h) => h.value.map((value) => ({ value, cls: h.cls }))));
};

// ---- values from a JSON Schema ----

/** The free-form objects a generated value holds (`custom_data`, `callback.params`, custom event bodies …). */
const FREE_FORM = new WeakSet<object>();

const STRING_REFS: Ref['ref'][] = ['alice', 'bob', 'aliceName', 'aliceMember', 'bobMember', 'conversation'];

const stringOf = (s: JsonSchema): fc.Arbitrary<unknown> => {
  const minLength = s.minLength ?? 0;
  const maxLength = Math.min(s.maxLength ?? 40, 40);
  const base =
    s.format === 'uri'
      ? fc.webUrl()
      : s.format === 'date-time'
        ? fc.date({ noInvalidDate: true }).map((d) => d.toISOString())
        : fc.string({ minLength: Math.min(minLength, maxLength), maxLength });
  return fc.oneof(
    { weight: 8, arbitrary: base },
    { weight: 1, arbitrary: fc.constantFrom(...STRING_REFS).map((ref): Ref => ({ ref })) },
  );
};

/** A value the schema accepts (mostly: length and pattern limits are only roughly kept). */
export const fromSchema = (s: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> => {
  if (!s || depth > 6) return freeJson(2);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alternatives = s.oneOf ?? s.anyOf;
  if (alternatives) return fc.oneof(...alternatives.map((a: JsonSchema) => fromSchema(a, depth + 1)));
  if (Array.isArray(s.type))
    return fc.oneof(...s.type.map((t: string) => fromSchema({ ...s, type: t }, depth)));
  switch (s.type) {
    case 'string':
      return stringOf(s);
    case 'integer':
      return fc.integer({ min: s.minimum ?? -1000, max: Math.min(s.maximum ?? 1_000_000, 2 ** 31) });
    case 'number':
      // Only magnitudes DynamoDB and the SDK hold (1e-130 … 2^53): the others are class 2's hostile numbers.
      return fc
        .double({ noNaN: true, noDefaultInfinity: true, min: s.minimum, max: s.maximum })
        .filter((x) => x === 0 || (Math.abs(x) >= 1e-130 && Math.abs(x) <= 2 ** 53));
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(fromSchema(s.items, depth + 1), { maxLength: Math.min(s.maxItems ?? 3, 3) });
    case 'object': {
      const properties: Record<string, JsonSchema> = s.properties ?? {};
      const required = new Set<string>(s.required ?? []);
      if (Object.keys(properties).length === 0)
        return fc
          .dictionary(fc.string({ minLength: 1, maxLength: 8 }), freeJson(2), { maxKeys: 4 })
          .map((o) => {
            FREE_FORM.add(o);
            return o;
          });
      return fc.record(
        Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, fromSchema(v, depth + 1)])),
        { requiredKeys: [...required] },
      );
    }
    default:
      return freeJson(2);
  }
};

/** Every object inside a JSON value (the value itself first), for a mutation to pick one. */
const objectsIn = (v: unknown, out: Record<string, unknown>[] = []): Record<string, unknown>[] => {
  if (v && typeof v === 'object') {
    if (!Array.isArray(v)) out.push(v as Record<string, unknown>);
    for (const x of Object.values(v)) objectsIn(x, out);
  }
  return out;
};

/** A value of the schema with one field set to a hostile value (or a field it does not know). */
const mutated = (schema: JsonSchema | undefined, classes: readonly DefectClass[]) =>
  fc
    .tuple(
      fromSchema(schema),
      fc.nat(),
      fc.oneof(
        fc.constantFrom('type', 'body', 'properties', 'custom_data', 'params', 'state'),
        fc.string({ minLength: 1 }),
        // An empty key: DynamoDB holds no empty attribute name (class 2).
        ...(classes.includes('c2-free-form') ? [fc.constant('')] : []),
      ),
      hostileValue(classes),
      fc.boolean(),
    )
    .map(([value, at, key, hostile, replace]) => {
      // A free-form object when the value has one (half the time), else any object in it.
      const all = objectsIn(value);
      const free = all.filter((o) => FREE_FORM.has(o));
      const targets = free.length > 0 && at % 2 === 0 ? free : all;
      const cls: DefectClass[] = [hostile.cls];
      if (targets.length === 0) return { json: hostile.value, classes: cls };
      const target = targets[at % targets.length];
      const keys = Object.keys(target);
      const name = replace && keys.length > 0 ? keys[at % keys.length] : key;
      Object.defineProperty(target, name, {
        value: hostile.value,
        enumerable: true,
        configurable: true,
        writable: true,
      });
      return { json: value, classes: cls };
    });

const bodyOf = (op: Operation, classes: readonly DefectClass[]) => {
  const raws = HOSTILE_RAW.filter((r) => classes.includes(r.cls));
  return fc.oneof(
    { weight: 6, arbitrary: fromSchema(op.body).map((json) => ({ json, classes: [] as DefectClass[] })) },
    { weight: 3, arbitrary: mutated(op.body, classes) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(...raws).map((r) => ({ raw: r.raw, classes: [r.cls] as DefectClass[] })),
    },
  );
};

// ---- path and query parameters ----

const PATH_REFS: Record<string, Ref['ref'][]> = {
  conversation_id: ['conversation'],
  user_id: ['alice', 'bob', 'aliceName'],
  member_id: ['aliceMember', 'bobMember'],
  event_id: ['event'],
  number: ['number'],
};

const hostileId = (classes: readonly DefectClass[]) => {
  const pool: fc.Arbitrary<{ value: string; cls: DefectClass }>[] = [
    fc
      .constantFrom(
        '0',
        '-1',
        'me',
        'CON-00000000-0000-4000-8000-000000000000',
        'USR-x',
        'MEM-x',
        '%25',
        '..',
      )
      .map((value) => ({ value, cls: 'general' as const })),
    fc.string({ minLength: 1, maxLength: 30 }).map((value) => ({ value, cls: 'general' as const })),
  ];
  if (classes.includes('c3-ids'))
    pool.push(
      fc
        .constantFrom('x'.repeat(2100), `CON-${'a'.repeat(3000)}`, '99999999999', '1e3', '00000000001')
        .map((value) => ({ value, cls: 'c3-ids' as const })),
    );
  if (classes.includes('c7-lookups'))
    pool.push(fc.constantFrom(...PROTOTYPE_NAMES).map((value) => ({ value, cls: 'c7-lookups' as const })));
  if (classes.includes('c9-unicode'))
    pool.push(fc.constantFrom('\ud800', 'a\udfffb').map((value) => ({ value, cls: 'c9-unicode' as const })));
  return fc.oneof(...pool);
};

const pathParam = (name: string, classes: readonly DefectClass[]) => {
  const refs = PATH_REFS[name];
  const hostile = hostileId(classes).map((h) => ({ value: h.value as string | Ref, classes: [h.cls] }));
  if (!refs) return hostile;
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.constantFrom(...refs).map((ref) => ({ value: { ref } as string | Ref, classes: [] })),
    },
    { weight: 1, arbitrary: hostile },
  );
};

const queryValue = (schema: JsonSchema, classes: readonly DefectClass[]) => {
  const valid = fromSchema(schema).map((v) => ({
    value: (Array.isArray(v) ? v.join(',') : typeof v === 'object' && v !== null ? 'ref' : String(v)) as
      | string
      | Ref,
    classes: [] as DefectClass[],
  }));
  const pool = [
    { weight: 4, arbitrary: valid },
    {
      weight: 1,
      arbitrary: hostileId(classes).map((h) => ({ value: h.value as string | Ref, classes: [h.cls] })),
    },
  ];
  if (classes.includes('c4-cursors'))
    pool.push({
      weight: 1,
      arbitrary: fc
        .oneof(fc.base64String({ maxLength: 60 }), fc.constantFrom('e30', 'eyJwayI6IkNPTiMifQ', '.', 'a.b'))
        .map((value) => ({ value, classes: ['c4-cursors'] as DefectClass[] })),
    });
  return fc.oneof(...pool);
};

const queryOf = (op: Operation, classes: readonly DefectClass[]) => {
  const params = op.params.filter((p) => p.in === 'query');
  const known = params.map((p) =>
    fc
      .option(queryValue(p.name === 'cursor' ? { type: 'string' } : p.schema, classes), { freq: 2 })
      .map((v) =>
        v ? { entry: [p.name, v.value] as [string, string | Ref], classes: v.classes } : undefined,
      ),
  );
  const unknown = fc
    .option(
      fc.tuple(fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), fc.string({ maxLength: 8 })), fc.string()),
      {
        freq: 8,
      },
    )
    .map((v) =>
      v ? { entry: v as [string, string | Ref], classes: ['c7-lookups'] as DefectClass[] } : undefined,
    );
  return fc.tuple(...known, unknown).map((entries) => {
    const present = entries.filter((e) => e !== undefined);
    return {
      query: present.map((e) => e.entry),
      classes: present.flatMap((e) => e.classes).filter((c) => classes.includes(c)),
    };
  });
};

// ---- voice webhooks: form or query fields of the providers ----

const VOICE_FIELDS: Record<string, string[]> = {
  vonage: ['uuid', 'conversation_uuid', 'to', 'from', 'status', 'direction', 'timestamp', 'duration'],
  twilio: ['CallSid', 'CallStatus', 'From', 'To', 'Direction', 'ParentCallSid', 'Timestamp', 'CallDuration'],
};
const VOICE_VALUES = [
  'started',
  'ringing',
  'answered',
  'completed',
  'busy',
  'in-progress',
  'inbound',
  'outbound-dial',
  '447700900001',
  '447700900002',
  'CA0123456789abcdef0123456789abcdef',
  '2026-11-24T10:00:05.000Z',
];

const voiceFields = (provider: string, classes: readonly DefectClass[]) => {
  const values = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...VOICE_VALUES).map((v) => ({ v, cls: [] as DefectClass[] })) },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }).map((v) => ({ v, cls: [] as DefectClass[] })) },
    {
      weight: classes.includes('c7-lookups') ? 1 : 0,
      arbitrary: fc
        .constantFrom(...PROTOTYPE_NAMES)
        .map((v) => ({ v, cls: ['c7-lookups'] as DefectClass[] })),
    },
  );
  return fc
    .uniqueArray(fc.tuple(fc.constantFrom(...VOICE_FIELDS[provider]), values), {
      maxLength: 8,
      selector: ([k]) => k,
    })
    .map((pairs) => ({
      fields: pairs.map(([k, { v }]) => [k, v] as [string, string]),
      classes: pairs.flatMap(([, { cls }]) => cls),
    }));
};

const TOKENS: Token[] = [
  ...Array<Token>(6).fill('admin'),
  ...Array<Token>(3).fill('alice'),
  'bob',
  'none',
  'garbage',
  'expired',
];

/** One request to `op`, using only hostile values of `classes`. */
export const requestOf = (op: Operation, classes: readonly DefectClass[]): fc.Arbitrary<FuzzRequest> => {
  const names = [...op.path.matchAll(/\{([^/}]+)\}/g)].map((m) => m[1]);
  const voice = /^\/voice\/(vonage|twilio)\//.exec(op.path)?.[1];
  const tokens = classes.includes('c9-unicode') ? [...TOKENS, 'acl-methods-string' as const] : TOKENS;
  return fc
    .record({
      params: fc.tuple(...names.map((n) => pathParam(n, classes))),
      query:
        voice && op.method === 'GET'
          ? voiceFields(voice, classes).map((f) => ({ query: f.fields, classes: f.classes }))
          : queryOf(op, classes),
      form: voice && op.method === 'POST' ? voiceFields(voice, classes) : fc.constant(undefined),
      body: op.body ? bodyOf(op, classes) : fc.constant(undefined),
      token: fc.constantFrom(...tokens),
      contentType: fc.oneof(
        { weight: 8, arbitrary: fc.constant('application/json') },
        { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/merge-patch+json', undefined) },
      ),
      idempotencyKey: fc.option(fc.constantFrom('k1', 'k2', 'k3', 'k4'), { freq: 4 }),
    })
    .map((r): FuzzRequest => {
      const classesUsed = [
        ...r.params.flatMap((p) => p.classes),
        ...r.query.classes,
        ...(r.body?.classes ?? []),
      ];
      let body: FuzzRequest['body'];
      let contentType: string | undefined = r.contentType;
      if (r.form) {
        body = { raw: new URLSearchParams(r.form.fields).toString() };
        contentType = voice === 'twilio' ? 'application/x-www-form-urlencoded' : 'application/json';
        if (voice === 'vonage') body = { raw: JSON.stringify(Object.fromEntries(r.form.fields)) };
        classesUsed.push(...r.form.classes);
      } else if (r.body) body = 'raw' in r.body ? { raw: r.body.raw } : { json: r.body.json };
      return {
        method: op.method,
        path: op.path,
        pathParams: Object.fromEntries(names.map((n, i) => [n, r.params[i].value])),
        query: r.query.query,
        token: voice ? 'none' : (r.token as Token),
        contentType,
        idempotencyKey: r.idempotencyKey ?? undefined,
        body,
        classes: [...new Set(classesUsed)],
      };
    });
};
