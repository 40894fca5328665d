/**
 * Twilio SIDs over Parley's ids, one to one, so that both surfaces name the same things: a conversation
 * `CON-<uuid>` is `CH<uuid hex>`, a member `MEM-…` is `MB…`, a user `USR-…` is `US…`. A message is event
 * `index` of its conversation: `IM` + the first 20 hex digits of the conversation's uuid + the index in
 * 12 hex digits, so a message SID read under its conversation decodes to that event alone.
 */
import { createHash } from 'node:crypto';

const HEX32 = /^[0-9a-fA-F]{32}$/;

const uuidOfHex = (hex: string): string => {
  const x = hex.toLowerCase();
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
};

const hexOfId = (id: string): string => id.slice(id.indexOf('-') + 1).replace(/-/g, '');

/** A prefix's SID codec: `encode` a Parley id, `decode` a SID (undefined when it is not one). */
const codec = (sidPrefix: string, idPrefix: string) => ({
  encode: (id: string): string => `${sidPrefix}${hexOfId(id)}`,
  decode: (sid: string): string | undefined =>
    sid.startsWith(sidPrefix) && HEX32.test(sid.slice(2))
      ? `${idPrefix}-${uuidOfHex(sid.slice(2))}`
      : undefined,
  is: (sid: string): boolean => sid.startsWith(sidPrefix) && HEX32.test(sid.slice(2)),
});

export const conversationSid = codec('CH', 'CON');
export const memberSid = codec('MB', 'MEM');
export const userSid = codec('US', 'USR');

/** Largest index a message SID holds (12 hex digits), far above any event id. */
const MAX_INDEX = 0xffffffffffff;

export const messageSid = {
  encode: (conversationId: string, index: number): string =>
    `IM${hexOfId(conversationId).slice(0, 20)}${index.toString(16).padStart(12, '0')}`,
  /** The event id a message SID names in this conversation, or undefined. */
  decode: (conversationId: string, sid: string): number | undefined => {
    if (!sid.startsWith('IM') || !HEX32.test(sid.slice(2))) return undefined;
    const hex = sid.slice(2).toLowerCase();
    if (hex.slice(0, 20) !== hexOfId(conversationId).slice(0, 20)) return undefined;
    const index = Number.parseInt(hex.slice(20), 16);
    return index >= 1 && index <= MAX_INDEX ? index : undefined;
  },
};

/** A stable SID of another kind derived from a seed (the account's chat service, `IS…`). */
export const derivedSid = (prefix: string, seed: string): string =>
  `${prefix}${createHash('sha256').update(seed).digest('hex').slice(0, 32)}`;

/** Twilio's SID shape: two capital letters and 32 hex digits. */
export const SID_PATTERN = /^[A-Z]{2}[0-9a-fA-F]{32}$/;
