/** Value ranges of the chart scales: loss from 0 up to a round number, rates on [0, 1], counts on whole numbers. */

const NICE = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];

/** The smallest round number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k) at or above v; 1 for v ≤ 0 or not finite. */
export function niceCeil(v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) return 1;
  const decade = 10 ** Math.floor(Math.log10(v));
  const m = v / decade;
  const nice = NICE.find((n) => n >= m - 1e-12) ?? 10;
  return Number((nice * decade).toPrecision(12));
}

/** A loss scale: from 0 (or the lowest value when negative) to a round number above the largest value. */
export function lossRange(min: number, max: number): [number, number] {
  const lo = Number.isFinite(min) && min < 0 ? -niceCeil(-min) : 0;
  return [lo, niceCeil(max)];
}

export const UNIT_RANGE: [number, number] = [0, 1];

/** An integer axis (epochs, steps): the data's extent, widened by ½ on each side when it is a single value. */
export function integerRange(min: number, max: number): [number, number] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  return min === max ? [min - 0.5, max + 0.5] : [min, max];
}
