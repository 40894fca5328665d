/**
 * The live sessions' sink: each new event goes to the Client SDK sessions of the users who may read it
 * (functions/domain/use-cases/sessions.ts `deliver`), each session's events in id order. Edits are not
 * pushed: the Vonage Client SDKs have no event for them.
 */
import type { StreamedEvent } from '../domain/events.ts';
import { realtime } from '../parley-socket.ts';

export const socketSink = {
  name: 'sockets',
  deliver: (events: readonly StreamedEvent[]): Promise<void> =>
    realtime.deliver(
      events.filter((e) => !e.edit).map(({ conversationId, event }) => ({ conversationId, event })),
    ),
};
