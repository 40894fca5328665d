/**
 * What the OpenAPI document says of the webhook admin surface. Documentation only: the admin Lambda
 * never imports this.
 */
import type { RouteDocs } from '../http/openapi.ts';
import type { WebhookRouteKey } from './routes.ts';
import { applicationResponse, deliveryListResponse, deliveryResponse, replayResponse } from './schemas.ts';

export const webhookRouteDocs: RouteDocs<WebhookRouteKey> = {
  'GET /v2/applications/{application_id}': {
    summary:
      'The application (Application API v2): its RTC event_url and signed_callbacks. Admin JWT or HTTP basic with the API key and secret',
    response: { status: 200, description: 'The application.', schema: applicationResponse },
    surface: 'webhooks',
  },
  'PUT /v2/applications/{application_id}': {
    summary: 'Replace the application settings: capabilities.rtc.webhooks.event_url, signed_callbacks',
    response: { status: 200, description: 'The application as stored.', schema: applicationResponse },
    surface: 'webhooks',
  },
  'GET /v1/webhooks/deliveries': {
    summary: "A conversation's webhook deliveries with their attempts, optionally of one status (admin)",
    response: { status: 200, description: 'A page of deliveries.', schema: deliveryListResponse },
    surface: 'webhooks',
  },
  'POST /v1/webhooks/deliveries/{delivery_id}/redeliver': {
    summary: 'Send a delivery again (same id and body), in a new round of attempts (admin)',
    response: { status: 202, description: 'The delivery, queued again.', schema: deliveryResponse },
    surface: 'webhooks',
  },
  'POST /v1/webhooks/replay': {
    summary: "Re-send a conversation's events from an event id on, in order, as new deliveries (admin)",
    response: { status: 202, description: 'The deliveries queued.', schema: replayResponse },
    errors: [400],
    surface: 'webhooks',
  },
};
