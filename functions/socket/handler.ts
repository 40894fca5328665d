/**
 * The socket Lambda: API Gateway WebSocket `$connect`, `$default` and `$disconnect`, the greeting a
 * connect leaves for an asynchronous invocation of itself, the events the API does not store (handed over
 * by an asynchronous invocation too: to the sessions, and queued for the application's event_url), and
 * the scheduled heartbeat. `$default` answers what the protocol answers at once (pongs, acks,
 * `session:logged-out`) as its route response.
 */
import type { Context } from 'aws-lambda';
import { authError, DomainError } from '../domain/errors.ts';
import type { SessionCaller } from '../domain/use-cases/sessions.ts';
import { sessionCallerOf, verifyToken } from '../http/auth.ts';
import { log } from '../http/log.ts';
import { realtime } from '../parley-socket.ts';
import { parleyWebhooks } from '../parley-webhooks.ts';
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

/**
 * Runs `act` with the caller of the token a message carries (`body.token`); a refusal is answered as the
 * reply to the message (its `rid`), with the error's code as the event.
 */
const withToken = async (
  data: unknown,
  rid: unknown,
  act: (caller: SessionCaller) => Promise<SocketResult>,
): Promise<SocketResult> => {
  const token = (data as { body?: { token?: unknown } } | undefined)?.body?.token;
  try {
    if (typeof token !== 'string' || token === '') throw authError.missing();
    return await act(await callerOf(token));
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const body = { code: error.code, description: error.detail };
    return ok(eventFrame(error.code, { rid, type: error.code, body }));
  }
};

const onEvent = async (
  connectionId: string,
  frame: Extract<Incoming, { kind: 'event' }>,
): Promise<SocketResult> => {
  const rid = tidOf(frame.data);
  // nexmo-client ≤ 8 logs in and refreshes its token by messages (9.x: the socket query, and REST).
  if (frame.name === 'session:login')
    return withToken(frame.data, rid, async (caller) => {
      await realtime.login(connectionId, caller, rid);
      return ok();
    });
  if (frame.name === 'session:update-token')
    return withToken(frame.data, rid, async (caller) => {
      const connection = await realtime.connection(connectionId);
      if (!connection?.userId) throw authError.missing();
      await realtime.refresh(caller, connection.sessionId);
      return ok(eventFrame('session:update-token:success', { rid, body: {} }));
    });
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

/**
 * An event the API answered without storing it (typing, `ephemeral`): to the conversation's live sessions
 * and to the application's event_url, each whatever becomes of the other. A failure of either is logged
 * and the invocation reported failed once both are done (the SDK clients have retried it already; the
 * function's own asynchronous retries are off, for the heartbeat's sake: infra/realtime.ts). Lambda may
 * still hand the same invocation over twice, as its asynchronous queue may; the sessions then see the
 * event twice (harmless for typing), and the webhook delivery is the same one (its id derives from the
 * event), not a second.
 */
const announce = async (item: EphemeralInvocation['parleyEphemeral']): Promise<void> => {
  const [sessions, webhook] = await Promise.allSettled([
    realtime.deliver([item]),
    parleyWebhooks.deliveries.queueEphemeral(item.conversationId, item.event),
  ]);
  const failed = [
    { to: 'sessions', result: sessions },
    { to: 'event_url', result: webhook },
  ].filter((f) => f.result.status === 'rejected');
  for (const { to, result } of failed) {
    const reason = (result as PromiseRejectedResult).reason;
    log('error', 'ephemeral event not handed on', {
      to,
      conversationId: item.conversationId,
      type: item.event.type,
      error: reason instanceof Error ? reason.message : String(reason),
    });
  }
  if (failed.length > 0)
    throw new Error(`ephemeral event not handed on to ${failed.map((f) => f.to).join(', ')}`);
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
    await announce(event.parleyEphemeral);
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
