/**
 * The Node versions the project says it runs on (package.json `engines`, the README) are the ones every
 * locked dependency accepts, so `npm ci` on any of them prints no EBADENGINE warning.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
const readme = readFileSync(join(root, 'README.md'), 'utf8');

type Version = [number, number, number];
const parse = (v: string): Version => {
  const [a = 0, b = 0, c = 0] = v.replace(/^v/, '').split('.').map(Number);
  return [a, b, c];
};
const compare = (x: Version, y: Version) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2];

/** `satisfies` for the forms engines fields use here: `>=X`, `^X`, `X`, `*`, alternatives joined by `||`. */
const satisfies = (version: string, range: string): boolean =>
  range.split('||').some((alternative) =>
    alternative
      .replace(/(>=|\^)\s+/g, '$1')
      .trim()
      .split(/\s+/)
      .every((written) => {
        let part = written;
        if (part === '*') return true;
        const v = parse(version);
        // `0.8.x` is `0.8.0` as a lower bound
        part = part.replace(/\.x(?=\.|$)/g, '.0');
        const m = /^(>=|\^)?(\d+(?:\.\d+){0,2})$/.exec(part);
        if (!m) throw new Error(`range part not understood: ${part}`);
        const bound = parse(m[2]);
        if (m[1] === '>=') return compare(v, bound) >= 0;
        if (m[1] === '^') return v[0] === bound[0] && compare(v, bound) >= 0;
        return compare(v, bound) === 0;
      }),
  );

/** The lowest version of each alternative of a range of `>=X` / `^X` parts. */
const lowestOf = (range: string): string[] => range.split('||').map((a) => a.trim().replace(/^(>=|\^)/, ''));

const dependencyEngines = Object.entries<{ engines?: { node?: string } }>(lock.packages)
  .filter(([path, p]) => path !== '' && p.engines?.node)
  .map(([path, p]) => [path, p.engines?.node as string] as const);

describe('Node versions', () => {
  it('the engines field is the one the lock file records for the project', () => {
    expect(lock.packages[''].engines).toEqual(pkg.engines);
  });

  it('every dependency accepts the lowest Node of each range the engines field allows', () => {
    const lowest = lowestOf(pkg.engines.node);
    expect(lowest.length).toBeGreaterThan(0);
    const refused = lowest.flatMap((version) =>
      dependencyEngines
        .filter(([, range]) => !satisfies(version, range))
        .map(([path, range]) => `${version}: ${path} ${range}`),
    );
    expect(refused).toEqual([]);
  });

  it('refuses Node 20, which several dependencies refuse too', () => {
    expect(satisfies('20.20.2', pkg.engines.node)).toBe(false);
    expect(dependencyEngines.some(([, range]) => !satisfies('20.20.2', range))).toBe(true);
  });

  it('the README names the same Node versions, and the Node the scripts bring is one of them', () => {
    const [first, ...others] = lowestOf(pkg.engines.node);
    expect(readme).toContain(`Node.js ${first}`);
    for (const v of others) expect(readme).toContain(`Node.js ${parse(v)[0]}`);
    const bundled = lock.packages['node_modules/node']?.version as string;
    expect(satisfies(bundled, pkg.engines.node)).toBe(true);
  });
});
