/**
 * Where the current threshold sits on a curve (predicted positive iff score ≥ threshold, as in the metrics):
 * the curve point of the lowest curve threshold that is still ≥ the chosen one.
 */
import type { PrecisionRecallCurve, RocCurve } from '../metrics';

export interface OperatingPoint {
  /** index into the curve's arrays */
  index: number;
  x: number;
  y: number;
}

/** ROC: (FPR, TPR) at the threshold. Thresholds decrease from Infinity, so this is the last one ≥ t. */
export function rocOperatingPoint(roc: RocCurve, threshold: number): OperatingPoint | null {
  let index = -1;
  for (let i = 0; i < roc.thresholds.length; i++) if (roc.thresholds[i] >= threshold) index = i;
  if (index < 0) return null;
  const [x, y] = [roc.fpr[index], roc.tpr[index]];
  return Number.isFinite(x) && Number.isFinite(y) ? { index, x, y } : null;
}

/**
 * PR: (recall, precision) at the threshold. Thresholds increase, so this is the first one ≥ t; above every
 * score nothing is predicted positive and the point is the curve's end (recall 0, precision 1).
 */
export function prOperatingPoint(pr: PrecisionRecallCurve, threshold: number): OperatingPoint | null {
  if (pr.recall.length === 0) return null;
  let index = pr.thresholds.findIndex((t) => t >= threshold);
  if (index < 0) index = pr.recall.length - 1;
  const [x, y] = [pr.recall[index], pr.precision[index]];
  return Number.isFinite(x) && Number.isFinite(y) ? { index, x, y } : null;
}
