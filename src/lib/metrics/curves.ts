/**
 * Threshold curves with scikit-learn semantics (sklearn.metrics, >= 1.3).
 *
 * Every curve point corresponds to one DISTINCT score: tied scores form a single point,
 * and "predicted positive" always means `score >= threshold`.
 */

import { StudioError } from '../errors';

export interface RocCurve {
  fpr: number[];
  tpr: number[];
  /** Decreasing; thresholds[0] = Infinity (nothing predicted positive). */
  thresholds: number[];
}

export interface PrecisionRecallCurve {
  /** precision[i] / recall[i] at thresholds[i]; one extra final point (precision 1, recall 0). */
  precision: number[];
  recall: number[];
  /** Increasing distinct scores. */
  thresholds: number[];
}

interface CumulativeCounts {
  /** Cumulative true / false positives when predicting positive iff score >= thresholds[i]. */
  tps: number[];
  fps: number[];
  /** Distinct scores, decreasing. */
  thresholds: number[];
}

function checkInputs(labels: ArrayLike<number>, scores: ArrayLike<number>): void {
  if (labels.length !== scores.length) {
    throw new StudioError('internal', `labels (${labels.length}) and scores (${scores.length}) differ in length`);
  }
}

/** sklearn's `_binary_clf_curve`: sort by score descending, one entry per distinct score. */
function cumulativeCounts(labels: ArrayLike<number>, scores: ArrayLike<number>): CumulativeCounts {
  checkInputs(labels, scores);
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const tps: number[] = [];
  const fps: number[] = [];
  const thresholds: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    if (labels[i] === 1) tp++;
    else fp++;
    const isLastOfTie = k === order.length - 1 || scores[order[k + 1]] !== scores[i];
    if (isLastOfTie) {
      tps.push(tp);
      fps.push(fp);
      thresholds.push(scores[i]);
    }
  }
  return { tps, fps, thresholds };
}

/** Like sklearn `roc_curve(y, s, drop_intermediate=False)`. With one class absent the undefined rate is NaN. */
export function rocCurve(labels: ArrayLike<number>, scores: ArrayLike<number>): RocCurve {
  const { tps, fps, thresholds } = cumulativeCounts(labels, scores);
  const positives = tps.length ? tps[tps.length - 1] : 0;
  const negatives = fps.length ? fps[fps.length - 1] : 0;
  return {
    fpr: [0, ...fps].map((f) => (negatives > 0 ? f / negatives : NaN)),
    tpr: [0, ...tps].map((t) => (positives > 0 ? t / positives : NaN)),
    thresholds: [Infinity, ...thresholds],
  };
}

/**
 * Area under the ROC curve by the trapezoid rule (ties form one point, so a tie between a positive
 * and a negative counts one half, exactly like sklearn `roc_auc_score`).
 * Returns NaN when one class is absent (sklearn raises ValueError there).
 */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const { fpr, tpr } = rocCurve(labels, scores);
  if (fpr.length < 2 || Number.isNaN(fpr[1]) || Number.isNaN(tpr[1])) return NaN;
  let area = 0;
  for (let i = 1; i < fpr.length; i++) area += ((fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1])) / 2;
  return area;
}

/**
 * Like sklearn `precision_recall_curve` (>= 1.1: all thresholds, no truncation at full recall).
 * Without positives recall is 1 everywhere (sklearn's convention, with its warning dropped).
 */
export function precisionRecallCurve(labels: ArrayLike<number>, scores: ArrayLike<number>): PrecisionRecallCurve {
  const { tps, fps, thresholds } = cumulativeCounts(labels, scores);
  const positives = tps.length ? tps[tps.length - 1] : 0;
  // tps[i] + fps[i] >= 1 always (at least one sample sits at or above each distinct score).
  const precision = tps.map((t, i) => t / (t + fps[i]));
  const recall = tps.map((t) => (positives > 0 ? t / positives : 1));
  return {
    precision: [...precision.reverse(), 1],
    recall: [...recall.reverse(), 0],
    thresholds: thresholds.slice().reverse(),
  };
}

/**
 * sklearn `average_precision_score`: AP = Σ_n (R_n − R_{n−1}) P_n over distinct thresholds, from the
 * highest down (no interpolation). 0 when there are no positives.
 */
export function averagePrecision(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const { precision, recall } = precisionRecallCurve(labels, scores);
  // Curve arrays run from the lowest threshold to the (recall 0, precision 1) end point.
  let ap = 0;
  for (let i = 0; i < recall.length - 1; i++) ap += (recall[i] - recall[i + 1]) * precision[i];
  return ap;
}

/**
 * Threshold maximising Youden's J = TPR − FPR over the ROC thresholds (Infinity excluded).
 * Ties go to the highest threshold. NaN when one class is absent.
 */
export function youdenThreshold(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const { fpr, tpr, thresholds } = rocCurve(labels, scores);
  let best = NaN;
  let bestJ = -Infinity;
  for (let i = 1; i < thresholds.length; i++) {
    const j = tpr[i] - fpr[i];
    if (j > bestJ) {
      bestJ = j;
      best = thresholds[i];
    }
  }
  return best;
}

/**
 * The highest threshold whose sensitivity (TPR) reaches `target` (0..1), i.e. the most specific
 * operating point with at least that sensitivity. NaN without positives.
 */
export function thresholdForSensitivity(labels: ArrayLike<number>, scores: ArrayLike<number>, target: number): number {
  const { tpr, thresholds } = rocCurve(labels, scores);
  for (let i = 1; i < thresholds.length; i++) {
    if (tpr[i] >= target) return thresholds[i];
  }
  return NaN;
}

/**
 * The lowest threshold whose specificity (1 − FPR) stays at or above `target` (0..1), i.e. the most sensitive
 * operating point with at least that specificity. NaN without negatives.
 */
export function thresholdForSpecificity(labels: ArrayLike<number>, scores: ArrayLike<number>, target: number): number {
  const { fpr, thresholds } = rocCurve(labels, scores);
  if (fpr.length < 2 || Number.isNaN(fpr[1])) return NaN;
  let best = thresholds[0];
  for (let i = 1; i < thresholds.length; i++) {
    if (1 - fpr[i] >= target) best = thresholds[i];
    else break;
  }
  return best;
}
