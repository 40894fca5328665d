/** Number routes (admin): which numbers Parley answers and where it forwards their calls. */
import { linkBase as base, listPage, pageRequest } from '../http/paging.ts';
import { json, noContent } from '../http/respond.ts';
import { route } from '../http/route.ts';
import { parleyCalls } from '../parley-calls.ts';
import { actorOf } from './actor.ts';
import { presentNumberRoute } from './present-voice.ts';
import { listNumbersQuery, numberRouteBody } from './schemas.ts';
import { write } from './write.ts';

export const put = route({ body: numberRouteBody }, ({ event, params, body }) =>
  write(
    event,
    (receipt) => parleyCalls.numbers.put(actorOf(event), params.number, body, receipt),
    ({ route: saved, created }) => json(created ? 201 : 200, presentNumberRoute(base(event), saved)),
  ),
);

export const get = route({}, async ({ event, params }) => {
  const found = await parleyCalls.numbers.get(actorOf(event), params.number);
  return json(200, presentNumberRoute(base(event), found));
});

export const remove = route({}, ({ event, params }) =>
  write(event, (receipt) => parleyCalls.numbers.remove(actorOf(event), params.number, receipt), noContent),
);

export const list = route({ query: listNumbersQuery }, async ({ event, query }) => {
  const paging = pageRequest(event, query);
  const page = await parleyCalls.numbers.list(actorOf(event), paging);
  return listPage(event, paging, page, 'numbers', presentNumberRoute);
});
