/**
 * The CDK app (cdk.json runs it for `cdk synth` / `cdk deploy`). Run directly (`tsx infra/app.ts`) it
 * synthesizes into cdk.out/ without the CLI, cdk-nag included.
 */
import { join } from 'node:path';
import { createParleyApp } from './parley-app.ts';
import { PROJECT_ROOT } from './project-root.ts';
import { SettingsError } from './settings.ts';

try {
  const { app } = createParleyApp(process.env.CDK_OUTDIR ? {} : { outdir: join(PROJECT_ROOT, 'cdk.out') });
  app.synth();
} catch (error) {
  if (!(error instanceof SettingsError)) throw error;
  console.error(`parley: ${error.message}`);
  process.exit(1);
}
