import { CALLS_ROUTES } from '../../functions/api/calls-paths.ts';
import { handler as calls } from '../../functions/api/calls-router.ts';
import { CLIENT_PREFIXES } from '../../functions/api/client-paths.ts';
import { handler as client } from '../../functions/api/client-router.ts';
import { handler as api } from '../../functions/api/router.ts';
import { handler as docs } from '../../functions/docs/handler.ts';
import { handler as fanOut } from '../../functions/fanout/handler.ts';
import { handler as socket } from '../../functions/socket/handler.ts';
import { handler as twilio } from '../../functions/twilio/handler.ts';
import { handler as voice } from '../../functions/voice/handler.ts';
import { handler as webhooksAdmin } from '../../functions/webhooks/admin.ts';
import { WEBHOOK_ADMIN_PREFIXES } from '../../functions/webhooks/routes.ts';
import { handler as webhookSender } from '../../functions/webhooks/sender.ts';
import type { Mount } from './dev-server.ts';
import type { SocketMount } from './socket-gateway.ts';
import { pokingAfter, type StreamHandler } from './stream-tail.ts';

/** The Lambdas the dev server serves, matched in order, as API Gateway routes them in the stack. */
export const mounts = (): Mount[] => [
  { route: { method: 'GET', path: '/v1/openapi.json' }, handler: docs },
  { prefix: '/voice/', handler: voice },
  { prefix: '/twilio/', handler: twilio },
  ...WEBHOOK_ADMIN_PREFIXES.map((prefix) => ({ prefix, handler: webhooksAdmin })),
  ...CLIENT_PREFIXES.map((prefix) => ({ prefix, handler: client })),
  // Number routes and legs, as the stack's specific routes send them to the calls Lambda.
  ...CALLS_ROUTES.map(
    ({ method, path }): Mount =>
      path.endsWith('/{proxy+}')
        ? { prefix: path.slice(0, -'{proxy+}'.length), handler: calls }
        : { route: { method, path }, handler: calls },
  ),
  { prefix: '/', handler: api },
];

/** The handler the table's stream feeds, as the stack's event source mapping feeds the fan-out Lambda. */
export const streamHandler = (): StreamHandler => fanOut;

/** The function name the socket Lambda goes by locally (SOCKET_FUNCTION_NAME). */
export const SOCKET_FUNCTION_NAME = 'parley-socket';

/** The WebSocket API: the socket paths of every Client SDK version, served by the socket Lambda. */
export const socketMount = (heartbeatMs: number): SocketMount => ({
  paths: ['/v2/rtc', '/rtc'],
  functionName: SOCKET_FUNCTION_NAME,
  handler: socket,
  heartbeatMs,
});
/** The handler the delivery queue feeds, as the stack's SQS event source feeds the webhook sender Lambda. */
export const deliveryQueueHandler = () => webhookSender;

/** The mounts with each handler followed by `poke` (the stream tail's), so what it wrote is tailed at once. */
export const pokingMounts = (list: Mount[], poke: () => void): Mount[] =>
  list.map((m) => ({ ...m, handler: pokingAfter(m.handler, poke) }));

/** The socket mount with its handler followed by `poke`, as `pokingMounts`. */
export const pokingSocket = (mount: SocketMount, poke: () => void): SocketMount => ({
  ...mount,
  handler: pokingAfter(mount.handler, poke),
});
