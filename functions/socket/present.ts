/**
 * What a session receives, as frames: the same event body the REST API returns (`presentEvent`), plus the
 * conversation id the SDKs route by (`cid`, and `conversation_id` for @vonage/client-sdk's invites).
 */
import { presentEvent } from '../api/present.ts';
import type { Connection, Outgoing, SessionEvent } from '../domain/sessions.ts';
import { connectFrame, disconnectFrame, eventFrame, type Heartbeat, openFrame, pingFrame } from './codec.ts';

/** No audio, as Vonage says of an app invite: @vonage/client-sdk drops a `member:invited` without it. */
const NO_AUDIO = { audio_settings: { enabled: false, earmuffed: false, muted: false }, audio: false };

const withInviteMedia = (body: Record<string, unknown>) => {
  const media = body.media as { audio_settings?: unknown } | undefined;
  return media?.audio_settings ? body : { ...body, media: { ...NO_AUDIO, ...media } };
};

/**
 * An event as pushed. A `member:*` event comes `from` the member it is about: the SDKs update the member
 * named in `from`, so the inviter's id there would rebind one user's session to another member.
 */
export const pushedEvent = (base: string, { conversationId, event }: SessionEvent) => {
  const presented = presentEvent(base, conversationId, event);
  const subject = event.type.startsWith('member:') ? event.body.member_id : undefined;
  return {
    ...presented,
    ...(event.type === 'member:invited' ? { body: withInviteMedia(presented.body) } : {}),
    ...(typeof subject === 'string' ? { from: subject } : {}),
    cid: conversationId,
    conversation_id: conversationId,
  };
};

/** The body of `session:success`. */
export const sessionBody = (connection: Connection, apiKey: string, pending: unknown[] | undefined) => ({
  id: connection.sessionId,
  user_id: connection.userId,
  name: connection.userName,
  api_key: apiKey,
  ...(pending && pending.length > 0 ? { pending_events: pending } : {}),
});

/** The frames of one message to one connection. */
export const framesOf = (
  base: string,
  heartbeat: Heartbeat,
  connection: Connection,
  message: Outgoing,
): string[] => {
  switch (message.kind) {
    case 'open':
      return connection.protocol === 4
        ? [openFrame(connection.id, heartbeat), connectFrame(connection.id, 4)]
        : [openFrame(connection.id, heartbeat), connectFrame(connection.id, 3)];
    case 'session': {
      const pending = message.pending.map((item) => pushedEvent(base, item));
      // nexmo-client ≤ 8 reads no `pending_events`: a resumed session gets the events it missed as pushes.
      const inline = connection.protocol === 4;
      return [
        eventFrame('session:success', {
          ...(message.replyTo !== undefined ? { rid: message.replyTo } : {}),
          body: sessionBody(connection, message.apiKey, inline ? pending : undefined),
        }),
        ...(inline ? [] : pending.map((event) => eventFrame(event.type, event))),
      ];
    }
    case 'event':
      return [eventFrame(message.item.event.type, pushedEvent(base, message.item))];
    case 'ping':
      return [pingFrame()];
    case 'end':
      return [disconnectFrame()];
  }
};
