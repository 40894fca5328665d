import { config } from '../config.ts';
import { notFound } from '../domain/errors.ts';
import { baseUrl, pageLinks, pageRequest } from '../http/paging.ts';
import { json, noContent } from '../http/respond.ts';
import { route } from '../http/route.ts';
import { parley } from '../parley.ts';
import { actorOf } from './actor.ts';
import { presentEvent } from './present.ts';
import { eventBody, listEventsQuery } from './schemas.ts';
import { write } from './write.ts';

const base = (event: Parameters<typeof baseUrl>[0]) => baseUrl(event, config().publicBaseUrl);

/** Event ids in paths are positive integers; anything else names no event. */
const eventIdOf = (raw: string): number => {
  if (!/^\d{1,10}$/.test(raw) || Number(raw) < 1) throw notFound.event();
  return Number(raw);
};

export const create = route({ body: eventBody }, ({ event, params, body }) =>
  write(
    event,
    (receipt) => parley.events.post(actorOf(event), params.conversation_id, body, receipt),
    (posted) => json(201, presentEvent(base(event), params.conversation_id, posted)),
  ),
);

export const list = route({ query: listEventsQuery }, async ({ event, params, query }) => {
  const paging = pageRequest(event, query);
  const page = await parley.events.list(actorOf(event), params.conversation_id, {
    ...paging,
    startId: query.start_id,
    endId: query.end_id,
    types: query.event_type,
    excludeDeleted: query.exclude_deleted_events,
  });
  const b = base(event);
  return json(200, {
    page_size: paging.pageSize,
    // §1.3: the events list embeds a bare array.
    _embedded: page.items.map((e) => presentEvent(b, params.conversation_id, e)),
    _links: pageLinks(event, b, page, paging.pageSize, paging.order),
  });
});

export const get = route({}, async ({ event, params }) => {
  const found = await parley.events.get(actorOf(event), params.conversation_id, eventIdOf(params.event_id));
  return json(200, presentEvent(base(event), params.conversation_id, found));
});

export const remove = route({}, ({ event, params }) => {
  const id = eventIdOf(params.event_id);
  return write(
    event,
    (receipt) => parley.events.remove(actorOf(event), params.conversation_id, id, receipt),
    noContent,
  );
});
