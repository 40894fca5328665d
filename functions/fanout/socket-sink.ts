/**
 * The live sessions' sink: each new event goes to the Client SDK sessions of the users who may read it
 * (functions/domain/use-cases/sessions.ts `deliver`), each session's events in id order.
 */
import type { SessionEvent } from '../domain/sessions.ts';
import { realtime } from '../parley-socket.ts';

export const socketSink = {
  name: 'sockets',
  deliver: (events: readonly SessionEvent[]): Promise<void> => realtime.deliver(events),
};
