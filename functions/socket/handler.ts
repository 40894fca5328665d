/**
 * The socket Lambda: API Gateway WebSocket `$connect`, `$default` and `$disconnect`, the greeting a
 * connect leaves for an asynchronous invocation of itself, and the scheduled heartbeat. `$default` answers
 * what the protocol answers at once (pongs, acks, `session:logged-out`) as its route response.
 */
import type { Context } from 'aws-lambda';
import { DomainError } from '../domain/errors.ts';
import type { SessionCaller } from '../domain/use-cases/sessions.ts';
import { sessionCallerOf, verifyToken } from '../http/auth.ts';
import { log } from '../http/log.ts';
import { realtime } from '../parley-socket.ts';
import { ackFrame, decodeFrame, eventFrame, type Incoming, pongFrame } from './codec.ts';
import type { EphemeralInvocation, GreetInvocation } from './gateway.ts';

/** The part of an API Gateway WebSocket event this handler reads. */
export interface SocketEvent {
  requestContext: { routeKey: string; connectionId: string; requestId?: string };
  queryStringParameters?: Record<string, string | undefined> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
}

/** An EventBridge schedule's event: the heartbeat round. */
interface ScheduledEvent {
  source: 'aws.events';
  'detail-type': string;
}

export interface SocketResult {
  statusCode: number;
  body?: string;
}

const ok = (body?: string): SocketResult =>
  body === undefined ? { statusCode: 200 } : { statusCode: 200, body };

const callerOf = async (token: string): Promise<SessionCaller> => sessionCallerOf(await verifyToken(token));

/** A refused connect: the gateway answers the upgrade with this status and the client sees a connect error. */
const refuse = (error: unknown): SocketResult => {
  if (error instanceof DomainError) return { statusCode: error.code.startsWith('system:error:') ? 500 : 401 };
  log('error', 'socket connect failed', { error: error instanceof Error ? error.message : String(error) });
  return { statusCode: 500 };
};

const onConnect = async (event: SocketEvent): Promise<SocketResult> => {
  const query = event.queryStringParameters ?? {};
  const protocol = query.EIO === '3' ? 3 : query.EIO === '4' ? 4 : undefined;
  if (!protocol || (query.transport && query.transport !== 'websocket')) return { statusCode: 400 };
  try {
    const caller = query.token ? await callerOf(query.token) : undefined;
    await realtime.connect(caller, {
      connectionId: event.requestContext.connectionId,
      protocol,
      sessionId: query.session_id || undefined,
    });
    return ok();
  } catch (error) {
    return refuse(error);
  }
};

/** The id a request over the socket carries (`tid`), which its reply names as `rid`. */
const tidOf = (data: unknown): unknown =>
  typeof data === 'object' && data !== null ? (data as { tid?: unknown }).tid : undefined;

/** In-app voice needs a media server: its requests over the socket get this error. */
const VOICE_ERROR = {
  code: 'rtc:error:not-supported',
  description: 'In-app voice (WebRTC) is not available on this server: it serves messaging only.',
};

const onEvent = async (
  connectionId: string,
  frame: Extract<Incoming, { kind: 'event' }>,
): Promise<SocketResult> => {
  const rid = tidOf(frame.data);
  if (frame.name === 'session:logout') {
    await realtime.logout(connectionId);
    return ok(eventFrame('session:logged-out', { rid, body: {} }));
  }
  if (frame.ackId !== undefined) return ok(ackFrame(frame.ackId));
  if (rid === undefined) return ok();
  if (frame.name.startsWith('rtc:') || frame.name.startsWith('audio:'))
    return ok(eventFrame('rtc:error', { rid, type: 'rtc:error', body: VOICE_ERROR }));
  return ok(
    eventFrame('system:error:unsupported', {
      rid,
      type: 'system:error:unsupported',
      body: {
        code: 'system:error:unsupported',
        description: `"${frame.name}" is not served over the socket.`,
      },
    }),
  );
};

const onFrame = async (event: SocketEvent): Promise<SocketResult> => {
  const raw = event.body ?? '';
  const frame = decodeFrame(event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw);
  const { connectionId } = event.requestContext;
  switch (frame.kind) {
    case 'ping':
      // engine.io 3 clients ping; 4 clients only answer the server's pings.
      return ok(pongFrame());
    case 'event':
      return onEvent(connectionId, frame);
    default:
      // pongs, the client's socket.io connect (the greeting already answered it), acks, closes.
      return ok();
  }
};

const isEphemeral = (event: unknown): event is EphemeralInvocation =>
  typeof (event as EphemeralInvocation | null)?.parleyEphemeral?.conversationId === 'string';

const isGreeting = (event: unknown): event is GreetInvocation =>
  typeof (event as GreetInvocation | null)?.parleyGreet === 'string';

const isSchedule = (event: unknown): event is ScheduledEvent =>
  (event as ScheduledEvent | null)?.source === 'aws.events';

export const handler = async (
  event: SocketEvent | GreetInvocation | EphemeralInvocation | ScheduledEvent,
  _context?: Context,
): Promise<SocketResult | undefined> => {
  if (isEphemeral(event)) {
    await realtime.deliver([event.parleyEphemeral]);
    return undefined;
  }
  if (isGreeting(event)) {
    await realtime.greet(event.parleyGreet);
    return undefined;
  }
  if (isSchedule(event)) {
    const round = await realtime.heartbeat();
    log('info', 'socket heartbeat', round);
    return undefined;
  }
  switch (event.requestContext.routeKey) {
    case '$connect':
      return onConnect(event);
    case '$disconnect':
      await realtime.disconnect(event.requestContext.connectionId);
      return ok();
    default:
      return onFrame(event);
  }
};
