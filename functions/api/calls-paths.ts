/**
 * What API Gateway sends to the calls Lambda (functions/api/calls-router.ts): its HTTP API routes, more
 * specific than `ANY /{proxy+}`, so preferred over the API Lambda's catch-all.
 */
export const CALLS_ROUTES = [
  { method: 'ANY', path: '/v1/numbers' },
  { method: 'ANY', path: '/v1/numbers/{proxy+}' },
  { method: 'ANY', path: '/v1/legs/{proxy+}' },
  { method: 'GET', path: '/v1/conversations/{conversation_id}/legs' },
] as const;
