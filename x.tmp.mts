import { build } from 'esbuild';

const r = await build({
  entryPoints: ['functions/api/router.ts'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  mainFields: ['module', 'main'],
  minify: true,
  write: false,
  metafile: true,
  outfile: '/tmp/x.mjs',
});
const out = Object.values(r.metafile.outputs)[0];
console.log(
  Object.entries(out.inputs)
    .filter(([k]) => k.startsWith('functions'))
    .sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)
    .slice(0, 70)
    .map(([k, v]) => k + ' ' + v.bytesInOutput)
    .join('\n'),
);
