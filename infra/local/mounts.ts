import { handler as api } from '../../functions/api/router.ts';
import type { Mount } from './dev-server.ts';

/** The Lambdas the dev server serves, by path prefix, as API Gateway routes them in the stack. */
export const mounts = (): Mount[] => [{ prefix: '/', handler: api }];
