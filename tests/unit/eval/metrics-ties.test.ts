/** Tie cases of the metric definitions not covered in tests/unit/metrics, hand-derived as sklearn computes them. */
import { describe, expect, it } from 'vitest';
import { binaryMetrics, multiclassMetrics } from '../../../src/lib/metrics';

describe('ties (sklearn semantics)', () => {
  it('a score equal to the threshold is predicted positive (y_pred = s >= t)', () => {
    // y = [1, 0, 1, 0], s = [0.5, 0.5, 0.2, 0.7], t = 0.5 → pred [1, 1, 0, 1]: TP 1, FP 2, FN 1, TN 0
    const m = binaryMetrics([1, 0, 1, 0], [0.5, 0.5, 0.2, 0.7], 0.5);
    expect([m.tp, m.fp, m.fn, m.tn]).toEqual([1, 2, 1, 0]);
    expect(m.precision).toBeCloseTo(1 / 3, 15);
    expect(m.recall).toBe(0.5);
    expect(m.f1).toBeCloseTo(0.4, 15); // 2·1 / (2·1 + 2 + 1)
    // AUC, Mann–Whitney: pos 0.5 vs neg {0.5, 0.7} → ½ + 0; pos 0.2 → 0 + 0 → 0.5/4
    expect(m.rocAuc).toBeCloseTo(0.125, 15);
    // AP: thresholds 0.7 (P 0, R 0), 0.5 (P 1/3, R 1/2), 0.2 (P 2/4, R 1) → ½·⅓ + ½·½ = 5/12
    expect(m.averagePrecision).toBeCloseTo(5 / 12, 15);
  });

  it('multi-class argmax ties go to the lowest class index (numpy argmax), OvR AUC counts ties as ½', () => {
    const labels = [0, 1, 2, 1];
    const probs = [
      [0.4, 0.4, 0.2], // tie 0/1 → 0 (correct)
      [0.3, 0.3, 0.4], // → 2 (wrong)
      [0.2, 0.4, 0.4], // tie 1/2 → 1 (wrong)
      [0.1, 0.6, 0.3], // → 1 (correct)
    ];
    const m = multiclassMetrics(labels, probs, 3);
    expect(m.confusion).toEqual([
      [1, 0, 0],
      [0, 1, 1],
      [0, 1, 0],
    ]);
    expect(m.accuracy).toBe(0.5);
    // class 1 one-vs-rest: positives s = {0.3, 0.6}, negatives s = {0.4, 0.4} → (0 + 2) / 4
    expect(m.perClass[1].rocAuc).toBe(0.5);
    // class 0: positive 0.4 vs negatives {0.3, 0.2, 0.1} → 1
    expect(m.perClass[0].rocAuc).toBe(1);
    // class 2: positive 0.4 vs negatives {0.2, 0.4, 0.3} → (1 + ½ + 1) / 3
    expect(m.perClass[2].rocAuc).toBeCloseTo(2.5 / 3, 15);
  });
});
