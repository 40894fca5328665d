/**
 * Where a Parley Lambda's AWS SDK clients take their credentials from: the execution role's, which Lambda
 * puts in the environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`). The bundles
 * (infra/parley-function.ts, and the benchmark's copy of its build) put this module in place of
 * `@aws-sdk/credential-provider-node`, the SDK's default chain: its other sources (profiles, SSO, web
 * identity, containers, instance metadata) and the STS and SSO clients they carry are a third of a bundle
 * and never apply in Lambda. Run from source (the dev server, the tests), the SDK's own chain is used.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
