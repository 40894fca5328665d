import { buildBundles } from './test/bench/bundle.ts';
const b = await buildBundles();
console.log(b.api.bytes, b.floor.bytes);
await b.dispose();
