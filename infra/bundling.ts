/**
 * What every Lambda bundle is built with beyond esbuild's options (infra/parley-function.ts, and the
 * benchmark's copy of that build in test/bench/bundle.ts).
 */
import { join } from 'node:path';
import { PROJECT_ROOT } from './project-root.ts';

/**
 * Lets the ESM bundle load CommonJS dependencies that call `require` (some AWS SDK internals do):
 * esbuild's ESM output has no `require`, so one is made from `import.meta.url`.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __parleyCreateRequire } from 'node:module'; const require = __parleyCreateRequire(import.meta.url);";

/**
 * The AWS SDK's default credential chain, replaced by the environment's credentials, the only ones Lambda
 * provides (functions/aws/lambda-credentials.ts says why).
 */
export const CREDENTIALS_ALIAS = {
  from: '@aws-sdk/credential-provider-node',
  to: join(PROJECT_ROOT, 'functions/aws/lambda-credentials.ts'),
} as const;
