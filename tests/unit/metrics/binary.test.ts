import { describe, expect, it } from 'vitest';
import { binaryMetrics, sigmoid, softmax } from '../../../src/lib/metrics';

describe('binaryMetrics', () => {
  // y = [1, 1, 1, 0, 0, 0, 0, 1], p = [0.9, 0.6, 0.4, 0.5, 0.2, 0.1, 0.7, 0.5], threshold 0.5 (p >= t):
  //   tp: 0.9, 0.6, 0.5(idx 7) = 3 · fn: 0.4 = 1 · fp: 0.5(idx 3), 0.7 = 2 · tn: 0.2, 0.1 = 2
  const labels = [1, 1, 1, 0, 0, 0, 0, 1];
  const probs = [0.9, 0.6, 0.4, 0.5, 0.2, 0.1, 0.7, 0.5];

  it('counts with p >= threshold as positive and derives the scores', () => {
    const m = binaryMetrics(labels, probs, 0.5);
    expect([m.tp, m.fn, m.fp, m.tn]).toEqual([3, 1, 2, 2]);
    expect(m.n).toBe(8);
    expect(m.positives).toBe(4);
    expect(m.accuracy).toBe(5 / 8);
    expect(m.precision).toBe(3 / 5);
    expect(m.recall).toBe(3 / 4);
    expect(m.specificity).toBe(2 / 4);
    // F1 = 2PR/(P+R) = 2·0.6·0.75/1.35 = 2/3
    expect(m.f1).toBeCloseTo(2 / 3, 15);
    // Mann–Whitney over 16 pairs: 0.9 → 4, 0.6 → 3, 0.4 → 2, 0.5 → 2 + ½ (tie with 0.5) → 11.5/16
    expect(m.rocAuc).toBeCloseTo(11.5 / 16, 15);
    // AP: (R,P) at 0.9 (¼,1), 0.7 (¼,½), 0.6 (½,⅔), 0.5 (¾,⅗), 0.4 (1,⅔), … → ¼(1 + ⅔ + ⅗ + ⅔) = 11/15
    expect(m.averagePrecision).toBeCloseTo(11 / 15, 15);
  });

  it('uses zero_division = 0 when nothing is predicted positive', () => {
    const m = binaryMetrics(labels, probs, 2);
    expect([m.tp, m.fp, m.tn, m.fn]).toEqual([0, 0, 4, 4]);
    expect(m.precision).toBe(0);
    expect(m.recall).toBe(0);
    expect(m.f1).toBe(0);
    expect(m.specificity).toBe(1);
  });

  it('handles a single-class set: AUC NaN, specificity 0/0 → 0', () => {
    const m = binaryMetrics([1, 1, 1], [0.2, 0.6, 0.9], 0.5);
    expect([m.tp, m.fn]).toEqual([2, 1]);
    expect(m.specificity).toBe(0);
    expect(m.rocAuc).toBeNaN();
    expect(m.averagePrecision).toBe(1);
  });
});

describe('sigmoid and softmax', () => {
  it('sigmoid is 1/(1+e^-x), finite at extremes', () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(2)).toBeCloseTo(1 / (1 + Math.exp(-2)), 15);
    expect(sigmoid(-2)).toBeCloseTo(1 / (1 + Math.exp(2)), 15);
    expect(sigmoid(1000)).toBe(1);
    expect(sigmoid(-1000)).toBe(0);
  });

  it('softmax normalises and survives large logits', () => {
    const p = softmax([1, 2, 3]);
    const z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    expect(p[0]).toBeCloseTo(Math.exp(1) / z, 15);
    expect(p[2]).toBeCloseTo(Math.exp(3) / z, 15);
    const big = softmax(new Float32Array([1000, 1000]));
    expect(big).toEqual([0.5, 0.5]);
  });
});
