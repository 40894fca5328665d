import { handler as api } from '../../functions/api/router.ts';
import { handler as docs } from '../../functions/docs/handler.ts';
import { handler as fanOut } from '../../functions/fanout/handler.ts';
import { handler as socket } from '../../functions/socket/handler.ts';
import { handler as voice } from '../../functions/voice/handler.ts';
import type { Mount } from './dev-server.ts';
import type { SocketMount } from './socket-gateway.ts';
import type { StreamHandler } from './stream-tail.ts';

/** The Lambdas the dev server serves, matched in order, as API Gateway routes them in the stack. */
export const mounts = (): Mount[] => [
  { route: { method: 'GET', path: '/v1/openapi.json' }, handler: docs },
  { prefix: '/voice/', handler: voice },
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
