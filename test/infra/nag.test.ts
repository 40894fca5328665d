import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CfnElement, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import type { ParleyApp } from '../../infra/parley-app.ts';
import { ParleyFunction } from '../../infra/parley-function.ts';
import { testApp } from './support.ts';

interface Violation {
  ruleName: string;
  severity?: string;
  violatingConstructs?: { constructPath: string }[];
  violatingResources?: { constructPath?: string; resourceLogicalId?: string }[];
}
interface Report {
  pluginReports: { pluginName: string; violations: Violation[] }[];
}

/** Synthesizes the app and returns its validation report (the app throws when a plugin reports errors). */
const validationReport = (change: (parley: ParleyApp) => void = () => {}): Report => {
  const parley = testApp();
  change(parley);
  const { app } = parley;
  try {
    app.synth();
  } catch (error) {
    if (!/validation ?failed/i.test(String(error))) throw error;
  }
  return JSON.parse(readFileSync(join(app.outdir, 'validation-report.json'), 'utf8'));
};

const describeViolation = (v: Violation): string =>
  `${v.severity ?? ''} ${v.ruleName} at ${[
    ...(v.violatingConstructs ?? []).map((c) => c.constructPath),
    ...(v.violatingResources ?? []).map((r) => r.constructPath ?? r.resourceLogicalId),
  ].join(', ')}`;

describe('cdk-nag (AwsSolutions)', () => {
  it('reports no finding that is not acknowledged, at any level', { timeout: 120_000 }, () => {
    // Act
    const report = validationReport();

    // Assess
    const findings = report.pluginReports.flatMap((p) => p.violations).map(describeViolation);
    expect(findings).toEqual([]);
  });
});

describe('cdk-nag (AwsSolutions) control', () => {
  it('does report a finding nobody acknowledged (the check is live)', () => {
    // Act
    const report = validationReport(({ stack }) => {
      stack.apiFunction.role.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['s3:*'], resources: ['*'] }),
      );
    });

    // Assess
    const findings = report.pluginReports.flatMap((p) => p.violations).map(describeViolation);
    expect(findings.sort()).toEqual([
      'error AwsSolutions-IAM5[Action::s3:*] at Parley/Api/Role/DefaultPolicy/Resource',
      'error AwsSolutions-IAM5[Resource::*] at Parley/Api/Role/DefaultPolicy/Resource',
    ]);
  });
});

describe('cdk-nag acknowledgements', () => {
  it('each name one AwsSolutions rule, carry a reason and sit on a resource, not on the app or stack', () => {
    // Prepare
    const { app, stack } = testApp();

    // Act
    // Metadata data is `{ 'Annotation::<rule id>': reason }`; cdk-nag reads it on the resource and its parents.
    const acknowledgements = app.node.findAll().flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.entries(m.data as Record<string, string>))
        .map(([id, reason]) => ({ path: c.node.path, id: id.replace(/^annotation::/i, ''), reason })),
    );

    // Assess
    const functions = stack.node.findAll().filter((c) => c instanceof ParleyFunction).length;
    const socketApiId = stack.getLogicalId(stack.realtime.api.node.defaultChild as CfnElement);
    expect(acknowledgements.map((a) => a.id).sort()).toEqual(
      [
        // The HTTP API's routes and the WebSocket API's three: the Lambdas verify the caller themselves
        ...Array(16 + 3).fill('AwsSolutions-APIG4'),
        // X-Ray on `*` and the pinned runtime, once per function
        ...Array(functions).fill('AwsSolutions-IAM5[Resource::*]'),
        ...Array(functions).fill('AwsSolutions-L1'),
        'AwsSolutions-SQS3', // the fan-out's dead-letter queue is itself a DLQ
        'AwsSolutions-SQS3', // so is the webhook delivery queue's
        'AwsSolutions-SMG4', // the cursor key is not rotated (see its reason)
        // ManageConnections on the socket stage, by method, for the socket and fan-out Lambdas: only the
        // connection id is open
        ...['socket', 'fan-out'].flatMap(() =>
          ['POST', 'DELETE'].map(
            (method) =>
              `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${socketApiId}>/rtc/${method}/@connections/*]`,
          ),
        ),
      ].sort(),
    );
    for (const a of acknowledgements) {
      expect(a.path).not.toBe(stack.node.path);
      expect(a.path).not.toBe(app.node.path);
      expect(a.reason.length).toBeGreaterThan(40);
    }
  });
});
