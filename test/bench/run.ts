/**
 * `npm run bench [-- --json FILE] [-- --quick]`: Parley's speed and cost figures, each measured as a ratio
 * against the raw DynamoDB operation that is its floor, side by side in the same run. Starts its own
 * DynamoDB Local; calls the real handler exports in-process. See README "Benchmark".
 */
import { writeFileSync } from 'node:fs';
import { EndpointMissingError } from './api.ts';
import { type Bench, setUp } from './context.ts';
import { type Figure, targetText, valueText } from './figure.ts';
import { bundleFigures } from './figures/bundle.ts';
import { eventsDepthRatio } from './figures/events-depth.ts';
import { hotConversationRatio } from './figures/hot-conversation.ts';
import { answerWebhookRatio, getConversationRatio, makeScene, postMessageRatio } from './figures/latency.ts';
import { measureRoundTrips, type RoundTripRow, roundTripFigures } from './figures/round-trips.ts';
import { rssGrowthRatio } from './figures/rss.ts';

const ORDER = [
  'get_conversation_ratio',
  'post_message_ratio',
  'answer_webhook_ratio',
  'events_depth_ratio',
  'hot_conversation_ratio',
  'round_trips_max_read',
  'round_trips_max_write',
  'cold_import_ratio',
  'bundle_bytes',
  'rss_growth_ratio',
];

const parseArgs = (argv: string[]) => {
  const out: { json?: string; quick: boolean } = { quick: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--json') out.json = argv[++i];
    else if (argv[i].startsWith('--json=')) out.json = argv[i].slice('--json='.length);
    else if (argv[i] === '--quick') out.quick = true;
    else throw new Error(`unknown argument ${argv[i]} (use --json FILE, --quick)`);
  }
  return out;
};

const pad = (rows: string[][]): string => {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`).join('\n');
};

const table = (figures: Figure[]) =>
  pad([
    ['figure', 'value', 'target', 'ok'],
    ...figures.map((f) => [f.name, valueText(f), targetText(f), f.ok ? 'yes' : 'NO']),
  ]);

const roundTripTable = (rows: RoundTripRow[]) =>
  pad([
    ['endpoint', 'kind', 'calls', 'DynamoDB commands'],
    ...rows.map((r) => [
      `${r.route}${r.variant ? ` (${r.variant})` : ''}`,
      r.kind,
      r.status === 'ok'
        ? String(r.calls)
        : r.status === 'error'
          ? `error ${r.note ?? ''}`
          : `n/a (${r.status})`,
      r.commands || '-',
    ]),
  ]);

const step = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
  const started = Date.now();
  process.stderr.write(`bench: ${label}…`);
  const out = await fn();
  process.stderr.write(` ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return out;
};

const main = async () => {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const bench: Bench = await step('starting DynamoDB Local', () => setUp({ quick: args.quick }));
  const figures: Figure[] = [];
  let roundTrips: RoundTripRow[] = [];
  try {
    const scene = await step('fixtures', () => makeScene(bench));
    figures.push(await step('get_conversation_ratio', () => getConversationRatio(bench, scene)));
    figures.push(await step('post_message_ratio', () => postMessageRatio(bench, scene)));
    figures.push(await step('answer_webhook_ratio', () => answerWebhookRatio(bench)));
    figures.push(await step('events_depth_ratio', () => eventsDepthRatio(bench, scene)));
    figures.push(await step('hot_conversation_ratio', () => hotConversationRatio(bench)));
    roundTrips = await step('round trips', () => measureRoundTrips(bench, scene));
    figures.push(...roundTripFigures(roundTrips, bench.counter.scans.length));
    figures.push(...(await step('bundle and cold import', () => bundleFigures(bench))));
    const events = await bench.api
      .ok({ method: 'GET', url: `/v1/conversations/${scene.conversationId}/events`, token: scene.user.token })
      .then(
        () => true,
        (e) => (e instanceof EndpointMissingError ? false : Promise.reject(e)),
      );
    figures.push(await step('rss_growth_ratio', () => rssGrowthRatio(bench, scene, events)));
  } finally {
    await bench.ddb.stop();
  }
  figures.sort((a, b) => ORDER.indexOf(a.name) - ORDER.indexOf(b.name));

  const seconds = (Date.now() - started) / 1000;
  const out: string[] = [];
  out.push(table(figures), '');
  for (const f of figures) {
    if (f.details.length === 0) continue;
    out.push(`${f.name}:`, ...f.details.map((d) => `  ${d}`));
  }
  out.push('', 'DynamoDB calls per request:', roundTripTable(roundTrips), '');
  if (bench.counter.scans.length > 0)
    out.push(`FAIL: ${bench.counter.scans.length} Scan call(s) during the run`);
  out.push(
    `${figures.filter((f) => f.ok).length}/${figures.length} figures ok in ${seconds.toFixed(0)} s` +
      `${args.quick ? ' (--quick: fewer samples, smaller conversations; not a result)' : ''}`,
  );
  console.log(out.join('\n'));

  if (args.json) {
    const json: Record<string, { value: number | null; target: number; ok: boolean }> = {};
    for (const f of figures) json[f.name] = { value: f.value, target: f.target, ok: f.ok };
    writeFileSync(args.json, `${JSON.stringify(json, null, 2)}\n`);
  }
  process.exitCode = figures.every((f) => f.ok) && bench.counter.scans.length === 0 ? 0 : 1;
};

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
