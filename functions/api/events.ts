import { notFound } from '../domain/errors.ts';
import { linkBase as base, listPage, pageRequest } from '../http/paging.ts';
import { json, noContent } from '../http/respond.ts';
import { type RouteInput, route } from '../http/route.ts';
import { parley } from '../parley.ts';
import { actorOf } from './actor.ts';
import { presentEvent } from './present.ts';
import { type EventBody, eventBody, legacyEventBody, listEventsQuery } from './schemas.ts';

/** Event ids in paths are positive integers; anything else names no event. */
const eventIdOf = (raw: string): number => {
  if (!/^\d{1,10}$/.test(raw) || Number(raw) < 1) throw notFound.event();
  return Number(raw);
};

const post = async ({ event, params, body }: RouteInput<EventBody, unknown>) => {
  const posted = await parley.events.post(actorOf(event), params.conversation_id, body);
  return json(201, presentEvent(base(event), params.conversation_id, posted));
};

export const create = route({ body: eventBody }, post);

/** `/beta` (nexmo-client 9.x): the v1 events and the legacy `text` ones, through the same use-case. */
export const createLegacy = route({ body: legacyEventBody }, post);

export const list = route({ query: listEventsQuery }, async ({ event, params, query }) => {
  const paging = pageRequest(event, query);
  const page = await parley.events.list(actorOf(event), params.conversation_id, {
    ...paging,
    startId: query.start_id,
    endId: query.end_id,
    types: query.event_type,
    excludeDeleted: query.exclude_deleted_events,
    group: query.filter_group_type,
  });
  // §1.3: the events list embeds a bare array.
  return listPage(event, paging, page, undefined, (b, e) => presentEvent(b, params.conversation_id, e));
});

export const get = route({}, async ({ event, params }) => {
  const found = await parley.events.get(actorOf(event), params.conversation_id, eventIdOf(params.event_id));
  return json(200, presentEvent(base(event), params.conversation_id, found));
});

export const remove = route({}, async ({ event, params }) => {
  await parley.events.remove(actorOf(event), params.conversation_id, eventIdOf(params.event_id));
  return noContent();
});
