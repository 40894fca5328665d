/** Memory of a long-lived Lambda instance: RSS after many requests against RSS after a few. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Bench } from '../context.ts';
import { type Figure, judge } from '../figure.ts';
import { guarded } from './common.ts';
import type { Scene } from './latency.ts';

const run = promisify(execFile);
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

export const rssGrowthRatio = (bench: Bench, scene: Scene, events: boolean): Promise<Figure> =>
  guarded('rss_growth_ratio', 1.1, 'max', async () => {
    const first = bench.options.quick ? 1_000 : 2_000;
    const total = bench.options.quick ? 5_000 : 20_000;
    const input = {
      privateKeyPem: bench.application.privateKeyPem,
      applicationId: bench.application.applicationId,
      conversationId: scene.conversationId,
      userId: scene.user.id,
      userName: scene.user.name,
      memberId: scene.memberId,
      events,
      first,
      total,
    };
    const { stdout, stderr } = await run(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', join(import.meta.dirname, '..', 'rss-child.ts')],
      {
        cwd: join(import.meta.dirname, '..', '..'),
        env: { ...bench.env, PARLEY_BENCH_RSS: JSON.stringify(input) },
        maxBuffer: 1 << 20,
      },
    );
    const out = JSON.parse(stdout.trim().split('\n').pop() as string) as {
      early: { rss: number; heap: number };
      late: { rss: number; heap: number };
      failed: number;
      kinds: number;
    };
    const ratio = out.late.rss / out.early.rss;
    return judge(
      'rss_growth_ratio',
      ratio,
      1.1,
      'max',
      [
        `${out.kinds} kinds of request, 4 at a time, in a fresh node process`,
        `after ${first}: RSS ${mb(out.early.rss)}, heap ${mb(out.early.heap)}`,
        `after ${total}: RSS ${mb(out.late.rss)}, heap ${mb(out.late.heap)}`,
        ...(out.failed > 0 ? [`${out.failed} requests answered 5xx`] : []),
        ...(stderr.trim() ? stderr.trim().split('\n') : []),
      ],
      out.failed === 0,
    );
  });
