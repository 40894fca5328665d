/** Latency sampling for the benchmark: warm-up, then interleaved samples of a subject and its floor. */

export interface Summary {
  n: number;
  p50: number;
  p99: number;
}

/** Nearest-rank percentile of sorted values. */
export const percentile = (sorted: readonly number[], p: number): number => {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
};

export const summarize = (samples: readonly number[]): Summary => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
};

/**
 * Something to time: called untimed, it prepares one run (builds the event, picks ids) and returns the
 * run itself, which alone is timed.
 */
export type Probe = () => (() => Promise<unknown>) | Promise<() => Promise<unknown>>;

export const timeOnce = async (probe: Probe): Promise<number> => {
  const run = await probe();
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e6;
};

export interface SampleOptions {
  warmup: number;
  samples: number;
}

/**
 * Times `subject` and `floor` alternately (A B, B A, A B, …) after a warm-up of both, so that whatever the
 * machine does meanwhile (GC, DynamoDB Local's JIT, other processes) hits both sides alike.
 */
export const sideBySide = async (
  subject: Probe,
  floor: Probe,
  options: SampleOptions,
): Promise<{ subject: Summary; floor: Summary; ratio: number }> => {
  for (let i = 0; i < options.warmup; i++) {
    await timeOnce(subject);
    await timeOnce(floor);
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < options.samples; i++) {
    if (i % 2 === 0) {
      a.push(await timeOnce(subject));
      b.push(await timeOnce(floor));
    } else {
      b.push(await timeOnce(floor));
      a.push(await timeOnce(subject));
    }
  }
  const s = summarize(a);
  const f = summarize(b);
  return { subject: s, floor: f, ratio: s.p50 / f.p50 };
};

export const ms = (v: number): string => `${v.toFixed(v < 10 ? 2 : 1)} ms`;

export const describe = (label: string, s: Summary): string =>
  `${label}: p50 ${ms(s.p50)}, p99 ${ms(s.p99)} (n=${s.n})`;
