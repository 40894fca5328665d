import { handler as api } from '../../functions/api/router.ts';
import { handler as docs } from '../../functions/docs/handler.ts';
import { handler as voice } from '../../functions/voice/handler.ts';
import { handler as webhooksAdmin } from '../../functions/webhooks/admin.ts';
import { WEBHOOK_ADMIN_PREFIXES } from '../../functions/webhooks/routes.ts';
import type { Mount } from './dev-server.ts';

/** The Lambdas the dev server serves, matched in order, as API Gateway routes them in the stack. */
export const mounts = (): Mount[] => [
  { route: { method: 'GET', path: '/v1/openapi.json' }, handler: docs },
  { prefix: '/voice/', handler: voice },
  ...WEBHOOK_ADMIN_PREFIXES.map((prefix) => ({ prefix, handler: webhooksAdmin })),
  { prefix: '/', handler: api },
];
