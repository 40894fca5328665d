import { describe, expect, it } from 'vitest';
import { type ApiRouteKey, contracts } from '../../functions/api/contracts.ts';
import { routes } from '../../functions/api/routes.ts';

describe('API route table', () => {
  it('serves each endpoint of contracts.ts once, with a handler checking exactly its schemas', () => {
    // Act
    const keys = routes.map((r) => `${r.method} ${r.path}`);

    // Assess: the documented contract is the one the handler runs (the same schema objects).
    expect([...keys].sort()).toEqual(Object.keys(contracts).sort());
    for (const route of routes) {
      const key = `${route.method} ${route.path}` as ApiRouteKey;
      const contract: { body?: unknown; query?: unknown } = contracts[key];
      expect(route.handler.contract?.body, key).toBe(contract.body);
      expect(route.handler.contract?.query, key).toBe(contract.query);
    }
  });

  it('has no public route: the OpenAPI document is served by the docs Lambda', () => {
    expect(routes.some((r) => r.path === '/v1/openapi.json')).toBe(false);
  });
});
