import { join } from 'node:path';
import { cruise, type ICruiseOptions, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'layers');

let options: ICruiseOptions;

beforeAll(async () => {
  options = await extractDepcruiseOptions(join(ROOT, '.dependency-cruiser.cjs'));
});

const violationsIn = async (baseDir: string, paths: string[]): Promise<IViolation[]> => {
  const { output } = await cruise(paths, { ...options, baseDir });
  if (typeof output === 'string') throw new Error('expected a cruise result object');
  return output.summary.violations;
};

const describeViolation = (v: IViolation) => `${v.rule.name}: ${v.from} → ${v.to}`;

describe('Layer rules (.dependency-cruiser.cjs)', () => {
  it('hold for every module of the functions, the CLI and the infra', async () => {
    // Act
    const violations = await violationsIn(ROOT, ['functions', 'cli', 'infra']);
    // Assess
    expect(violations.map(describeViolation)).toEqual([]);
  });

  it('refuse a surface that imports the store, a domain that imports the store or Node I/O, and cycles', async () => {
    // Act
    const violations = await violationsIn(FIXTURE, ['functions']);
    // Assess
    const found = violations.map(describeViolation);
    expect(found).toContain(
      'surfaces-never-import-the-store: functions/api/reads-the-store.ts → functions/store/table-client.ts',
    );
    expect(found).toContain(
      'domain-depends-on-nothing-outside: functions/domain/rule-a.ts → functions/store/table-client.ts',
    );
    expect(found).toContain('domain-uses-no-node-io: functions/domain/rule-a.ts → fs');
    expect(found.some((v) => v.startsWith('no-circular: functions/domain/rule-'))).toBe(true);
  });
});
