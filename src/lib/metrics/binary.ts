import { StudioError } from '../errors';
import { averagePrecision, rocAuc } from './curves';

export interface BinaryMetrics {
  threshold: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  accuracy: number;
  precision: number;
  recall: number;
  specificity: number;
  f1: number;
  /** NaN when one class is absent. */
  rocAuc: number;
  averagePrecision: number;
  n: number;
  positives: number;
}

/** a / b, with 0/0 → 0 (sklearn `zero_division=0`). */
export function safeRatio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

/** Confusion counts and derived scores; predicted positive iff probability >= threshold. */
export function binaryMetrics(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  threshold: number,
): BinaryMetrics {
  if (labels.length !== probabilities.length) {
    throw new StudioError('internal', `labels (${labels.length}) and probabilities (${probabilities.length}) differ in length`);
  }
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < labels.length; i++) {
    const actual = labels[i] === 1;
    const predicted = probabilities[i] >= threshold;
    if (actual && predicted) tp++;
    else if (actual) fn++;
    else if (predicted) fp++;
    else tn++;
  }
  const n = labels.length;
  return {
    threshold,
    tp,
    fp,
    tn,
    fn,
    accuracy: safeRatio(tp + tn, n),
    precision: safeRatio(tp, tp + fp),
    recall: safeRatio(tp, tp + fn),
    specificity: safeRatio(tn, tn + fp),
    // Harmonic mean of precision and recall, written in counts (sklearn's F-beta with beta = 1).
    f1: safeRatio(2 * tp, 2 * tp + fp + fn),
    rocAuc: rocAuc(labels, probabilities),
    averagePrecision: averagePrecision(labels, probabilities),
    n,
    positives: tp + fn,
  };
}
