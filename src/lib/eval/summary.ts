/**
 * Metrics of one evaluated set at a threshold, from raw logits (cheap: recomputed on every slider move).
 * One logit = binary head (sigmoid, positive iff p ≥ threshold); N logits = softmax + argmax.
 */
import {
  bceFromLogit,
  binaryMetrics,
  multiclassMetrics,
  precisionRecallCurve,
  rocCurve,
  sigmoid,
  softmax,
  type BinaryMetrics,
  type MulticlassMetrics,
  type PrecisionRecallCurve,
  type RocCurve,
} from '../metrics';

export interface ScoredImage {
  id: string;
  sourcePath: string;
  patientId: string;
  split: string;
  /** class index */
  label: number;
  logits: number[];
}

export type SetMetrics =
  | { kind: 'binary'; binary: BinaryMetrics; roc: RocCurve; pr: PrecisionRecallCurve; /** [actual][predicted] */ confusion: number[][] }
  | { kind: 'multiclass'; multi: MulticlassMetrics };

/** Class probabilities: [1 − σ(z), σ(z)] for one logit, softmax otherwise. */
export function classProbabilities(logits: number[]): number[] {
  if (logits.length === 1) {
    const p = sigmoid(logits[0]);
    return [1 - p, p];
  }
  return softmax(logits);
}

/** Positive-class probability (binary) or the probability of the predicted class. */
export function displayProbability(logits: number[], threshold: number): number {
  const probs = classProbabilities(logits);
  return logits.length === 1 ? probs[1] : probs[predictedClass(logits, threshold)];
}

export function predictedClass(logits: number[], threshold: number): number {
  const probs = classProbabilities(logits);
  if (logits.length === 1) return probs[1] >= threshold ? 1 : 0;
  let best = 0;
  for (let k = 1; k < probs.length; k++) if (probs[k] > probs[best]) best = k;
  return best;
}

/** Per-image loss used to rank mistakes: BCE-with-logits (pos_weight 1) or cross-entropy. */
export function imageLoss(logits: number[], label: number): number {
  if (logits.length === 1) return bceFromLogit(logits[0], label, 1);
  return -Math.log(Math.max(softmax(logits)[label], 1e-12));
}

/** What the metrics start from: σ(z) per example for one logit, softmax vectors for N logits. */
export type LogitProbabilities = { kind: 'binary'; scores: number[] } | { kind: 'multiclass'; vectors: number[][]; numClasses: number };

export function logitProbabilities(logits: ArrayLike<number>[]): LogitProbabilities {
  if (logits.length > 0 && logits[0].length === 1) return { kind: 'binary', scores: logits.map((l) => sigmoid(l[0])) };
  return { kind: 'multiclass', vectors: logits.map((l) => softmax(l)), numClasses: logits[0]?.length ?? 0 };
}

type CoreMetrics = { kind: 'binary'; binary: BinaryMetrics } | { kind: 'multiclass'; multi: MulticlassMetrics };

function coreMetrics(labels: number[], p: LogitProbabilities, threshold: number): CoreMetrics {
  return p.kind === 'binary'
    ? { kind: 'binary', binary: binaryMetrics(labels, p.scores, threshold) }
    : { kind: 'multiclass', multi: multiclassMetrics(labels, p.vectors, p.numClasses) };
}

/**
 * The one logits → metrics path (one logit: sigmoid and `threshold`; N logits: softmax and argmax). The page's
 * tables, metrics.json and, through `headlineFromProbabilities`, a training epoch's validation summary all come from here.
 */
export function metricsFromLogits(labels: number[], logits: ArrayLike<number>[], threshold: number): SetMetrics | null {
  if (logits.length === 0) return null;
  const p = logitProbabilities(logits);
  const core = coreMetrics(labels, p, threshold);
  if (core.kind === 'multiclass' || p.kind === 'multiclass') return core as SetMetrics;
  const { binary } = core;
  return {
    kind: 'binary',
    binary,
    roc: rocCurve(labels, p.scores),
    pr: precisionRecallCurve(labels, p.scores),
    confusion: [
      [binary.tn, binary.fp],
      [binary.fn, binary.tp],
    ],
  };
}

/** Accuracy, ROC AUC (macro one-vs-rest for N classes) and F1 (macro for N classes) of a set. */
export function headlineMetrics(m: CoreMetrics): { accuracy: number; auc: number; f1: number } {
  if (m.kind === 'binary') return { accuracy: m.binary.accuracy, auc: m.binary.rocAuc, f1: m.binary.f1 };
  return { accuracy: m.multi.accuracy, auc: m.multi.macro.rocAuc, f1: m.multi.macro.f1 };
}

/** headlineMetrics without the curves metricsFromLogits adds (a training epoch's summary); NaN for no examples. */
export function headlineFromProbabilities(labels: number[], p: LogitProbabilities, threshold: number): { accuracy: number; auc: number; f1: number } {
  const n = p.kind === 'binary' ? p.scores.length : p.vectors.length;
  if (n === 0) return { accuracy: NaN, auc: NaN, f1: NaN };
  return headlineMetrics(coreMetrics(labels, p, threshold));
}

export function headlineFromLogits(labels: number[], logits: ArrayLike<number>[], threshold: number): { accuracy: number; auc: number; f1: number } {
  return headlineFromProbabilities(labels, logitProbabilities(logits), threshold);
}

export function setMetrics(images: ScoredImage[], threshold: number): SetMetrics | null {
  return metricsFromLogits(
    images.map((p) => p.label),
    images.map((p) => p.logits),
    threshold,
  );
}

export type GalleryKind = 'false-positives' | 'false-negatives' | 'misclassified';

/**
 * Mistakes at the threshold, worst (highest loss) first. Binary: false positives (label 0 predicted 1) and
 * false negatives (label 1 predicted 0); multi-class: every misclassified image.
 */
export function mistakes(images: ScoredImage[], threshold: number, kind: GalleryKind): Array<ScoredImage & { loss: number; predicted: number }> {
  return images
    .map((p) => ({ ...p, loss: imageLoss(p.logits, p.label), predicted: predictedClass(p.logits, threshold) }))
    .filter((p) =>
      kind === 'false-positives' ? p.label === 0 && p.predicted === 1 : kind === 'false-negatives' ? p.label === 1 && p.predicted === 0 : p.label !== p.predicted,
    )
    .sort((a, b) => b.loss - a.loss);
}
