/**
 * How far a binary set's figures can be trusted: patient-level bootstrap intervals of its metrics at the threshold,
 * and its calibration (reliability bins, ECE, Brier), optionally after a temperature fitted on another set.
 */
import {
  bootstrapIntervals,
  brierScore,
  expectedCalibrationError,
  reliabilityBins,
  scaledProbabilities,
  type BootstrapMetric,
  type BootstrapOptions,
  type Interval,
  type ReliabilityBin,
} from '../metrics';
import { rocBand, type RocBand } from '../metrics/roc-band';
import type { ScoredImage } from './summary';

export interface SetTrust {
  intervals: Record<BootstrapMetric, Interval>;
  /** options the intervals were drawn with */
  bootstrap: Required<BootstrapOptions>;
  calibration: { bins: ReliabilityBin[]; ece: number; brier: number; temperature: number };
  /** the ROC curve's band over the same draws */
  rocBand: RocBand;
}

export const TRUST_DEFAULTS: Required<BootstrapOptions> = { draws: 1000, seed: 1, level: 0.95 };
export const CALIBRATION_BINS = 10;

/** null for an empty or multi-class set (intervals here are for one logit). `temperature` 1 = as the model says. */
export function setTrust(images: ScoredImage[], threshold: number, temperature = 1, options: BootstrapOptions = {}): SetTrust | null {
  if (images.length === 0 || images[0].logits.length !== 1) return null;
  const bootstrap = { ...TRUST_DEFAULTS, ...options };
  const labels = images.map((p) => p.label);
  const probabilities = scaledProbabilities(
    images.map((p) => p.logits[0]),
    temperature,
  );
  const groups = images.map((p) => p.patientId);
  return {
    intervals: bootstrapIntervals({ labels, probabilities, groups, threshold }, bootstrap),
    rocBand: rocBand({ labels, probabilities, groups }, bootstrap),
    bootstrap,
    calibration: {
      bins: reliabilityBins(labels, probabilities, CALIBRATION_BINS),
      ece: expectedCalibrationError(labels, probabilities, CALIBRATION_BINS),
      brier: brierScore(labels, probabilities),
      temperature,
    },
  };
}

/** The set with every single logit divided by `temperature` (multi-class sets and T = 1 unchanged). */
export function scaleLogits(images: ScoredImage[], temperature: number): ScoredImage[] {
  if (temperature === 1 || images.length === 0 || images[0].logits.length !== 1) return images;
  return images.map((p) => ({ ...p, logits: [p.logits[0] / temperature] }));
}

/** "0.912 (0.85–0.96)": a figure with its interval, 3 decimals; an em dash when undefined. */
export function withInterval(i: Interval, digits = 3): string {
  if (!Number.isFinite(i.estimate)) return '—';
  if (!Number.isFinite(i.low) || !Number.isFinite(i.high)) return i.estimate.toFixed(digits);
  return `${i.estimate.toFixed(digits)} (${i.low.toFixed(digits)}–${i.high.toFixed(digits)})`;
}
