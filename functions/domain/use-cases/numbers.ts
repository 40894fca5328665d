/** Number routes (admin only): which numbers Parley answers and where it forwards their calls. */
import { authError, notFound } from '../errors.ts';
import type { Receipt } from '../idempotency.ts';
import { buildNumberRoute, type NumberRoute, type NumberRouteInput, requireNumber } from '../numbers.ts';
import type { Deps, Page, PageQuery } from '../ports.ts';
import type { Actor } from '../timeline-context.ts';

const requireAdmin = (actor: Actor): void => {
  if (actor.kind !== 'admin') throw authError.adminOnly();
};

/** PUT: creates or replaces the route of a number; `created` tells which. */
export const putNumberRoute = async (
  deps: Deps,
  actor: Actor,
  rawNumber: string,
  input: NumberRouteInput,
  receipt?: Receipt<{ route: NumberRoute; created: boolean }>,
): Promise<{ route: NumberRoute; created: boolean }> => {
  requireAdmin(actor);
  const number = requireNumber(rawNumber, 'number');
  const previous = await deps.ports.numbers.get(number);
  const route = buildNumberRoute(number, input, deps.now(), previous);
  const { created } = await deps.ports.numbers.put(route, receipt && ((c) => receipt({ route, created: c })));
  return { route, created };
};

export const getNumberRoute = async (deps: Deps, actor: Actor, rawNumber: string): Promise<NumberRoute> => {
  requireAdmin(actor);
  const found = await deps.ports.numbers.get(requireNumber(rawNumber, 'number'));
  if (!found) throw notFound.number();
  return found;
};

export const deleteNumberRoute = async (
  deps: Deps,
  actor: Actor,
  rawNumber: string,
  receipt?: Receipt<void>,
): Promise<void> => {
  requireAdmin(actor);
  if (!(await deps.ports.numbers.remove(requireNumber(rawNumber, 'number'), receipt)))
    throw notFound.number();
};

export const listNumberRoutes = async (
  deps: Deps,
  actor: Actor,
  query: PageQuery,
): Promise<Page<NumberRoute>> => {
  requireAdmin(actor);
  return deps.ports.numbers.list(query);
};
