import { handler as api } from '../../functions/api/router.ts';
import { handler as docs } from '../../functions/docs/handler.ts';
import { handler as twilio } from '../../functions/twilio/handler.ts';
import { handler as voice } from '../../functions/voice/handler.ts';
import type { Mount } from './dev-server.ts';

/** The Lambdas the dev server serves, matched in order, as API Gateway routes them in the stack. */
export const mounts = (): Mount[] => [
  { route: { method: 'GET', path: '/v1/openapi.json' }, handler: docs },
  { prefix: '/voice/', handler: voice },
  { prefix: '/twilio/', handler: twilio },
  { prefix: '/', handler: api },
];
