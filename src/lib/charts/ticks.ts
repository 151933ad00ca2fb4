/** Tick positions and the text drawn at them and shown in legends. */

const STEPS = [1, 2, 5];

/** The smallest of 1, 2, 5, 10, 20, 50… that puts at most `maxTicks` integer ticks on [min, max]. */
export function integerStep(min: number, max: number, maxTicks: number): number {
  const span = Math.max(0, Math.floor(max) - Math.ceil(min));
  const limit = Math.max(1, Math.floor(maxTicks));
  for (let decade = 1; ; decade *= 10) {
    for (const s of STEPS) if (Math.floor(span / (s * decade)) + 1 <= limit) return s * decade;
  }
}

/** Integer ticks on [min, max]: the multiples of integerStep; at least one tick when the range holds an integer. */
export function integerTicks(min: number, max: number, maxTicks: number): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || max < min) return [];
  const step = integerStep(min, max, maxTicks);
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max; v += step) ticks.push(v);
  return ticks;
}

/** Decimals that tell neighbouring ticks `step` apart (0.25 → 2, 0.1 → 1, 5 → 0). */
export function decimalsFor(step: number): number {
  if (!(step > 0) || !Number.isFinite(step)) return 0;
  for (let d = 0; d < 6; d++) if (Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) < 1e-9) return d;
  return 6;
}

/** Axis labels for ticks `step` apart. */
export function formatTicks(ticks: number[], step: number): string[] {
  const d = decimalsFor(step);
  return ticks.map((t) => (Object.is(t, -0) ? 0 : t).toFixed(d));
}

/** A read-out value: fixed decimals, '—' for a missing or undefined one. */
export function formatValue(v: number | null | undefined, decimals = 3): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(decimals);
}
