/** Size and cold start of the api Lambda bundle against a bundle of the document client alone. */
import { buildBundles, coldImports } from '../bundle.ts';
import type { Bench } from '../context.ts';
import { type Figure, judge } from '../figure.ts';
import { describe } from '../stats.ts';
import { guarded } from './common.ts';

const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`;

export const bundleFigures = async (bench: Bench): Promise<Figure[]> => {
  const bundles = await buildBundles();
  try {
    const above = Object.entries(bundles.api.ours)
      .sort((a, b) => b[1] - a[1])
      .map(([pkg, n]) => `${pkg} ${kb(n)}`)
      .join(', ');
    const size = judge('bundle_bytes', bundles.api.bytes, 450_000, 'max', [
      `api bundle ${bundles.api.bytes} bytes; DynamoDBDocumentClient-only bundle ${bundles.floor.bytes} bytes`,
      `above the floor: ${above}`,
    ]);
    const cold = await guarded('cold_import_ratio', 1.3, 'max', async () => {
      const r = await coldImports(
        bundles.api.file,
        bundles.floor.file,
        bench.options.quick ? 10 : 40,
        bench.env,
      );
      return judge('cold_import_ratio', r.ratio, 1.3, 'max', [
        describe('import of the api bundle in a fresh node', r.api),
        describe('import of the DynamoDBDocumentClient-only bundle', r.floor),
      ]);
    });
    return [cold, size];
  } finally {
    await bundles.dispose();
  }
};
