/**
 * Wire bodies of the voice resources: number routes, legs, and the legacy (`/beta`, `/v0.1`) conversation
 * and conversation list.
 */
import type { Conversation } from '../domain/conversations.ts';
import type { Leg } from '../domain/legs.ts';
import type { Initiator, Member } from '../domain/members.ts';
import type { NumberRoute } from '../domain/numbers.ts';

const link = (href: string) => ({ self: { href } });

export const presentNumberRoute = (base: string, r: NumberRoute) => ({
  number: r.number,
  forward_to: r.forward_to,
  ring_timeout: r.ring_timeout,
  ...(r.caller_id ? { caller_id: r.caller_id } : {}),
  timestamp: r.timestamp,
  _links: link(`${base}/v1/numbers/${r.number}`),
});

export const presentLeg = (base: string, leg: Leg) => ({
  id: leg.id,
  uuid: leg.id,
  provider: leg.provider,
  conversation_id: leg.conversation_id,
  member_id: leg.member_id,
  type: 'phone',
  direction: leg.direction,
  from: { type: 'phone', number: leg.from },
  to: { type: 'phone', number: leg.to },
  status: leg.status,
  start_time: leg.start_time,
  ...(leg.answer_time ? { answer_time: leg.answer_time } : {}),
  ...(leg.end_time ? { end_time: leg.end_time } : {}),
  ...(leg.duration !== undefined ? { duration: leg.duration } : {}),
  ...(leg.reason ? { reason: leg.reason } : {}),
  status_history: leg.status_history,
  _links: link(`${base}/v1/legs/${encodeURIComponent(leg.id)}`),
});

/** v0.1 spells the initiator flag `isSystem`. */
const legacyInitiator = (initiator: Member['initiator']) => {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [which, i] of Object.entries(initiator) as [string, Initiator | undefined][])
    if (i) out[which] = { isSystem: i.is_system, user_id: i.user_id, member_id: i.member_id };
  return out;
};

/** The 2017 `/beta` and `/v0.1` conversation: `uuid`, `members[]` inline, `numbers: {}`. */
export const presentLegacyConversation = (
  base: string,
  prefix: '/beta' | '/v0.1',
  c: Conversation,
  members: Member[],
) => ({
  uuid: c.id,
  name: c.name,
  ...(c.display_name ? { display_name: c.display_name } : {}),
  ...(c.image_url ? { image_url: c.image_url } : {}),
  state: c.state,
  timestamp: c.timestamp,
  sequence_number: c.sequence_number,
  numbers: {},
  properties: c.properties,
  members: members.map((m) => ({
    member_id: m.id,
    user_id: m.user_id,
    name: m.user_name,
    state: m.state,
    timestamp: m.timestamp,
    ...(m.invited_by ? { invited_by: m.invited_by } : {}),
    channel: m.channel,
    initiator: legacyInitiator(m.initiator),
  })),
  _links: link(`${base}${prefix}/conversations/${c.id}`),
});

/** An item of the legacy list: `uuid`, `name`, its `href` and `_links.self.href` (SPEC-V01). */
export const presentLegacyConversationItem = (base: string, prefix: '/beta' | '/v0.1', c: Conversation) => {
  const href = `${base}${prefix}/conversations/${c.id}`;
  return { uuid: c.id, name: c.name, href, _links: link(href) };
};

export interface LegacyPage {
  pageSize: number;
  recordIndex: number;
  more: boolean;
  /** The request's other query parameters (filters, order), kept in every link. */
  query: Record<string, string>;
}

/**
 * The legacy list envelope: `count` (the records in this response), `page_size`, `record_index`, and
 * `_links.self`, with `next` / `prev` at the neighbouring offsets when there are records there.
 */
export const presentLegacyConversationList = (
  base: string,
  prefix: '/beta' | '/v0.1',
  conversations: Conversation[],
  page: LegacyPage,
) => {
  const at = (recordIndex: number) => {
    const params = new URLSearchParams(page.query);
    params.set('page_size', String(page.pageSize));
    params.set('record_index', String(recordIndex));
    return { href: `${base}${prefix}/conversations?${params}` };
  };
  return {
    count: conversations.length,
    page_size: page.pageSize,
    record_index: page.recordIndex,
    _links: {
      self: at(page.recordIndex),
      ...(page.more ? { next: at(page.recordIndex + page.pageSize) } : {}),
      ...(page.recordIndex > 0 ? { prev: at(Math.max(0, page.recordIndex - page.pageSize)) } : {}),
    },
    _embedded: { conversations: conversations.map((c) => presentLegacyConversationItem(base, prefix, c)) },
  };
};
