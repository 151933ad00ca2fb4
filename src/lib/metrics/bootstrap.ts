/**
 * Patient-level bootstrap confidence intervals: each draw resamples PATIENTS with replacement (all of a drawn
 * patient's images come along, once per draw of that patient), recomputes the metrics, and the interval is the
 * percentile range of the draws (numpy's default linear interpolation). Draws where a metric is undefined
 * (e.g. AUC without positives) are left out of that metric's interval and counted.
 */
import { binaryMetrics } from './binary';
import { averagePrecision, rocAuc } from './curves';
import { mulberry32 } from '../random';

export const BOOTSTRAP_METRICS = ['auc', 'ap', 'sensitivity', 'specificity', 'precision', 'f1', 'accuracy'] as const;
export type BootstrapMetric = (typeof BOOTSTRAP_METRICS)[number];

export interface Interval {
  estimate: number;
  low: number;
  high: number;
  /** draws in which the metric was defined */
  draws: number;
}

export interface BootstrapOptions {
  draws?: number;
  seed?: number;
  /** 0.95 → the 2.5th and 97.5th percentiles */
  level?: number;
}

export interface BootstrapInput {
  labels: ArrayLike<number>;
  probabilities: ArrayLike<number>;
  /** one group key (patient) per image */
  groups: ArrayLike<string>;
  threshold: number;
}

function metricsOf(labels: number[], probabilities: number[], threshold: number): Record<BootstrapMetric, number> {
  const m = binaryMetrics(labels, probabilities, threshold);
  const hasBoth = m.positives > 0 && m.positives < m.n;
  return {
    auc: hasBoth ? rocAuc(labels, probabilities) : NaN,
    ap: m.positives > 0 ? averagePrecision(labels, probabilities) : NaN,
    sensitivity: m.positives > 0 ? m.recall : NaN,
    specificity: m.positives < m.n ? m.specificity : NaN,
    // sklearn's zero_division=0: no image predicted positive gives precision 0
    precision: m.tp + m.fp > 0 ? m.precision : 0,
    f1: m.f1,
    accuracy: m.accuracy,
  };
}

/** numpy.percentile(values, q) with the default 'linear' method; values need not be sorted. */
export function percentile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = values.slice().sort((a, b) => a - b);
  const pos = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * The image indices of each draw: `patients` (distinct group keys in first-seen order) sampled with replacement by
 * mulberry32(seed), floor(rng() × patients) per pick. tests/scripts/bootstrap-reference.py repeats exactly this.
 */
export function* patientDraws(groups: ArrayLike<string>, draws: number, seed: number): Generator<number[]> {
  const members = new Map<string, number[]>();
  for (let i = 0; i < groups.length; i++) {
    const list = members.get(groups[i]);
    if (list) list.push(i);
    else members.set(groups[i], [i]);
  }
  const patients = [...members.values()];
  const rng = mulberry32(seed);
  for (let d = 0; d < draws; d++) {
    const indices: number[] = [];
    for (let k = 0; k < patients.length; k++) indices.push(...patients[Math.floor(rng() * patients.length)]);
    yield indices;
  }
}

export function bootstrapIntervals(input: BootstrapInput, options: BootstrapOptions = {}): Record<BootstrapMetric, Interval> {
  const { draws = 1000, seed = 1, level = 0.95 } = options;
  const labels = Array.from(input.labels);
  const probabilities = Array.from(input.probabilities);
  const estimate = metricsOf(labels, probabilities, input.threshold);
  const samples = Object.fromEntries(BOOTSTRAP_METRICS.map((k) => [k, [] as number[]])) as Record<BootstrapMetric, number[]>;
  for (const indices of patientDraws(input.groups, draws, seed)) {
    const m = metricsOf(
      indices.map((i) => labels[i]),
      indices.map((i) => probabilities[i]),
      input.threshold,
    );
    for (const k of BOOTSTRAP_METRICS) if (!Number.isNaN(m[k])) samples[k].push(m[k]);
  }
  const tail = ((1 - level) / 2) * 100;
  return Object.fromEntries(
    BOOTSTRAP_METRICS.map((k) => [k, { estimate: estimate[k], low: percentile(samples[k], tail), high: percentile(samples[k], 100 - tail), draws: samples[k].length }]),
  ) as Record<BootstrapMetric, Interval>;
}
