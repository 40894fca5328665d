/** Number routes: which phone number Parley answers, and where it forwards the calls it receives. */
import { type DomainError, notFound, validationError } from './errors.ts';

export interface NumberRoute {
  /** E.164 digits without `+`. */
  number: string;
  /** Where calls to this number are forwarded (E.164 digits). */
  forward_to: string;
  /** Seconds the forward target rings before the call gives up. */
  ring_timeout: number;
  /** Number shown to the forward target (E.164 digits); when absent the provider's default applies. */
  caller_id?: string;
  timestamp: { created: string; updated?: string };
}

export interface NumberRouteInput {
  forward_to: string;
  ring_timeout?: number;
  caller_id?: string;
}

export const DEFAULT_RING_TIMEOUT_S = 60;

/** E.164: a country code (never 0) and at most 15 digits in all. */
const E164_DIGITS = /^[1-9]\d{6,14}$/;

/**
 * The canonical form of a phone number: E.164 digits without `+`. `+44 7700 900000`, `447700900000`,
 * `+447700900000` and `(+44) 7700-900000` all name the same number. Returns undefined if it is no number.
 */
export const normalizeNumber = (raw: string): string | undefined => {
  const digits = raw.replace(/[\s().-]/g, '').replace(/^\+/, '');
  return E164_DIGITS.test(digits) ? digits : undefined;
};

export const invalidNumber = (name: string): DomainError =>
  validationError([{ name, reason: `"${name}" must be a phone number in E.164 format` }]);

/** The number of a path or a body, in canonical form, or a 400 naming the field. */
export const requireNumber = (raw: string, name: string): string => {
  const digits = normalizeNumber(raw);
  if (!digits) throw invalidNumber(name);
  return digits;
};

/** A route as PUT writes it: the fields sent replace the stored ones; `created` survives a replace. */
export const buildNumberRoute = (
  number: string,
  input: NumberRouteInput,
  now: string,
  previous?: NumberRoute,
): NumberRoute => ({
  number: requireNumber(number, 'number'),
  forward_to: requireNumber(input.forward_to, 'forward_to'),
  ring_timeout: input.ring_timeout ?? DEFAULT_RING_TIMEOUT_S,
  ...(input.caller_id !== undefined ? { caller_id: requireNumber(input.caller_id, 'caller_id') } : {}),
  timestamp: previous ? { created: previous.timestamp.created, updated: now } : { created: now },
});

export const numberRouteNotFound = notFound.number;
