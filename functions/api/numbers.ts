/** Number routes (admin): which numbers Parley answers and where it forwards their calls. */
import { config } from '../config.ts';
import { nowIso } from '../domain/ids.ts';
import { buildNumberRoute, numberRouteNotFound, requireNumber } from '../domain/numbers.ts';
import { requireAdmin } from '../http/auth.ts';
import { baseUrl, pageLinks, pageRequest } from '../http/paging.ts';
import { json, noContent } from '../http/respond.ts';
import { route } from '../http/route.ts';
import {
  deleteNumberRoute,
  getNumberRoute,
  listNumberRoutes,
  putNumberRoute,
} from '../store/numbers-repo.ts';
import { presentNumberRoute } from './present-voice.ts';
import { listNumbersQuery, numberRouteBody } from './schemas.ts';

const base = (event: Parameters<typeof baseUrl>[0]) => baseUrl(event, config().publicBaseUrl);

export const put = route({ body: numberRouteBody }, async ({ event, params, body }) => {
  requireAdmin(event);
  const number = requireNumber(params.number, 'number');
  const previous = await getNumberRoute(number);
  const next = buildNumberRoute(number, body, nowIso(), previous);
  const { created } = await putNumberRoute(next);
  return json(created ? 201 : 200, presentNumberRoute(base(event), next));
});

export const get = route({}, async ({ event, params }) => {
  requireAdmin(event);
  const found = await getNumberRoute(requireNumber(params.number, 'number'));
  if (!found) throw numberRouteNotFound();
  return json(200, presentNumberRoute(base(event), found));
});

export const remove = route({}, async ({ event, params }) => {
  requireAdmin(event);
  if (!(await deleteNumberRoute(requireNumber(params.number, 'number')))) throw numberRouteNotFound();
  return noContent();
});

export const list = route({ query: listNumbersQuery }, async ({ event, query }) => {
  requireAdmin(event);
  const { order, pageSize, cursor } = pageRequest(query);
  const b = base(event);
  const page = await listNumberRoutes({ order, pageSize, cursor });
  return json(200, {
    page_size: pageSize,
    _embedded: { numbers: page.items.map((r) => presentNumberRoute(b, r)) },
    _links: pageLinks(event, b, page, pageSize, order),
  });
});
