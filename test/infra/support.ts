import type { AppProps } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { createParleyApp, type ParleyApp } from '../../infra/parley-app.ts';
import type { ParleyFunction } from '../../infra/parley-function.ts';
import type { ParleySettings } from '../../infra/settings.ts';

/** A fixed application, so templates do not depend on the machine's .parley/ folder or environment. */
export const TEST_PUBLIC_KEY =
  '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEtest\n-----END PUBLIC KEY-----\n';

export const testSettings = (overrides: Partial<ParleySettings> = {}): ParleySettings => ({
  applicationId: { value: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee' },
  applicationPublicKey: { value: TEST_PUBLIC_KEY },
  logLevel: 'INFO',
  destroyOnRemoval: false,
  ...overrides,
});

/** No stack is bundled: esbuild is not run and each function gets a placeholder asset. */
export const SKIP_BUNDLING: AppProps['context'] = { 'aws:cdk:bundling-stacks': [] };

/** The app as `cdk synth` builds it (cdk.json context, cdk-nag), with test settings and bundling skipped. */
export const testApp = (overrides: Partial<ParleySettings> = {}, context = SKIP_BUNDLING): ParleyApp =>
  createParleyApp({ context }, testSettings(overrides));

export const templateOf = ({ stack }: ParleyApp): Template => Template.fromStack(stack);

export const functionId = (app: ParleyApp, fn: ParleyFunction): string =>
  app.stack.getLogicalId(fn.function.node.defaultChild as CfnFunction);

export const roleId = (app: ParleyApp, fn: ParleyFunction): string =>
  app.stack.getLogicalId(fn.role.node.defaultChild as CfnRole);

interface PolicyJson {
  Properties: { Roles: unknown[]; PolicyDocument: { Statement: PolicyStatementJson[] } };
}

/** The IAM policies attached to a role, by logical id (its default policy and any policy of its own). */
export const policiesOfRole = (template: Template, roleLogicalId: string): [string, PolicyJson][] =>
  (Object.entries(template.findResources('AWS::IAM::Policy')) as [string, PolicyJson][]).filter(
    ([, policy]) =>
      policy.Properties.Roles.some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleLogicalId })),
  );

/** Every statement of every policy attached to a role. */
export const roleStatements = (template: Template, roleLogicalId: string): PolicyStatementJson[] =>
  policiesOfRole(template, roleLogicalId).flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement);

export interface PolicyStatementJson {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** Every (action, resource) pair a set of statements allows, as sorted `action on resource` lines. */
export const allowedPairs = (statements: PolicyStatementJson[]): string[] =>
  statements
    .flatMap((s) => {
      const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
      const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
      return actions.flatMap((a) => resources.map((r) => `${s.Effect} ${a} on ${JSON.stringify(r)}`));
    })
    .sort();
