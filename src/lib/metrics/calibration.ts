/** Calibration of predicted probabilities: reliability bins, ECE, Brier score, and temperature scaling. */
import { sigmoid } from './activations';

export interface ReliabilityBin {
  /** mean predicted probability in the bin */
  confidence: number;
  /** fraction of positives in the bin */
  observed: number;
  count: number;
}

/**
 * Equal-count bins over the probabilities sorted ascending: image k (0-based, of n) goes to bin floor(k·bins/n),
 * so bin sizes differ by at most one. Fewer images than bins: one bin per image.
 */
export function reliabilityBins(labels: ArrayLike<number>, probabilities: ArrayLike<number>, bins = 10): ReliabilityBin[] {
  const n = probabilities.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => probabilities[a] - probabilities[b] || a - b);
  const count = Math.min(bins, n);
  const out = Array.from({ length: count }, () => ({ confidence: 0, observed: 0, count: 0 }));
  order.forEach((i, k) => {
    const b = out[Math.floor((k * count) / n)];
    b.confidence += probabilities[i];
    b.observed += labels[i];
    b.count++;
  });
  return out.map((b) => ({ confidence: b.confidence / b.count, observed: b.observed / b.count, count: b.count }));
}

/** Expected calibration error: Σ_b (n_b / n) · |observed_b − confidence_b| over equal-count bins. */
export function expectedCalibrationError(labels: ArrayLike<number>, probabilities: ArrayLike<number>, bins = 10): number {
  const n = probabilities.length;
  return reliabilityBins(labels, probabilities, bins).reduce((s, b) => s + (b.count / n) * Math.abs(b.observed - b.confidence), 0);
}

/** Mean squared difference between probability and label. */
export function brierScore(labels: ArrayLike<number>, probabilities: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < labels.length; i++) s += (probabilities[i] - labels[i]) ** 2;
  return s / labels.length;
}

/** Mean binary cross-entropy of sigmoid(logit / t) against the labels (stable form). */
export function temperatureNll(logits: ArrayLike<number>, labels: ArrayLike<number>, t: number): number {
  let s = 0;
  for (let i = 0; i < logits.length; i++) {
    const z = logits[i] / t;
    // −[y log σ(z) + (1−y) log(1−σ(z))] = max(z, 0) − y·z + log(1 + e^{−|z|})
    s += Math.max(z, 0) - labels[i] * z + Math.log1p(Math.exp(-Math.abs(z)));
  }
  return s / logits.length;
}

/**
 * The temperature T minimising the validation NLL of sigmoid(logit / T): a golden-section search on log T over
 * [1/20, 20] (the NLL is unimodal in log T for a model better than chance), to a relative precision of 1e-9.
 */
export function fitTemperature(logits: ArrayLike<number>, labels: ArrayLike<number>): number {
  const f = (u: number) => temperatureNll(logits, labels, Math.exp(u));
  const phi = (Math.sqrt(5) - 1) / 2;
  let a = Math.log(1 / 20);
  let b = Math.log(20);
  let c = b - phi * (b - a);
  let d = a + phi * (b - a);
  let fc = f(c);
  let fd = f(d);
  while (b - a > 1e-9) {
    if (fc < fd) {
      [b, d, fd] = [d, c, fc];
      c = b - phi * (b - a);
      fc = f(c);
    } else {
      [a, c, fc] = [c, d, fd];
      d = a + phi * (b - a);
      fd = f(d);
    }
  }
  return Math.exp((a + b) / 2);
}

/** Probabilities after temperature scaling. */
export function scaledProbabilities(logits: ArrayLike<number>, t: number): number[] {
  return Array.from(logits, (z) => sigmoid(z / t));
}
