/**
 * A bootstrap band around the ROC curve: each patient-level draw's ROC is read on a fixed FPR grid, and at each
 * grid point the band is the percentile range of those TPRs (draws without both classes are left out).
 */
import { patientDraws, percentile, type BootstrapOptions } from './bootstrap';
import { rocCurve } from './curves';

export interface RocBand {
  fpr: number[];
  low: number[];
  high: number[];
  /** draws with both classes */
  draws: number;
}

/** The FPR grid: `points` values from 0 to 1 inclusive. */
export function fprGrid(points = 51): number[] {
  return Array.from({ length: points }, (_, i) => i / (points - 1));
}

/**
 * TPR of a ROC curve at `x`: the highest TPR reached at FPR = x (the top of a vertical step), else linear between
 * the points either side (fpr non-decreasing along the curve, as rocCurve gives it).
 */
export function tprAt(fpr: ArrayLike<number>, tpr: ArrayLike<number>, x: number): number {
  let i = -1;
  while (i + 1 < fpr.length && fpr[i + 1] <= x) i++;
  if (i < 0) return tpr[0];
  if (fpr[i] === x || i + 1 >= fpr.length) return tpr[i];
  return tpr[i] + ((tpr[i + 1] - tpr[i]) * (x - fpr[i])) / (fpr[i + 1] - fpr[i]);
}

export function rocBand(
  input: { labels: ArrayLike<number>; probabilities: ArrayLike<number>; groups: ArrayLike<string> },
  options: BootstrapOptions & { points?: number } = {},
): RocBand {
  const { draws = 1000, seed = 1, level = 0.95, points = 51 } = options;
  const grid = fprGrid(points);
  const columns = grid.map(() => [] as number[]);
  let kept = 0;
  for (const indices of patientDraws(input.groups, draws, seed)) {
    const roc = rocCurve(
      indices.map((i) => input.labels[i]),
      indices.map((i) => input.probabilities[i]),
    );
    if (roc.fpr.length < 2 || Number.isNaN(roc.fpr[1]) || Number.isNaN(roc.tpr[1])) continue;
    kept++;
    grid.forEach((x, g) => columns[g].push(tprAt(roc.fpr, roc.tpr, x)));
  }
  const tail = ((1 - level) / 2) * 100;
  return { fpr: grid, low: columns.map((c) => percentile(c, tail)), high: columns.map((c) => percentile(c, 100 - tail)), draws: kept };
}
