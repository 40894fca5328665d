import { config } from '../config.ts';
import { notFound } from '../domain/errors.ts';
import { deleteEvent, getEvent, postEvent } from '../domain/event-service.ts';
import { nowIso } from '../domain/ids.ts';
import { retry } from '../domain/retry.ts';
import { baseUrl, pageLinks, pageRequest } from '../http/paging.ts';
import { json, noContent } from '../http/respond.ts';
import { route } from '../http/route.ts';
import { getConversationItem } from '../store/conversations-repo.ts';
import { eventStore, listEvents } from '../store/events-repo.ts';
import { actorOf } from './actor.ts';
import { presentEvent } from './present.ts';
import { eventBody, listEventsQuery } from './schemas.ts';

const base = (event: Parameters<typeof baseUrl>[0]) => baseUrl(event, config().publicBaseUrl);

/** Event ids in paths are positive integers; anything else names no event. */
const eventIdOf = (raw: string): number => {
  if (!/^\d{1,10}$/.test(raw) || Number(raw) < 1) throw notFound.event();
  return Number(raw);
};

export const create = route({ body: eventBody }, async ({ event, params, body }) => {
  const actor = actorOf(event);
  const posted = await retry(() => postEvent(eventStore, actor, params.conversation_id, body, nowIso()));
  return json(201, presentEvent(base(event), params.conversation_id, posted));
});

export const list = route({ query: listEventsQuery }, async ({ event, params, query }) => {
  const { order, pageSize, cursor } = pageRequest(query);
  const page = await listEvents(params.conversation_id, {
    order,
    pageSize,
    cursor,
    startId: query.start_id,
    endId: query.end_id,
    types: query.event_type,
    excludeDeleted: query.exclude_deleted_events,
  });
  if (page.items.length === 0 && !(await getConversationItem(params.conversation_id)))
    throw notFound.conversation();
  const b = base(event);
  return json(200, {
    page_size: pageSize,
    // §1.3: the events list embeds a bare array.
    _embedded: page.items.map((e) => presentEvent(b, params.conversation_id, e)),
    _links: pageLinks(event, b, page, pageSize, order),
  });
});

export const get = route({}, async ({ event, params }) => {
  const found = await getEvent(eventStore, params.conversation_id, eventIdOf(params.event_id));
  return json(200, presentEvent(base(event), params.conversation_id, found));
});

export const remove = route({}, async ({ event, params }) => {
  const actor = actorOf(event);
  const eventId = eventIdOf(params.event_id);
  await retry(() => deleteEvent(eventStore, actor, params.conversation_id, eventId, nowIso()));
  return noContent();
});
