import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ParleyStack } from './parley-stack.ts';
import { PROJECT_ROOT } from './project-root.ts';
import { type ParleySettings, settingsFromContext } from './settings.ts';

export interface ParleyApp {
  app: App;
  stack: ParleyStack;
}

/** The context in cdk.json (feature flags), which the CLI passes to the app and tests must see too. */
export const cdkJsonContext = (): Record<string, unknown> =>
  JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')).context ?? {};

/**
 * The CDK app: one Parley stack (named by context `stackName`, default `Parley`) checked by cdk-nag's
 * AwsSolutions pack. cdk.json's context is applied first, then `props.context`, then the CLI's `-c` values.
 * Settings come from that context unless given (tests pass them).
 */
export const createParleyApp = (props: AppProps = {}, settings?: ParleySettings): ParleyApp => {
  const app = new App({ ...props, context: { ...cdkJsonContext(), ...props.context } });
  const stackName = (app.node.tryGetContext('stackName') as string | undefined) ?? 'Parley';
  const stack = new ParleyStack(app, stackName, {
    settings: settings ?? settingsFromContext((key) => app.node.tryGetContext(key)),
    description: 'Parley: self-hosted, serverless Conversation API',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
};
