import { describe, expect, it } from 'vitest';
import { multiclassMetrics } from '../../../src/lib/metrics';

// labels and probability rows; argmax predictions in the trailing comments
const labels = [0, 1, 2, 2, 1, 0];
const probs = [
  [0.7, 0.2, 0.1], // → 0 ✓
  [0.3, 0.6, 0.1], // → 1 ✓
  [0.2, 0.3, 0.5], // → 2 ✓
  [0.1, 0.5, 0.4], // → 1 ✗
  [0.4, 0.35, 0.25], // → 0 ✗
  [0.5, 0.4, 0.1], // → 0 ✓
];

describe('multiclassMetrics', () => {
  const m = multiclassMetrics(labels, probs, 3);

  it('builds confusion[actual][predicted] and accuracy', () => {
    expect(m.confusion).toEqual([
      [2, 0, 0],
      [1, 1, 0],
      [0, 1, 1],
    ]);
    expect(m.accuracy).toBe(4 / 6);
  });

  it('computes per-class precision/recall/F1/support', () => {
    // class 0: tp 2, predicted 3, support 2 → P 2/3, R 1, F1 4/5
    // class 1: tp 1, predicted 2, support 2 → P ½, R ½, F1 ½
    // class 2: tp 1, predicted 1, support 2 → P 1, R ½, F1 2/3
    const rows = m.perClass.map((c) => [c.precision, c.recall, c.f1, c.support]);
    expect(rows[0][0]).toBeCloseTo(2 / 3, 15);
    expect(rows[0].slice(1)).toEqual([1, 0.8, 2]);
    expect(rows[1]).toEqual([0.5, 0.5, 0.5, 2]);
    expect(rows[2][2]).toBeCloseTo(2 / 3, 15);
    expect([rows[2][0], rows[2][1], rows[2][3]]).toEqual([1, 0.5, 2]);
  });

  it('computes one-vs-rest AUC per class', () => {
    // class 0 positives score 0.7, 0.5 vs negatives 0.3, 0.2, 0.1, 0.4 → 8/8
    // class 1 positives 0.6, 0.35 vs 0.2, 0.3, 0.5, 0.4 → (4 + 2)/8
    // class 2 positives 0.5, 0.4 vs 0.1, 0.1, 0.25, 0.1 → 8/8
    expect(m.perClass.map((c) => c.rocAuc)).toEqual([1, 0.75, 1]);
  });

  it('averages macro and weighted (equal supports → equal averages)', () => {
    expect(m.macro.precision).toBeCloseTo((2 / 3 + 0.5 + 1) / 3, 15);
    expect(m.macro.recall).toBeCloseTo(2 / 3, 15);
    expect(m.macro.f1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 15);
    expect(m.macro.rocAuc).toBeCloseTo(2.75 / 3, 15);
    expect(m.weighted.f1).toBeCloseTo(m.macro.f1, 15);
  });

  it('counts a zero-support class in macro (sklearn labels=range(k)) but skips its NaN AUC', () => {
    const four = multiclassMetrics(labels, probs.map((p) => [...p, 0]), 4);
    expect(four.perClass[3]).toEqual({ precision: 0, recall: 0, f1: 0, support: 0, rocAuc: NaN });
    expect(four.macro.precision).toBeCloseTo((2 / 3 + 0.5 + 1) / 4, 15);
    expect(four.macro.rocAuc).toBeCloseTo(2.75 / 3, 15);
    expect(four.weighted.precision).toBeCloseTo(m.weighted.precision, 15);
  });

  it('weights by support', () => {
    // labels [0,0,0,1]: all predicted 0 → class 0 P ¾ R 1 F1 6/7, class 1 all 0
    const w = multiclassMetrics([0, 0, 0, 1], [[0.9, 0.1], [0.8, 0.2], [0.6, 0.4], [0.7, 0.3]], 2);
    expect(w.weighted.f1).toBeCloseTo((3 * (6 / 7) + 1 * 0) / 4, 15);
    expect(w.macro.f1).toBeCloseTo(6 / 7 / 2, 15);
    // class 1 score 0.3 vs negatives 0.1, 0.2, 0.4 → 2/3
    expect(w.perClass[1].rocAuc).toBeCloseTo(2 / 3, 15);
  });
});
