/** Number routes (admin): which numbers Parley answers and where it forwards their calls. */
import { linkBase as base, listPage, pageRequest } from '../http/paging.ts';
import { json, noContent } from '../http/respond.ts';
import { route } from '../http/route.ts';
import { parley } from '../parley.ts';
import { actorOf } from './actor.ts';
import { presentNumberRoute } from './present-voice.ts';
import { listNumbersQuery, numberRouteBody } from './schemas.ts';

export const put = route({ body: numberRouteBody }, async ({ event, params, body }) => {
  const { route: saved, created } = await parley.numbers.put(actorOf(event), params.number, body);
  return json(created ? 201 : 200, presentNumberRoute(base(event), saved));
});

export const get = route({}, async ({ event, params }) => {
  const found = await parley.numbers.get(actorOf(event), params.number);
  return json(200, presentNumberRoute(base(event), found));
});

export const remove = route({}, async ({ event, params }) => {
  await parley.numbers.remove(actorOf(event), params.number);
  return noContent();
});

export const list = route({ query: listNumbersQuery }, async ({ event, query }) => {
  const paging = pageRequest(event, query);
  const page = await parley.numbers.list(actorOf(event), paging);
  return listPage(event, paging, page, 'numbers', presentNumberRoute);
});
