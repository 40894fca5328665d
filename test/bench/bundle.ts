/**
 * Builds the api Lambda the way the CDK stack does (`infra/parley-function.ts`: one minified ESM bundle for
 * node22 carrying its own AWS SDK, the `require` banner, external source maps), and a bundle holding only
 * `DynamoDBDocumentClient`, built the same way: the floor of size and of cold start.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type BuildOptions, build } from 'esbuild';
import { CREDENTIALS_ALIAS, ESM_REQUIRE_BANNER } from '../../infra/bundling.ts';
import { type Summary, summarize } from './stats.ts';

const run = promisify(execFile);

export const ROOT = join(import.meta.dirname, '..', '..');

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  mainFields: ['module', 'main'],
  banner: { js: ESM_REQUIRE_BANNER },
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  logLevel: 'silent',
  metafile: true,
  alias: { [CREDENTIALS_ALIAS.from]: CREDENTIALS_ALIAS.to },
};

/** The floor: the document client and nothing else, kept alive by the export. */
const DOCUMENT_CLIENT_ONLY = `
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
export const handler = async () => DynamoDBDocumentClient.from(new DynamoDBClient({}));
`;

export interface Bundles {
  dir: string;
  api: { file: string; bytes: number; ours: Record<string, number> };
  floor: { file: string; bytes: number };
  dispose(): Promise<void>;
}

/** Bytes each package (or our own code) adds to the api bundle beyond what the floor bundle holds. */
const bytesAbove = (
  api: NonNullable<Awaited<ReturnType<typeof build>>['metafile']>,
  floor: NonNullable<Awaited<ReturnType<typeof build>>['metafile']>,
): Record<string, number> => {
  const inFloor = new Set<string>();
  for (const out of Object.values(floor.outputs)) for (const k of Object.keys(out.inputs)) inFloor.add(k);
  const by: Record<string, number> = {};
  for (const out of Object.values(api.outputs))
    for (const [input, { bytesInOutput }] of Object.entries(out.inputs)) {
      if (inFloor.has(input)) continue;
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? 'parley (functions/)';
      by[pkg] = (by[pkg] ?? 0) + bytesInOutput;
    }
  return by;
};

export const buildBundles = async (): Promise<Bundles> => {
  const dir = await mkdtemp(join(tmpdir(), 'parley-bench-'));
  const apiFile = join(dir, 'api', 'index.mjs');
  const floorFile = join(dir, 'floor', 'index.mjs');
  const [api, floor] = await Promise.all([
    build({ ...common, entryPoints: [join(ROOT, 'functions/api/router.ts')], outfile: apiFile }),
    build({
      ...common,
      stdin: { contents: DOCUMENT_CLIENT_ONLY, resolveDir: ROOT, sourcefile: 'floor.ts', loader: 'ts' },
      outfile: floorFile,
    }),
  ]);
  return {
    dir,
    api: {
      file: apiFile,
      bytes: (await stat(apiFile)).size,
      ours: bytesAbove(api.metafile as never, floor.metafile as never),
    },
    floor: { file: floorFile, bytes: (await stat(floorFile)).size },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
};

/** Imports a bundle in a fresh Node process (as Lambda starts, with source maps on) and returns the ms. */
const importOnce = async (file: string, env: NodeJS.ProcessEnv): Promise<number> => {
  const script =
    'const t = performance.now(); await import(process.argv[1]); process.stdout.write(String(performance.now() - t));';
  const { stdout } = await run(
    process.execPath,
    ['--enable-source-maps', '--input-type=module', '-e', script, file],
    { env },
  );
  const v = Number(stdout.trim());
  if (!Number.isFinite(v)) throw new Error(`import of ${file} printed "${stdout}"`);
  return v;
};

/** Cold imports of both bundles, alternating, after one warm-up each (the file system cache). */
export const coldImports = async (
  apiFile: string,
  floorFile: string,
  runs: number,
  env: NodeJS.ProcessEnv,
): Promise<{ api: Summary; floor: Summary; ratio: number }> => {
  await importOnce(apiFile, env);
  await importOnce(floorFile, env);
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      a.push(await importOnce(apiFile, env));
      b.push(await importOnce(floorFile, env));
    } else {
      b.push(await importOnce(floorFile, env));
      a.push(await importOnce(apiFile, env));
    }
  }
  const api = summarize(a);
  const floor = summarize(b);
  return { api, floor, ratio: api.p50 / floor.p50 };
};
