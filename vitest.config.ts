import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (domain rules over in-memory ports, validation, routing, the CLI's parsing; no
 * DynamoDB Local, so a broken rule shows without it) and `storage` (everything else: integration tests
 * against DynamoDB Local, the SDK contract tests, the CDK tests), which starts DynamoDB Local once.
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    env: { PARLEY_LOG: 'silent' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          setupFiles: ['test/support/setup-unit-env.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'storage',
          include: ['test/**/*.test.ts'],
          exclude: ['test/unit/**', 'test/bench/**', 'node_modules/**'],
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/setup-env.ts'],
        },
      },
    ],
  },
});
