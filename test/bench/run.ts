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
import { costFiguresOf } from './figures/cost.ts';
import { eventsDepthRatio } from './figures/events-depth.ts';
import { hotConversationRatio } from './figures/hot-conversation.ts';
import { answerWebhookRatio, getConversationRatio, makeScene, postMessageRatio } from './figures/latency.ts';
import { realtimeFigures } from './figures/realtime.ts';
import { measureRoundTrips, type RoundTripRow, roundTripFigures } from './figures/round-trips.ts';
import { rssGrowthRatio } from './figures/rss.ts';
import { webhookFigures } from './figures/webhooks.ts';

const ORDER = [
  'get_conversation_ratio',
  'post_message_ratio',
  'answer_webhook_ratio',
  'events_depth_ratio',
  'hot_conversation_ratio',
  'round_trips_max_read',
  'round_trips_max_write',
  'text_post_write_units',
  'conversation_posts_per_second',
  'cost_per_mau_usd',
  'cost_per_million_messages_usd',
  'cost_per_thousand_calls_usd',
  'cold_import_ratio',
  'bundle_bytes',
  'rss_growth_ratio',
  'push_latency_ratio',
  'idle_sockets_held',
  'webhook_delivery_lag_ratio',
  'webhook_slow_receiver_throughput_ratio',
];

/** Figure groups `--only` may pick (the others are not run). */
const GROUPS = ['webhooks', 'realtime'] as const;

const parseArgs = (argv: string[]) => {
  const out: { json?: string; quick: boolean; only?: (typeof GROUPS)[number] } = { quick: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--json') out.json = argv[++i];
    else if (argv[i].startsWith('--json=')) out.json = argv[i].slice('--json='.length);
    else if (argv[i] === '--quick') out.quick = true;
    else if (argv[i] === '--only') {
      const group = GROUPS.find((g) => g === argv[i + 1]);
      if (!group) throw new Error(`--only takes one of ${GROUPS.join(', ')}`);
      out.only = group;
      i++;
    } else throw new Error(`unknown argument ${argv[i]} (use --json FILE, --quick, --only GROUP)`);
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

const num = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/** Request units and CPU time per endpoint, as computed from the items and as DynamoDB Local reported them. */
const unitRows = (rows: RoundTripRow[]) =>
  rows
    .filter((r) => r.units)
    .map((r) => ({
      endpoint: `${r.route}${r.variant ? ` (${r.variant})` : ''}`,
      read_units: r.units?.read ?? 0,
      write_units: r.units?.write ?? 0,
      reported_read_units: r.units?.reported.seen ? r.units.reported.read : null,
      reported_write_units: r.units?.reported.seen ? r.units.reported.write : null,
      cpu_ms: Number((r.cpuMs ?? 0).toFixed(2)),
    }));

const unitTable = (rows: ReturnType<typeof unitRows>) =>
  pad([
    ['endpoint', 'read units', 'write units', 'DynamoDB Local (read / write)', 'CPU ms'],
    ...rows.map((r) => [
      r.endpoint,
      num(r.read_units),
      num(r.write_units),
      r.reported_read_units === null
        ? '-'
        : `${num(r.reported_read_units)} / ${num(r.reported_write_units ?? 0)}`,
      r.cpu_ms.toFixed(1),
    ]),
  ]);

const step = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
  const started = Date.now();
  process.stderr.write(`bench: ${label}…`);
  const out = await fn();
  process.stderr.write(` ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return out;
};

/** Every figure but the webhooks': latency, depth, hot conversation, round trips, cost, bundle, memory. */
const allButWebhooks = async (
  bench: Bench,
  figures: Figure[],
  setRoundTrips: (rows: RoundTripRow[]) => void,
) => {
  const scene = await step('fixtures', () => makeScene(bench));
  figures.push(await step('get_conversation_ratio', () => getConversationRatio(bench, scene)));
  figures.push(await step('post_message_ratio', () => postMessageRatio(bench, scene)));
  figures.push(await step('answer_webhook_ratio', () => answerWebhookRatio(bench)));
  figures.push(await step('events_depth_ratio', () => eventsDepthRatio(bench, scene)));
  figures.push(await step('hot_conversation_ratio', () => hotConversationRatio(bench)));
  const roundTrips = await step('round trips', () => measureRoundTrips(bench, scene));
  setRoundTrips(roundTrips);
  figures.push(...roundTripFigures(roundTrips, bench.counter.scans.length));
  figures.push(...(await costFiguresOf(bench, scene, roundTrips)));
  figures.push(...(await step('bundle and cold import', () => bundleFigures(bench))));
  const events = await bench.api
    .ok({ method: 'GET', url: `/v1/conversations/${scene.conversationId}/events`, token: scene.user.token })
    .then(
      () => true,
      (e) => (e instanceof EndpointMissingError ? false : Promise.reject(e)),
    );
  figures.push(await step('rss_growth_ratio', () => rssGrowthRatio(bench, scene, events)));
  figures.push(...(await step('push latency and idle sockets', () => realtimeFigures(bench))));
};

const main = async () => {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const bench: Bench = await step('starting DynamoDB Local', () => setUp({ quick: args.quick }));
  const figures: Figure[] = [];
  let roundTrips: RoundTripRow[] = [];
  try {
    if (args.only === 'realtime')
      figures.push(...(await step('push latency and idle sockets', () => realtimeFigures(bench))));
    else {
      if (!args.only)
        await allButWebhooks(bench, figures, (rows) => {
          roundTrips = rows;
        });
      figures.push(...(await step('webhook figures', () => webhookFigures(bench))));
    }
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
  const units = unitRows(roundTrips);
  out.push(
    'Request units per request (from the items read and written; transactions ×2, index writes included) and handler CPU time:',
    unitTable(units),
    '',
  );
  if (bench.counter.scans.length > 0)
    out.push(`FAIL: ${bench.counter.scans.length} Scan call(s) during the run`);
  out.push(
    `${figures.filter((f) => f.ok).length}/${figures.length} figures ok in ${seconds.toFixed(0)} s` +
      `${args.quick ? ' (--quick: fewer samples, smaller conversations; not a result)' : ''}`,
  );
  console.log(out.join('\n'));

  if (args.json) {
    const json: Record<string, unknown> = {};
    for (const f of figures) json[f.name] = { value: f.value, target: f.target, ok: f.ok };
    json.request_units = units;
    writeFileSync(args.json, `${JSON.stringify(json, null, 2)}\n`);
  }
  process.exitCode = figures.every((f) => f.ok) && bench.counter.scans.length === 0 ? 0 : 1;
};

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
