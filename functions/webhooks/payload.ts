/**
 * The body of a delivery: the event exactly as the REST API presents it (`GET …/events/{id}`), with the
 * conversation and the application it belongs to, as JSON text (the text that is hashed and signed).
 */
import { presentEvent } from '../api/present.ts';
import type { ConversationEvent } from '../domain/events.ts';

export const deliveryPayload = (
  base: string,
  applicationId: string,
  conversationId: string,
  event: Omit<ConversationEvent, 'id'> & { id?: number },
): string =>
  JSON.stringify({
    ...presentEvent(base, conversationId, event),
    conversation_id: conversationId,
    application_id: applicationId,
  });
