/**
 * The webhook admin surface's endpoints by `METHOD path`, with what each accepts. No handler code here,
 * so the OpenAPI document can list them without loading the store.
 */
import type { RouteContract } from '../http/route.ts';
import type { RouteKey } from '../http/router.ts';
import { applicationBody, listDeliveriesQuery, replayBody } from './schemas.ts';

export const webhookContracts = {
  'GET /v2/applications/{application_id}': {},
  'PUT /v2/applications/{application_id}': { body: applicationBody },
  'GET /v1/webhooks/deliveries': { query: listDeliveriesQuery },
  'POST /v1/webhooks/deliveries/{delivery_id}/redeliver': {},
  'POST /v1/webhooks/replay': { body: replayBody },
} as const satisfies Record<RouteKey, RouteContract>;

export type WebhookRouteKey = keyof typeof webhookContracts;

/** The path prefixes the stack and the dev server send to the webhook admin Lambda. */
export const WEBHOOK_ADMIN_PREFIXES = ['/v2/applications/', '/v1/webhooks/'] as const;
