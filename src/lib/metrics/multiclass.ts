import { StudioError } from '../errors';
import { safeRatio } from './binary';
import { rocAuc } from './curves';

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
  /** One-vs-rest ROC AUC; NaN when the class is absent or is every sample. */
  rocAuc: number;
}

export interface AveragedMetrics {
  precision: number;
  recall: number;
  f1: number;
  rocAuc: number;
}

export interface MulticlassMetrics {
  perClass: ClassMetrics[];
  /** Unweighted mean over all numClasses classes (zero-support classes count, as sklearn labels=range(k)). */
  macro: AveragedMetrics;
  /** Mean weighted by support. */
  weighted: AveragedMetrics;
  accuracy: number;
  /** confusion[actual][predicted], as sklearn confusion_matrix. */
  confusion: number[][];
}

/** Index of the largest entry; ties → lowest index (numpy argmax). */
export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

/**
 * Mean of `values` weighted by `weights`, skipping NaN entries (one-vs-rest AUC of an absent class).
 * sklearn raises there instead; skipping keeps the number usable on small splits. NaN if nothing is left.
 */
function weightedMean(values: number[], weights: number[]): number {
  let sum = 0;
  let total = 0;
  values.forEach((value, i) => {
    if (Number.isNaN(value)) return;
    sum += value * weights[i];
    total += weights[i];
  });
  return total > 0 ? sum / total : NaN;
}

function average(perClass: ClassMetrics[], weights: number[]): AveragedMetrics {
  return {
    precision: weightedMean(perClass.map((c) => c.precision), weights),
    recall: weightedMean(perClass.map((c) => c.recall), weights),
    f1: weightedMean(perClass.map((c) => c.f1), weights),
    rocAuc: weightedMean(perClass.map((c) => c.rocAuc), weights),
  };
}

/**
 * Per-class, macro and weighted scores with sklearn `precision_recall_fscore_support`
 * (zero_division=0) and `roc_auc_score(multi_class='ovr')` semantics; the prediction is the argmax.
 */
export function multiclassMetrics(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>[],
  numClasses: number,
): MulticlassMetrics {
  if (labels.length !== probabilities.length) {
    throw new StudioError('internal', `labels (${labels.length}) and probabilities (${probabilities.length}) differ in length`);
  }
  const confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    const predicted = argmax(probabilities[i]);
    confusion[labels[i]][predicted]++;
    if (predicted === labels[i]) correct++;
  }
  const perClass: ClassMetrics[] = confusion.map((row, k) => {
    const tp = row[k];
    const support = row.reduce((a, b) => a + b, 0);
    const predictedK = confusion.reduce((sum, r) => sum + r[k], 0);
    const oneVsRest = Array.from(labels, (y) => (y === k ? 1 : 0));
    return {
      precision: safeRatio(tp, predictedK),
      recall: safeRatio(tp, support),
      f1: safeRatio(2 * tp, predictedK + support),
      support,
      rocAuc: rocAuc(oneVsRest, probabilities.map((p) => p[k])),
    };
  });
  return {
    perClass,
    macro: average(perClass, perClass.map(() => 1)),
    weighted: average(perClass, perClass.map((c) => c.support)),
    accuracy: safeRatio(correct, labels.length),
    confusion,
  };
}
