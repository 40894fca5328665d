/**
 * What a Twilio post-event describes, in the Twilio surface's own JSON (functions/twilio/present.ts):
 * the same SIDs, identities and timestamps `GET /twilio/v1/…` answers with. The event itself is the
 * message of `onMessageAdded`; the rest is read through `reads` (the composition root binds them to
 * the table).
 */
import type { Conversation } from '../domain/conversations.ts';
import type { ConversationEvent } from '../domain/events.ts';
import type { StoredMember } from '../domain/timeline-context.ts';
import { deletedEventIdOf, memberIdOfEvent } from '../domain/twilio-webhooks.ts';
import type { TwilioPresenter } from '../domain/webhook-ports.ts';
import { TWILIO_PREFIX } from '../twilio/prefix.ts';
import { presentConversation, presentMessage, presentParticipant } from '../twilio/present.ts';

export interface SubjectReads {
  member(conversationId: string, memberId: string): Promise<StoredMember | undefined>;
  event(conversationId: string, eventId: number): Promise<ConversationEvent | undefined>;
  conversation(conversationId: string): Promise<Conversation | undefined>;
}

export const twilioPresenter = (base: string, reads: SubjectReads): TwilioPresenter => {
  const root = `${base}${TWILIO_PREFIX}/v1`;
  return {
    async subjectOf(conversationId, event, subject) {
      switch (subject) {
        case 'message':
          return { subject, message: presentMessage(root, conversationId, event) };
        case 'removed-message': {
          const id = deletedEventIdOf(event);
          const target = id === undefined ? undefined : await reads.event(conversationId, id);
          // Only a deleted message is a removed message (custom events may be deleted too).
          if (target?.type !== 'message') return undefined;
          return { subject, message: presentMessage(root, conversationId, target) };
        }
        case 'participant': {
          const id = memberIdOfEvent(event);
          const member = id === undefined ? undefined : await reads.member(conversationId, id);
          return member ? { subject, participant: presentParticipant(root, member) } : undefined;
        }
        case 'conversation': {
          const conversation = await reads.conversation(conversationId);
          return conversation
            ? { subject, conversation: presentConversation(root, conversation) }
            : undefined;
        }
      }
    },
  };
};
