/**
 * A small schema validator for request bodies and query strings. Reasons read like the Vonage API's own
 * (`"ttl" must be a number`), every failing field is reported at once, and unknown fields are refused.
 * Kept in-house: the rules are few, and bundle size is cold-start time.
 */
import { type InvalidParameter, validationError } from '../domain/errors.ts';

export interface Schema<T> {
  readonly optional?: boolean;
  parse(value: unknown, path: string, issues: InvalidParameter[]): T;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

const label = (path: string): string => `"${path.slice(path.lastIndexOf('.') + 1) || 'value'}"`;
const fail = <T>(issues: InvalidParameter[], path: string, reason: string): T => {
  issues.push({ name: path || 'body', reason });
  return undefined as T;
};

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export interface StringRules {
  min?: number;
  max?: number;
  pattern?: RegExp;
  patternReason?: string;
  uri?: boolean;
  allowEmpty?: boolean;
  values?: readonly string[];
  /** Compare `values` ignoring case and return the canonical spelling. */
  caseInsensitive?: boolean;
}

export const string = (rules: StringRules = {}): Schema<string> => ({
  parse(value, path, issues) {
    if (typeof value !== 'string') return fail(issues, path, `${label(path)} must be a string`);
    if (value === '' && !rules.allowEmpty)
      return fail(issues, path, `${label(path)} is not allowed to be empty`);
    if (rules.min !== undefined && value.length < rules.min)
      return fail(issues, path, `${label(path)} length must be at least ${rules.min} characters long`);
    if (rules.max !== undefined && value.length > rules.max)
      return fail(
        issues,
        path,
        `${label(path)} length must be less than or equal to ${rules.max} characters long`,
      );
    if (rules.values) {
      const found = rules.caseInsensitive
        ? rules.values.find((v) => v.toLowerCase() === value.toLowerCase())
        : rules.values.find((v) => v === value);
      if (found === undefined)
        return fail(issues, path, `${label(path)} must be one of [${rules.values.join(', ')}]`);
      return found;
    }
    if (rules.uri && !isUri(value)) return fail(issues, path, `${label(path)} must be a valid uri`);
    if (rules.pattern && !rules.pattern.test(value))
      return fail(issues, path, `${label(path)} ${rules.patternReason ?? 'has an invalid format'}`);
    return value;
  },
});

const isUri = (value: string): boolean => {
  try {
    const url = new URL(value);
    return url.protocol.length > 1;
  } catch {
    return false;
  }
};

export interface NumberRules {
  min?: number;
  max?: number;
  integer?: boolean;
  /** Accept a numeric string (query strings). */
  coerce?: boolean;
}

export const number = (rules: NumberRules = {}): Schema<number> => ({
  parse(value, path, issues) {
    let n = value;
    if (rules.coerce && typeof value === 'string' && value.trim() !== '') n = Number(value);
    if (typeof n !== 'number' || !Number.isFinite(n))
      return fail(issues, path, `${label(path)} must be a number`);
    if (rules.integer && !Number.isInteger(n)) return fail(issues, path, `${label(path)} must be an integer`);
    if (rules.min !== undefined && n < rules.min)
      return fail(issues, path, `${label(path)} must be greater than or equal to ${rules.min}`);
    if (rules.max !== undefined && n > rules.max)
      return fail(issues, path, `${label(path)} must be less than or equal to ${rules.max}`);
    return n;
  },
});

export const integer = (rules: Omit<NumberRules, 'integer'> = {}): Schema<number> =>
  number({ ...rules, integer: true });

export const boolean = (rules: { coerce?: boolean } = {}): Schema<boolean> => ({
  parse(value, path, issues) {
    if (typeof value === 'boolean') return value;
    if (rules.coerce && (value === 'true' || value === 'false')) return value === 'true';
    return fail(issues, path, `${label(path)} must be a boolean`);
  },
});

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

/**
 * A date-time in ISO 8601 or Vonage's `2018-01-01 10:00:00` form (UTC when no zone is given), returned as
 * ISO text with milliseconds and `Z` so that it compares with stored timestamps.
 */
export const isoDateTime = (): Schema<string> => ({
  parse(value, path, issues) {
    const iso = typeof value === 'string' ? toIsoInstant(value) : undefined;
    return iso ?? fail(issues, path, `${label(path)} must be a valid ISO 8601 date`);
  },
});

/** Any JSON object, kept as it is (custom data). */
export const anyObject = (rules: { maxBytes?: number } = {}): Schema<Record<string, unknown>> => ({
  parse(value, path, issues) {
    if (!isPlainObject(value)) return fail(issues, path, `${label(path)} must be of type object`);
    if (rules.maxBytes !== undefined && JSON.stringify(value).length > rules.maxBytes)
      return fail(issues, path, `${label(path)} must be at most ${rules.maxBytes} bytes of JSON`);
    return value;
  },
});

/** Any JSON value. */
export const anyValue = (): Schema<unknown> => ({ parse: (value) => value });

export const array = <T>(item: Schema<T>, rules: { min?: number; max?: number } = {}): Schema<T[]> => ({
  parse(value, path, issues) {
    if (!Array.isArray(value)) return fail(issues, path, `${label(path)} must be an array`);
    if (rules.min !== undefined && value.length < rules.min)
      return fail(issues, path, `${label(path)} must contain at least ${rules.min} items`);
    if (rules.max !== undefined && value.length > rules.max)
      return fail(issues, path, `${label(path)} must contain less than or equal to ${rules.max} items`);
    return value.map((v, i) => item.parse(v, `${path}[${i}]`, issues));
  },
});

type Shape = Record<string, Schema<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { optional: true } ? K : never }[keyof S];
type RequiredKeys<S extends Shape> = Exclude<keyof S, OptionalKeys<S>>;
export type ObjectOf<S extends Shape> = { [K in RequiredKeys<S>]: Infer<S[K]> } & {
  [K in OptionalKeys<S>]?: Infer<S[K]>;
};

export const object = <S extends Shape>(
  shape: S,
  rules: { unknown?: 'reject' | 'keep' } = {},
): Schema<ObjectOf<S>> => ({
  parse(value, path, issues) {
    if (!isPlainObject(value)) return fail(issues, path, `${label(path)} must be of type object`);
    const out: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(shape)) {
      const child = path ? `${path}.${key}` : key;
      const v = value[key];
      if (v === undefined) {
        if (!schema.optional) fail(issues, child, `${label(child)} is required`);
        continue;
      }
      out[key] = schema.parse(v, child, issues);
    }
    for (const key of Object.keys(value)) {
      if (key in shape) continue;
      if (rules.unknown === 'keep') out[key] = value[key];
      else fail(issues, path ? `${path}.${key}` : key, `"${key}" is not allowed`);
    }
    return out as ObjectOf<S>;
  },
});

export const optional = <T>(schema: Schema<T>): Schema<T | undefined> & { optional: true } => ({
  optional: true,
  parse: (value, path, issues) => (value === undefined ? undefined : schema.parse(value, path, issues)),
});

export const nullable = <T>(schema: Schema<T>): Schema<T | null> => ({
  optional: schema.optional,
  parse: (value, path, issues) => (value === null ? null : schema.parse(value, path, issues)),
});

/** A schema picked by a discriminating field (`type`), e.g. a member channel. */
export const oneOfBy = <T>(field: string, variants: Record<string, Schema<T>>): Schema<T> => ({
  parse(value, path, issues) {
    if (!isPlainObject(value)) return fail(issues, path, `${label(path)} must be of type object`);
    const tag = value[field];
    const child = path ? `${path}.${field}` : field;
    const variant = typeof tag === 'string' ? variants[tag] : undefined;
    if (!variant)
      return fail(issues, child, `${label(child)} must be one of [${Object.keys(variants).join(', ')}]`);
    return variant.parse(value, path, issues);
  },
});

/** Checks a value and returns it typed, or throws a 400 `http:error:validation-fail` naming every bad field. */
export const check = <T>(schema: Schema<T>, value: unknown, path = ''): T => {
  const issues: InvalidParameter[] = [];
  const out = schema.parse(value, path, issues);
  if (issues.length > 0) throw validationError(issues);
  return out;
};
