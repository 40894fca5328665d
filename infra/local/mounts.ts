import { handler as api } from '../../functions/api/router.ts';
import { handler as voice } from '../../functions/voice/handler.ts';
import type { Mount } from './dev-server.ts';

/** The Lambdas the dev server serves, by path prefix, as API Gateway routes them in the stack. */
export const mounts = (): Mount[] => [
  { prefix: '/voice/', handler: voice },
  { prefix: '/', handler: api },
];
