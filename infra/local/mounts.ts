import { handler as api } from '../../functions/api/router.ts';
import { handler as docs } from '../../functions/docs/handler.ts';
import { handler as fanOut } from '../../functions/fanout/handler.ts';
import { handler as twilio } from '../../functions/twilio/handler.ts';
import { handler as voice } from '../../functions/voice/handler.ts';
import type { Mount } from './dev-server.ts';
import type { StreamHandler } from './stream-tail.ts';

/** The Lambdas the dev server serves, matched in order, as API Gateway routes them in the stack. */
export const mounts = (): Mount[] => [
  { route: { method: 'GET', path: '/v1/openapi.json' }, handler: docs },
  { prefix: '/voice/', handler: voice },
  { prefix: '/twilio/', handler: twilio },
  { prefix: '/', handler: api },
];

/** The handler the table's stream feeds, as the stack's event source mapping feeds the fan-out Lambda. */
export const streamHandler = (): StreamHandler => fanOut;
