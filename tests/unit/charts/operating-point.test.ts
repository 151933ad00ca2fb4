import { describe, expect, it } from 'vitest';
import { prOperatingPoint, rocOperatingPoint } from '../../../src/lib/charts';
import { binaryMetrics, precisionRecallCurve, rocCurve } from '../../../src/lib/metrics';

// sklearn's example: sorted by score 0.8 (pos), 0.4 (neg), 0.35 (pos), 0.1 (neg)
// ROC: fpr [0, 0, .5, .5, 1], tpr [0, .5, .5, 1, 1], thresholds [∞, .8, .4, .35, .1]
// PR (low threshold first): recall [1, 1, .5, .5, 0], precision [.5, 2/3, .5, 1, 1], thresholds [.1, .35, .4, .8]
const labels = [0, 0, 1, 1];
const scores = [0.1, 0.4, 0.35, 0.8];
const roc = rocCurve(labels, scores);
const pr = precisionRecallCurve(labels, scores);

describe('operating point on the ROC curve', () => {
  it('is the point of the lowest curve threshold still at or above the chosen one', () => {
    expect(rocOperatingPoint(roc, 0.5)).toEqual({ index: 1, x: 0, y: 0.5 });
    expect(rocOperatingPoint(roc, 0.4)).toEqual({ index: 2, x: 0.5, y: 0.5 });
    expect(rocOperatingPoint(roc, 0.36)).toEqual({ index: 2, x: 0.5, y: 0.5 });
    expect(rocOperatingPoint(roc, 0.35)).toEqual({ index: 3, x: 0.5, y: 1 });
    expect(rocOperatingPoint(roc, 0)).toEqual({ index: 4, x: 1, y: 1 });
    expect(rocOperatingPoint(roc, 0.9)).toEqual({ index: 0, x: 0, y: 0 });
  });

  it('is absent when a class is missing (the rates are undefined)', () => {
    expect(rocOperatingPoint(rocCurve([0, 0], [0.2, 0.7]), 0.5)).toBeNull();
  });
});

describe('operating point on the precision-recall curve', () => {
  it('is the point of the lowest curve threshold at or above the chosen one; above every score, the (0, 1) end', () => {
    expect(prOperatingPoint(pr, 0.5)).toEqual({ index: 3, x: 0.5, y: 1 });
    expect(prOperatingPoint(pr, 0.36)).toEqual({ index: 2, x: 0.5, y: 0.5 });
    expect(prOperatingPoint(pr, 0.2)).toEqual({ index: 1, x: 1, y: 2 / 3 });
    expect(prOperatingPoint(pr, 0.9)).toEqual({ index: 4, x: 0, y: 1 });
  });
});

describe('the marked point is the one the metrics table shows', () => {
  it('agrees with binaryMetrics at every threshold from 0 to 1', () => {
    const l = [1, 0, 1, 1, 0, 0, 1, 0, 1, 0];
    const s = [0.91, 0.85, 0.7, 0.7, 0.55, 0.4, 0.33, 0.2, 0.12, 0.05];
    const r = rocCurve(l, s);
    const p = precisionRecallCurve(l, s);
    for (let t = 0; t <= 1.0001; t += 0.05) {
      const b = binaryMetrics(l, s, t);
      const onRoc = rocOperatingPoint(r, t)!;
      expect(onRoc.x).toBeCloseTo(1 - b.specificity, 12);
      expect(onRoc.y).toBe(b.recall);
      const onPr = prOperatingPoint(p, t)!;
      if (b.tp + b.fp > 0) expect([onPr.x, onPr.y]).toEqual([b.recall, b.precision]);
      else expect([onPr.x, onPr.y]).toEqual([0, 1]);
    }
  });
});
