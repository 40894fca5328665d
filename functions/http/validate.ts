/**
 * Request validation with valibot schemas. The builders here attach reasons that read like the Vonage API's
 * own (`"ttl" must be a number`); `check` runs a schema, reports every failing field at once and throws the
 * Vonage 400. Messages are written without their field label (`must be a number`): valibot builds a message
 * before the issue knows its path, so `check` puts the label in front.
 */
import * as v from 'valibot';
import { type InvalidParameter, validationError } from '../domain/errors.ts';

/** Any synchronous valibot schema. */
export type Schema<TOutput = unknown> = v.GenericSchema<unknown, TOutput>;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `properties.ttl`, `tags[1]`, or `body` for the value itself. */
const nameOf = (path: v.IssuePathItem[] | undefined): string => {
  let name = '';
  for (const item of path ?? []) {
    const key = String(item.key);
    name = item.type === 'array' ? `${name}[${key}]` : name ? `${name}.${key}` : key;
  }
  return name || 'body';
};

const labelOf = (name: string): string => (name === 'body' ? 'value' : name.slice(name.lastIndexOf('.') + 1));

/** The `{name, reason}` of each failing field; a field that breaks several rules is named once, by its first. */
export const issuesOf = (issues: readonly v.BaseIssue<unknown>[]): InvalidParameter[] => {
  const out = new Map<string, InvalidParameter>();
  for (const issue of issues) {
    const name = nameOf(issue.path);
    if (!out.has(name)) out.set(name, { name, reason: `"${labelOf(name)}" ${issue.message}` });
  }
  return [...out.values()];
};

/** Checks a value and returns it typed, or throws a 400 `http:error:validation-fail` naming every bad field. */
export const check = <S extends Schema>(schema: S, value: unknown): v.InferOutput<S> => {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  throw validationError(issuesOf(result.issues));
};

// ---- Builders with Joi-style reasons

export interface StringRules {
  min?: number;
  max?: number;
  pattern?: RegExp;
  /** The reason a pattern failure gives, without the label (`must be a valid member id`). */
  patternReason?: string;
  uri?: boolean;
  allowEmpty?: boolean;
}

const IS_STRING = 'must be a string';

/** A UTF-16 surrogate standing alone: no character, and stored as U+FFFD, so `"q\ud800"` would equal `"q\udbff"`. */
const LONE_SURROGATE = /\p{Cs}/u;
const NOT_UNICODE = 'must be well-formed Unicode';

/** The largest magnitude the DynamoDB SDK marshals without losing digits; DynamoDB refuses below 1e-130. */
const MAX_NUMBER = Number.MAX_SAFE_INTEGER;
const STORABLE_RANGE = `0 or between 1e-130 and ${MAX_NUMBER} in magnitude`;
const NOT_STORABLE_NUMBER = `must be ${STORABLE_RANGE}`;
const storableNumber = (n: number): boolean =>
  n === 0 || (Math.abs(n) <= MAX_NUMBER && Math.abs(n) >= 1e-130);

/**
 * How deep a free-form object may nest (objects and arrays alike): DynamoDB holds 32 levels per item, and
 * Parley keeps these objects up to four levels down (an event's `body.channel.from.headers`).
 */
export const MAX_FREE_DEPTH = 16;

/**
 * Why DynamoDB or its SDK could not hold `root` as sent, or undefined. Walks without recursion, so a
 * 10,000-deep object is refused like a 17-deep one. `__proto__` and `constructor` keys are refused: the SDK's
 * marshalling reads both as the object's own machinery (the first is lost, the second breaks it).
 */
const unstorable = (root: unknown): string | undefined => {
  const stack: [unknown, number][] = [[root, 1]];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [value, depth] = top;
    if (typeof value === 'number' && !storableNumber(value))
      return `must hold numbers ${STORABLE_RANGE} only`;
    if (typeof value === 'string' && LONE_SURROGATE.test(value))
      return 'must hold well-formed Unicode strings only';
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_FREE_DEPTH) return `must not nest deeper than ${MAX_FREE_DEPTH} levels`;
    for (const [key, item] of Object.entries(value)) {
      if (!Array.isArray(value)) {
        if (key === '' || key === '__proto__' || key === 'constructor' || LONE_SURROGATE.test(key))
          return `must not have the key ${JSON.stringify(key)}`;
      }
      stack.push([item, depth + 1]);
    }
  }
  return undefined;
};

/** A check that keeps its input type, for the optional rules of a pipe. */
type Rule<T> = v.PipeItem<T, T, v.BaseIssue<unknown>>;

export const string = (rules: StringRules = {}) => {
  const checks: Rule<string>[] = [];
  if (!rules.allowEmpty) checks.push(v.nonEmpty<string, string>('is not allowed to be empty'));
  if (rules.min !== undefined)
    checks.push(
      v.minLength<string, number, string>(rules.min, `length must be at least ${rules.min} characters long`),
    );
  if (rules.max !== undefined)
    checks.push(
      v.maxLength<string, number, string>(
        rules.max,
        `length must be less than or equal to ${rules.max} characters long`,
      ),
    );
  if (rules.uri) checks.push(v.url<string, string>('must be a valid uri'));
  if (rules.pattern)
    checks.push(v.regex<string, string>(rules.pattern, rules.patternReason ?? 'has an invalid format'));
  checks.push(v.check<string, string>((s) => !LONE_SURROGATE.test(s), NOT_UNICODE));
  return v.pipe(v.string(IS_STRING), ...checks);
};

/**
 * One of a few strings, typed as their union. `caseInsensitive` accepts any spelling and returns the
 * canonical one (the Vonage SDK sends `JOINED` where the spec says `joined`).
 */
export const picklist = <const T extends readonly [string, ...string[]]>(
  values: T,
  rules: { caseInsensitive?: boolean } = {},
) => {
  const canonical = new Map(values.map((value) => [value.toLowerCase(), value]));
  return v.pipe(
    v.string(IS_STRING),
    v.nonEmpty('is not allowed to be empty'),
    v.transform((value) => (rules.caseInsensitive ? (canonical.get(value.toLowerCase()) ?? value) : value)),
    v.picklist(values, `must be one of [${values.join(', ')}]`),
  );
};

export interface NumberRules {
  min?: number;
  max?: number;
  integer?: boolean;
  /** Accept a numeric string (query strings). */
  coerce?: boolean;
}

const IS_NUMBER = 'must be a number';

const numberRules = (rules: NumberRules): Rule<number>[] => {
  const checks: Rule<number>[] = [
    v.finite<number, string>(IS_NUMBER),
    v.check<number, string>(storableNumber, NOT_STORABLE_NUMBER),
  ];
  if (rules.integer) checks.push(v.integer<number, string>('must be an integer'));
  if (rules.min !== undefined)
    checks.push(
      v.minValue<number, number, string>(rules.min, `must be greater than or equal to ${rules.min}`),
    );
  if (rules.max !== undefined)
    checks.push(v.maxValue<number, number, string>(rules.max, `must be less than or equal to ${rules.max}`));
  return checks;
};

/** A query-string number arrives as text: a non-blank numeric string becomes a number first. */
const toNumber = v.transform((value: unknown) =>
  typeof value === 'string' && value.trim() !== '' ? Number(value) : value,
);

export const number = (rules: NumberRules = {}) =>
  rules.coerce
    ? v.pipe(v.pipe(v.unknown(), toNumber, v.number(IS_NUMBER)), ...numberRules(rules))
    : v.pipe(v.number(IS_NUMBER), ...numberRules(rules));

export const integer = (rules: Omit<NumberRules, 'integer'> = {}) => number({ ...rules, integer: true });

const IS_BOOLEAN = 'must be a boolean';

export const boolean = (rules: { coerce?: boolean } = {}) =>
  rules.coerce
    ? v.pipe(
        v.unknown(),
        v.transform((value: unknown) => (value === 'true' ? true : value === 'false' ? false : value)),
        v.boolean(IS_BOOLEAN),
      )
    : v.boolean(IS_BOOLEAN);

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** ISO text (`…Z`, with milliseconds) of a date-time, or undefined when it names no real instant. */
export const toIsoInstant = (value: string): string | undefined => {
  const m = DATE_TIME.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h = '0', mi = '0', s = '0', ms = '0'] = m.slice(1, 8);
  const fields = [y, mo, d, h, mi, s].map(Number);
  const utc = Date.UTC(
    fields[0],
    fields[1] - 1,
    fields[2],
    fields[3],
    fields[4],
    fields[5],
    Number(ms.padEnd(3, '0')),
  );
  const back = new Date(utc);
  // Date.UTC rolls 2020-02-30 over to March: a real date reads back the same fields.
  if (
    back.getUTCFullYear() !== fields[0] ||
    back.getUTCMonth() !== fields[1] - 1 ||
    back.getUTCDate() !== fields[2] ||
    back.getUTCHours() !== fields[3] ||
    back.getUTCMinutes() !== fields[4] ||
    back.getUTCSeconds() !== fields[5]
  )
    return undefined;
  const zone = m[8];
  let offsetMin = 0;
  if (zone && zone !== 'Z') {
    const [, sign, hh, mm] = /^([+-])(\d{2}):?(\d{2})$/.exec(zone) ?? [];
    if (Number(hh) > 23 || Number(mm) > 59) return undefined;
    offsetMin = (sign === '-' ? -1 : 1) * (Number(hh) * 60 + Number(mm));
  }
  return new Date(utc - offsetMin * 60_000).toISOString();
};

const NOT_A_DATE = 'must be a valid ISO 8601 date';

/**
 * A date-time in ISO 8601 or Vonage's `2018-01-01 10:00:00` form (UTC when no zone is given), returned as
 * ISO text with milliseconds and `Z` so that it compares with stored timestamps.
 */
export const isoDateTime = () =>
  v.pipe(
    v.string(NOT_A_DATE),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const iso = toIsoInstant(dataset.value);
      if (iso !== undefined) return iso;
      addIssue({ message: NOT_A_DATE });
      return NEVER;
    }),
    v.metadata({ format: 'date-time' }),
  );

const IS_OBJECT = 'must be of type object';

/**
 * Any JSON object, kept as it is (custom data: its keys are the client's), as long as DynamoDB can hold it
 * faithfully (see `unstorable`).
 */
export const anyObject = (rules: { maxBytes?: number } = {}) => {
  const { maxBytes } = rules;
  return v.pipe(
    v.custom<Record<string, unknown>>(isPlainObject, IS_OBJECT),
    v.metadata<Record<string, unknown>, { readonly type: 'object' }>({ type: 'object' }),
    v.rawCheck<Record<string, unknown>>(({ dataset, addIssue }) => {
      const why =
        unstorable(dataset.value) ??
        (maxBytes !== undefined && JSON.stringify(dataset.value).length > maxBytes
          ? `must be at most ${maxBytes} bytes of JSON`
          : undefined);
      if (why) addIssue({ message: why });
    }),
  );
};

/** Any JSON value. */
export const anyValue = () => v.unknown();

export const array = <const S extends Schema>(item: S, rules: { min?: number; max?: number } = {}) => {
  type Items = v.InferOutput<S>[];
  const checks: Rule<Items>[] = [];
  if (rules.min !== undefined)
    checks.push(v.minLength<Items, number, string>(rules.min, `must contain at least ${rules.min} items`));
  if (rules.max !== undefined)
    checks.push(
      v.maxLength<Items, number, string>(rules.max, `must contain less than or equal to ${rules.max} items`),
    );
  return v.pipe(v.array(item, 'must be an array'), ...checks);
};

/** valibot calls an object's message for a wrong type (expected `Object`) and for a missing key. */
const objectMessage = (issue: v.BaseIssue<unknown>) =>
  issue.expected === 'Object' ? IS_OBJECT : 'is required';

/**
 * A strict object: known fields checked, every unknown field refused as `"x" is not allowed`. valibot's own
 * `strictObject` names only the first unknown key and takes an array for an object, so this one runs the
 * entries with `object` and then looks at every own key of the input with `Object.hasOwn` (`constructor`,
 * `__proto__` and `toString` are field names like any other). It keeps the type `strict_object`, so the
 * JSON Schema says `additionalProperties: false`.
 */
export const object = <const E extends v.ObjectEntries>(entries: E) => {
  const known = v.object(entries, objectMessage);
  const schema = v.strictObject(entries, objectMessage);
  // Both run the same entries; only the issue type's name differs.
  type Out = ReturnType<(typeof schema)['~run']>;
  return v._standardSchema<typeof schema>({
    ...schema,
    '~run'(dataset, config) {
      const input = dataset.value;
      if (!isPlainObject(input)) {
        v._addIssue(this, 'type', dataset, config);
        return dataset as unknown as Out;
      }
      const out = known['~run'](dataset, config) as unknown as Out;
      for (const key of Object.keys(input)) {
        if (Object.hasOwn(entries, key)) continue;
        v._addIssue(this, 'key', out, config, {
          input: key,
          expected: 'never',
          message: 'is not allowed',
          path: [{ type: 'object', origin: 'key', input, key, value: input[key] }],
        });
      }
      return out;
    },
  });
};

/**
 * A schema picked by a discriminating field (`type`), e.g. a message body by its `message_type`; the reason
 * of an unknown tag lists the tags (`must be one of [text, image]`) unless `reason` says otherwise.
 */
export const oneOfBy = <const K extends string, const O extends v.VariantOptions<K>>(
  key: K,
  options: O,
  reason?: string,
) => {
  const tags = options.flatMap((option) => {
    const tag = 'entries' in option ? option.entries[key] : undefined;
    return tag && 'literal' in tag ? [String(tag.literal)] : [];
  });
  const unknownTag = reason ?? `must be one of [${tags.join(', ')}]`;
  return v.variant(key, options, (issue) => (issue.input === undefined ? 'is required' : unknownTag));
};

/** A literal tag value (the discriminator of a `oneOfBy` option). */
export const literal = <const T extends string>(value: T) => v.literal(value, `must be [${value}]`);
