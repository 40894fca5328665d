/** Conversation events: what is stored per event, and the system events Parley writes itself. */
import type { Member } from './members.ts';

export interface EventUser {
  id: string;
  name: string;
  display_name?: string | null;
  image_url?: string | null;
  custom_data?: Record<string, unknown>;
}

export interface ConversationEvent {
  /** Per-conversation integer id: 1, 2, 3, … without gaps. */
  id: number;
  type: string;
  /** Member id of the sender; absent for events of the system. */
  from?: string;
  to?: string;
  body: Record<string, unknown>;
  timestamp: string;
  /** The sender's user at the time of the event, for `_embedded.from_user`. */
  from_user?: EventUser;
  /** For `message` events: how many messages the conversation holds up to and including this one. */
  message_index?: number;
  /** Set when the event was deleted: its body is gone, a tombstone stays. */
  deleted?: string;
}

/** An event before the conversation assigns its id. */
export type NewEvent = Omit<ConversationEvent, 'id'>;

const memberUser = (m: Member) => ({
  id: m.user_id,
  user_id: m.user_id,
  member_id: m.id,
  name: m.user_name,
  display_name: m.user_display_name ?? undefined,
});

const initiatorBody = (m: Member, which: 'invited' | 'joined' | 'left') => {
  const i = m.initiator[which];
  return i ? { [which]: { isSystem: i.is_system, member_id: i.member_id, user_id: i.user_id } } : undefined;
};

/** `member:invited`, `member:joined` or `member:left` for a member in its new state. */
export const memberEvent = (
  member: Member,
  conversation: { id: string; name: string; display_name?: string | null; image_url?: string | null },
  now: string,
  from?: string,
): NewEvent => {
  const which = member.state === 'INVITED' ? 'invited' : member.state === 'JOINED' ? 'joined' : 'left';
  const body: Record<string, unknown> = {
    member_id: member.id,
    user: memberUser(member),
    channel: member.channel,
    media: member.media,
    timestamp: member.timestamp,
    initiator: initiatorBody(member, which),
  };
  if (which === 'invited') {
    body.invited_by = member.invited_by;
    body.conversation = {
      conversation_id: conversation.id,
      name: conversation.name,
      display_name: conversation.display_name ?? undefined,
      image_url: conversation.image_url ?? undefined,
    };
  }
  if (which === 'left' && member.reason) body.reason = member.reason;
  return { type: `member:${which}`, from: from ?? member.id, body, timestamp: now };
};
