/**
 * The webhook admin Lambda: the application's settings in the Application API v2 shape
 * (`GET`/`PUT /v2/applications/{id}`, what `@vonage/server-sdk`'s `applications` client calls) and the
 * inspection and replay of deliveries (`/v1/webhooks/...`). Every route is the account's: an admin JWT or
 * the API key and secret (functions/webhooks/auth.ts).
 */
import middy from '@middy/core';
import { config } from '../config.ts';
import { validationError } from '../domain/errors.ts';
import type { Application, Delivery } from '../domain/webhooks.ts';
import { errorMapper } from '../http/errors.ts';
import { log, requestLog } from '../http/log.ts';
import { baseUrl, decodeCursor, encodeCursor } from '../http/paging.ts';
import { json } from '../http/respond.ts';
import { route } from '../http/route.ts';
import { type RouteDef, routeOfKey, router } from '../http/router.ts';
import type { ApiEvent, ApiResult } from '../http/types.ts';
import { parleyWebhooks } from '../parley-webhooks.ts';
import { accountAuth } from './auth.ts';
import { type WebhookRouteKey, webhookContracts } from './routes.ts';
import { applicationBody, listDeliveriesQuery, replayBody } from './schemas.ts';

const base = (event: ApiEvent) => baseUrl(event, config().publicBaseUrl);

/** The application as the Application API presents it; its public key is the one Parley verifies with. */
const presentApplication = (b: string, app: Application) => {
  const publicKey = config().applicationPublicKey;
  return {
    id: app.id,
    name: app.name,
    capabilities: app.capabilities,
    ...(app.privacy ? { privacy: app.privacy } : {}),
    ...(publicKey ? { keys: { public_key: publicKey } } : {}),
    _links: { self: { href: `${b}/v2/applications/${app.id}` } },
  };
};

const presentDelivery = (d: Delivery) => ({
  id: d.id,
  conversation_id: d.conversation_id,
  ...(d.event_id !== undefined ? { event_id: d.event_id } : {}),
  event_type: d.event_type,
  ...(d.target ? { target: d.target } : {}),
  status: d.status,
  created: d.created,
  updated: d.updated,
  ...(d.next_attempt_at ? { next_attempt_at: d.next_attempt_at } : {}),
  ...(d.replay_of ? { replay_of: d.replay_of } : {}),
  attempts: d.attempts.slice(d.round_start),
  ...(d.round_start > 0 ? { earlier_attempts: d.attempts.slice(0, d.round_start) } : {}),
  // A Twilio delivery's payload is its form fields, shown as an object of them.
  payload: d.target === 'twilio' ? Object.fromEntries(new URLSearchParams(d.payload)) : JSON.parse(d.payload),
});

const getApplication = route({}, async ({ event, params }) =>
  json(200, presentApplication(base(event), await parleyWebhooks.application.get(params.application_id))),
);

const putApplication = route({ body: applicationBody }, async ({ event, params, body }) => {
  const { keys, ...rest } = body;
  // The key JWTs are verified with is the deployment's (APPLICATION_PUBLIC_KEY), not a setting here:
  // sending it back unchanged is fine (the SDK sends what it read), another one is refused.
  const configured = config().applicationPublicKey.trim();
  if (keys?.public_key !== undefined && keys.public_key.trim() !== configured)
    throw validationError([
      { name: 'keys.public_key', reason: 'is set by APPLICATION_PUBLIC_KEY and cannot be changed here' },
    ]);
  const saved = await parleyWebhooks.application.update(params.application_id, {
    ...rest,
    capabilities: (rest.capabilities ?? {}) as Application['capabilities'],
  });
  log('info', 'application updated', {
    applicationId: saved.id,
    eventUrlSet: saved.capabilities.rtc?.webhooks?.event_url !== undefined,
  });
  return json(200, presentApplication(base(event), saved));
});

const DELIVERIES_PATH = '/v1/webhooks/deliveries';

const listDeliveries = route({ query: listDeliveriesQuery }, async ({ event, query }) => {
  const order = query.order ?? 'asc';
  const pageSize = query.page_size ?? 10;
  // A cursor is bound to its conversation, status filter and order, like the REST API's.
  const scope = `${DELIVERIES_PATH}?conversation_id=${query.conversation_id}&status=${query.status ?? ''}&order=${order}`;
  const page = await parleyWebhooks.deliveries.list({
    conversationId: query.conversation_id,
    status: query.status,
    order,
    pageSize,
    cursor: decodeCursor(query.after, scope),
  });
  const b = base(event);
  const link = (after?: string) => {
    const params = new URLSearchParams({ conversation_id: query.conversation_id });
    if (query.status) params.set('status', query.status);
    params.set('page_size', String(pageSize));
    params.set('order', order);
    if (after) params.set('after', after);
    return { href: `${b}${DELIVERIES_PATH}?${params}` };
  };
  return json(200, {
    page_size: pageSize,
    _embedded: { deliveries: page.items.map(presentDelivery) },
    _links: {
      self: link(query.after),
      ...(page.next ? { next: link(encodeCursor(page.next, scope)) } : {}),
    },
  });
});

const redeliver = route({}, async ({ params }) =>
  json(202, presentDelivery(await parleyWebhooks.deliveries.redeliver(params.delivery_id))),
);

const replay = route({ body: replayBody }, async ({ body }) => {
  if (body.to_event_id !== undefined && body.to_event_id < body.from_event_id)
    throw validationError([
      { name: 'to_event_id', reason: 'must be greater than or equal to from_event_id' },
    ]);
  const result = await parleyWebhooks.deliveries.replay({
    conversationId: body.conversation_id,
    fromEventId: body.from_event_id,
    toEventId: body.to_event_id,
  });
  return json(202, {
    conversation_id: result.conversationId,
    from_event_id: result.fromEventId,
    ...(result.toEventId !== undefined ? { to_event_id: result.toEventId } : {}),
    deliveries: result.deliveries.map((d) => ({
      id: d.id,
      event_id: d.event_id,
      ...(d.target ? { target: d.target } : {}),
    })),
    ...(result.next !== undefined ? { next_from_event_id: result.next } : {}),
  });
});

const HANDLERS: Record<WebhookRouteKey, RouteDef['handler']> = {
  'GET /v2/applications/{application_id}': getApplication,
  'PUT /v2/applications/{application_id}': putApplication,
  'GET /v1/webhooks/deliveries': listDeliveries,
  'POST /v1/webhooks/deliveries/{delivery_id}/redeliver': redeliver,
  'POST /v1/webhooks/replay': replay,
};

export const routes: RouteDef[] = (Object.keys(webhookContracts) as WebhookRouteKey[]).map((key) => ({
  ...routeOfKey(key),
  handler: HANDLERS[key],
}));

export const handler = middy<ApiEvent, ApiResult>()
  .use(requestLog())
  .use(accountAuth())
  .use(errorMapper())
  .handler(router(routes));
