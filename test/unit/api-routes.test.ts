import { describe, expect, it } from 'vitest';
import { aliases } from '../../functions/api/aliases.ts';
import { CALLS_ROUTES } from '../../functions/api/calls-paths.ts';
import { callsRoutes } from '../../functions/api/calls-routes.ts';
import { CLIENT_PREFIXES } from '../../functions/api/client-paths.ts';
import { clientRoutes } from '../../functions/api/client-routes.ts';
import { type ApiRouteKey, contracts } from '../../functions/api/contracts.ts';
import { routes as v1Routes } from '../../functions/api/routes.ts';

const routes = [...v1Routes, ...callsRoutes, ...clientRoutes];

describe('API route table', () => {
  it('serves each endpoint of contracts.ts and each alias once, with a handler checking exactly its schemas', () => {
    // Act
    const keys = routes.map((r) => `${r.method} ${r.path}`);

    // Assess: the documented contract is the one the handler runs (the same schema objects); an alias
    // runs the contract of the endpoint it serves.
    expect([...keys].sort()).toEqual([...Object.keys(contracts), ...Object.keys(aliases)].sort());
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      const contract: { body?: unknown; query?: unknown } =
        contracts[(aliases[key as keyof typeof aliases]?.of ?? key) as ApiRouteKey];
      expect(route.handler.contract?.body, key).toBe(contract.body);
      expect(route.handler.contract?.query, key).toBe(contract.query);
    }
  });

  it('splits the paths between the API and calls Lambdas (/v1) and the client Lambda (the older prefixes)', () => {
    expect([...v1Routes, ...callsRoutes].every((r) => r.path.startsWith('/v1/'))).toBe(true);
    for (const r of clientRoutes)
      expect(
        CLIENT_PREFIXES.some((p) => r.path.startsWith(p)),
        r.path,
      ).toBe(true);
  });

  it('gives the calls Lambda exactly the number routes and legs, on the paths the stack routes to it', () => {
    // A `{proxy+}` route takes the path's rest; the other routes are the path, `{name}` one segment.
    const served = (path: string) =>
      CALLS_ROUTES.some((r) =>
        r.path.endsWith('/{proxy+}') ? path.startsWith(r.path.slice(0, -'{proxy+}'.length)) : path === r.path,
      );
    expect(callsRoutes.map((r) => `${r.method} ${r.path}`).sort()).toEqual(
      [
        'GET /v1/numbers',
        'GET /v1/numbers/{number}',
        'PUT /v1/numbers/{number}',
        'DELETE /v1/numbers/{number}',
        'GET /v1/legs/{leg_id}',
        'GET /v1/conversations/{conversation_id}/legs',
      ].sort(),
    );
    for (const r of callsRoutes) expect(served(r.path), r.path).toBe(true);
    for (const r of v1Routes) expect(served(r.path), r.path).toBe(false);
  });

  it('has no public route: the OpenAPI document is served by the docs Lambda', () => {
    expect(routes.some((r) => r.path === '/v1/openapi.json')).toBe(false);
  });
});
