import { describe, expect, it } from 'vitest';
import { brierScore, expectedCalibrationError, fitTemperature, reliabilityBins, scaledProbabilities, temperatureNll } from '../../../src/lib/metrics/calibration';
import { gaussian, mulberry32 } from '../../../src/lib/random';
import { sigmoid } from '../../../src/lib/metrics/activations';

describe('calibration', () => {
  // sorted probabilities 0.1 0.2 0.3 | 0.6 0.7 0.9 (two equal-count bins of three), labels 0 0 1 | 1 0 1
  const labels = [1, 0, 0, 1, 1, 0];
  const probabilities = [0.3, 0.1, 0.2, 0.9, 0.6, 0.7];

  it('reliability bins hold equal counts of the sorted probabilities', () => {
    const bins = reliabilityBins(labels, probabilities, 2);
    expect(bins.map((b) => b.count)).toEqual([3, 3]);
    expect(bins[0].confidence).toBeCloseTo(0.2, 12);
    expect(bins[0].observed).toBeCloseTo(1 / 3, 12);
    expect(bins[1].confidence).toBeCloseTo(2.2 / 3, 12);
    expect(bins[1].observed).toBeCloseTo(2 / 3, 12);
  });

  it('ECE and Brier by hand', () => {
    // ECE = ½·|1/3 − 0.2| + ½·|2/3 − 2.2/3| = ½·(0.13333…) + ½·(0.06666…) = 0.1
    expect(expectedCalibrationError(labels, probabilities, 2)).toBeCloseTo(0.1, 12);
    // Brier = (0.49 + 0.01 + 0.04 + 0.01 + 0.16 + 0.49) / 6 = 1.2 / 6
    expect(brierScore(labels, probabilities)).toBeCloseTo(0.2, 12);
    expect(expectedCalibrationError([0, 1], [0, 1], 2)).toBe(0);
  });

  it('temperature scaling recovers a known temperature within 1 %', () => {
    const rng = mulberry32(11);
    const n = 40_000;
    const trueLogits = Array.from({ length: n }, () => 2.5 * gaussian(rng));
    const labelsDrawn = trueLogits.map((z) => (rng() < sigmoid(z) ? 1 : 0));
    for (const t of [0.5, 2.5]) {
      // an over- (t > 1) or under-confident (t < 1) model: its logits are the true ones times t
      const logits = trueLogits.map((z) => z * t);
      const fitted = fitTemperature(logits, labelsDrawn);
      expect(Math.abs(fitted / t - 1), `T=${t}, fitted ${fitted}`).toBeLessThan(0.01);
      expect(temperatureNll(logits, labelsDrawn, fitted)).toBeLessThanOrEqual(temperatureNll(logits, labelsDrawn, 1));
    }
  });

  it('scaled probabilities divide the logit by T', () => {
    expect(scaledProbabilities([2, -4], 2)).toEqual([sigmoid(1), sigmoid(-2)]);
  });
});
