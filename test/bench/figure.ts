/** One line of the benchmark's table: a measured figure, its target, and whether it meets it. */

export interface Figure {
  name: string;
  /** The measured value; `null` when it could not be measured (then `ok` is false). */
  value: number | null;
  target: number;
  /** `max`: the value must not exceed the target; `min`: it must reach it. */
  bound: 'max' | 'min';
  ok: boolean;
  /** How the value is printed when it is not a plain number (e.g. `n/a (endpoint missing)`). */
  shown?: string;
  /** The measurements behind the value, printed under the table. */
  details: string[];
}

export const judge = (
  name: string,
  value: number,
  target: number,
  bound: 'max' | 'min',
  details: string[],
  extraOk = true,
): Figure => ({
  name,
  value,
  target,
  bound,
  ok: extraOk && Number.isFinite(value) && (bound === 'max' ? value <= target : value >= target),
  details,
});

export const unmeasured = (
  name: string,
  target: number,
  bound: 'max' | 'min',
  shown: string,
  details: string[] = [],
): Figure => ({ name, value: null, target, bound, ok: false, shown, details });

export const targetText = (f: Figure): string => `${f.bound === 'max' ? '≤' : '≥'} ${f.target}`;

export const valueText = (f: Figure): string => {
  if (f.shown) return f.shown;
  if (f.value === null) return 'n/a';
  if (Number.isInteger(f.value)) return String(f.value);
  return f.value.toFixed(f.value >= 100 ? 0 : 3);
};
