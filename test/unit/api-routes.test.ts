import { describe, expect, it } from 'vitest';
import { aliases } from '../../functions/api/aliases.ts';
import { type ApiRouteKey, contracts } from '../../functions/api/contracts.ts';
import { routes } from '../../functions/api/routes.ts';

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

  it('has no public route: the OpenAPI document is served by the docs Lambda', () => {
    expect(routes.some((r) => r.path === '/v1/openapi.json')).toBe(false);
  });
});
