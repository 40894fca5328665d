/** Editing a message in place: its text and custom data change, its id and place in the timeline stay. */
import { assertWritable } from '../conversations.ts';
import { notFound } from '../errors.ts';
import { type ConversationEvent, eventErrors } from '../events.ts';
import type { Deps } from '../ports.ts';
import { retry } from '../retry.ts';
import { type Actor, requireCallerUser } from '../timeline-context.ts';
import { loadVisible } from './conversations.ts';
import { extensionsOf } from './participants.ts';

/** The fields of a message body an edit replaces; the others stay. */
export interface MessageEdit {
  text?: string;
  custom_data?: Record<string, unknown>;
}

/** Replaces fields of a `message` event's body, by an admin or the message's sender. */
export const editMessage = (
  deps: Deps,
  actor: Actor,
  conversationId: string,
  eventId: number,
  edit: MessageEdit,
): Promise<ConversationEvent> =>
  retry(async () => {
    const { ctx, conversation } = await loadVisible(deps, actor, conversationId, { eventId });
    assertWritable(conversation);
    const target = ctx.event;
    if (!target || target.deleted || target.type !== 'message') throw notFound.event();
    if (actor.kind === 'user' && target.from_user?.id !== requireCallerUser(ctx).id)
      throw eventErrors.deleteNotSender();
    const now = deps.now();
    const body = { ...target.body, ...edit };
    const done = await extensionsOf(deps).editEvent({ conversationId, eventId, body, now });
    if (!done) throw notFound.event();
    return { ...target, body, edited: now };
  });
