/** What every provider webhook needs from the HTTP API v2 event: raw body, fields, header, own URL. */
import { type InvalidParameter, validationError } from '../domain/errors.ts';
import type { ApiEvent } from '../http/types.ts';

export const rawBodyOf = (event: ApiEvent): string => {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
};

export const headerOf = (event: ApiEvent, name: string): string | undefined => {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(event.headers ?? {})) if (k.toLowerCase() === wanted) return v;
  return undefined;
};

const contentTypeOf = (event: ApiEvent): string =>
  (headerOf(event, 'content-type') ?? '').split(';')[0].trim().toLowerCase();

/** Fields as own properties (`__proto__` is a field like any other), the last of a repeated name winning. */
export const formOf = (raw: string): Record<string, string> => Object.fromEntries(new URLSearchParams(raw));

export const queryOf = (event: ApiEvent): Record<string, string> => formOf(event.rawQueryString ?? '');

/** The fields of a webhook body: JSON, or form-encoded; anything else is a 400. */
export const bodyFieldsOf = (event: ApiEvent, raw: string): Record<string, unknown> => {
  if (raw.trim() === '') return {};
  const type = contentTypeOf(event);
  if (type === 'application/x-www-form-urlencoded') return formOf(raw);
  try {
    const parsed = JSON.parse(raw);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed;
  } catch {
    // reported below
  }
  throw validationError([{ name: 'body', reason: '"body" must be a JSON object or a form' }]);
};

/** A field as a non-empty string, or undefined. */
export const text = (fields: Record<string, unknown>, name: string): string | undefined => {
  const v = Object.hasOwn(fields, name) ? fields[name] : undefined;
  if (typeof v === 'number') return String(v);
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
};

/** Longest provider call id Parley takes (Twilio's are 34 characters, Vonage's 36): it becomes a key. */
const MAX_CALL_ID_LENGTH = 256;

/** A field that is a call's id (the provider's, or the ids Parley put into a callback URL): as `text`, and a 400 naming it when it is longer than any id. */
export const callIdField = (fields: Record<string, unknown>, name: string): string | undefined => {
  const id = text(fields, name);
  if (id !== undefined && id.length > MAX_CALL_ID_LENGTH)
    throw validationError([
      {
        name,
        reason: `"${name}" length must be less than or equal to ${MAX_CALL_ID_LENGTH} characters long`,
      },
    ]);
  return id;
};

/** Throws the Vonage 400 naming every required field that is missing. */
export const requireFields = (fields: Record<string, string | undefined>): void => {
  const issues: InvalidParameter[] = Object.entries(fields)
    .filter(([, v]) => v === undefined)
    .map(([name]) => ({ name, reason: `"${name}" is required` }));
  if (issues.length > 0) throw validationError(issues);
};

/** A provider timestamp as ISO 8601 with ms and `Z`, or undefined when absent or unreadable. */
export const providerTime = (value: string | undefined): string | undefined => {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
};

/** The URL the provider requested, as it signs it: the public base, the path and the query string. */
export const requestedUrl = (event: ApiEvent, base: string): string =>
  `${base}${event.rawPath}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`;
