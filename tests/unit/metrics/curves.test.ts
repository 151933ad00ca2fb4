import { describe, expect, it } from 'vitest';
import {
  averagePrecision,
  precisionRecallCurve,
  rocAuc,
  rocCurve,
  thresholdForSensitivity,
  thresholdForSpecificity,
  youdenThreshold,
} from '../../../src/lib/metrics';
import { mulberry32 } from '../../../src/lib/random';

// sklearn's documented example (roc_curve / precision_recall_curve / average_precision_score docstrings):
// y = [0, 0, 1, 1], s = [0.1, 0.4, 0.35, 0.8]
const docLabels = [0, 0, 1, 1];
const docScores = [0.1, 0.4, 0.35, 0.8];

// Ties: y = [0, 1, 0, 1, 1], s = [0.5, 0.5, 0.2, 0.9, 0.2]. Distinct scores, descending:
//   0.9 → {1}       cum tp 1, fp 0
//   0.5 → {0, 1}    cum tp 2, fp 1
//   0.2 → {0, 1}    cum tp 3, fp 2        P = 3, N = 2
const tieLabels = [0, 1, 0, 1, 1];
const tieScores = [0.5, 0.5, 0.2, 0.9, 0.2];

describe('rocCurve', () => {
  it('matches the sklearn docstring example', () => {
    const { fpr, tpr, thresholds } = rocCurve(docLabels, docScores);
    expect(fpr).toEqual([0, 0, 0.5, 0.5, 1]);
    expect(tpr).toEqual([0, 0.5, 0.5, 1, 1]);
    expect(thresholds).toEqual([Infinity, 0.8, 0.4, 0.35, 0.1]);
  });

  it('makes one point per distinct score when scores tie', () => {
    const { fpr, tpr, thresholds } = rocCurve(tieLabels, tieScores);
    expect(thresholds).toEqual([Infinity, 0.9, 0.5, 0.2]);
    expect(fpr).toEqual([0, 0, 0.5, 1]);
    expect(tpr.map((t) => t * 3)).toEqual([0, 1, 2, 3]);
  });

  it('gives NaN rates for an absent class', () => {
    const { fpr, tpr } = rocCurve([1, 1, 1], [0.2, 0.5, 0.9]);
    expect(fpr.every(Number.isNaN)).toBe(true);
    expect(tpr).toEqual([0, 1 / 3, 2 / 3, 1]);
  });
});

describe('rocAuc', () => {
  it('is 0.75 on the sklearn docstring example', () => {
    // Trapezoid: segments (0→0, 0.5→0.5 at fpr 0..0) + (0..0.5 at tpr 0.5) + (0.5..1 at tpr 1) = 0.25 + 0.5
    expect(rocAuc(docLabels, docScores)).toBeCloseTo(0.75, 15);
  });

  it('counts a positive/negative tie as one half', () => {
    // Trapezoid: 0.5·(1/3+2/3)/2 + 0.5·(2/3+1)/2 = 1/4 + 5/12 = 2/3.
    // Mann–Whitney: 0.9 beats both (2), 0.5 ties 0.5 and beats 0.2 (1.5), 0.2 ties 0.2 (0.5) → 4/6.
    expect(rocAuc(tieLabels, tieScores)).toBeCloseTo(2 / 3, 15);
  });

  it('is 0.5 when every score is the same', () => {
    expect(rocAuc([0, 1, 1, 0, 1], [0.3, 0.3, 0.3, 0.3, 0.3])).toBe(0.5);
  });

  it('is 1 for a perfect ranking and 0 for an inverted one', () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4])).toBe(1);
    expect(rocAuc([1, 1, 0, 0], [0.1, 0.2, 0.3, 0.4])).toBe(0);
  });

  it('is NaN (documented) when one class is absent or there is no data', () => {
    expect(rocAuc([1, 1], [0.1, 0.9])).toBeNaN();
    expect(rocAuc([0, 0], [0.1, 0.9])).toBeNaN();
    expect(rocAuc([], [])).toBeNaN();
  });

  it('rejects labels and scores of different lengths', () => {
    expect(() => rocAuc([0, 1], [0.5])).toThrow(/differ in length/);
  });
});

describe('precisionRecallCurve and averagePrecision', () => {
  it('match the sklearn docstring example', () => {
    const { precision, recall, thresholds } = precisionRecallCurve(docLabels, docScores);
    // sklearn: precision [0.5, 0.667, 0.5, 1, 1], recall [1, 1, 0.5, 0.5, 0], thresholds [0.1, 0.35, 0.4, 0.8]
    expect(precision[0]).toBe(0.5);
    expect(precision[1]).toBeCloseTo(2 / 3, 15);
    expect(precision.slice(2)).toEqual([0.5, 1, 1]);
    expect(recall).toEqual([1, 1, 0.5, 0.5, 0]);
    expect(thresholds).toEqual([0.1, 0.35, 0.4, 0.8]);
    // AP = (1−1)·0.5 + (1−0.5)·2/3 + (0.5−0.5)·0.5 + (0.5−0)·1 = 1/3 + 1/2 = 0.8333 (sklearn docstring: 0.83)
    expect(averagePrecision(docLabels, docScores)).toBeCloseTo(5 / 6, 15);
  });

  it('treats tied scores as one threshold', () => {
    // thresholds 0.9: P 1, R 1/3 · 0.5: P 2/3, R 2/3 · 0.2: P 3/5, R 1
    // AP = 1/3·1 + 1/3·2/3 + 1/3·3/5 = 34/45
    expect(averagePrecision(tieLabels, tieScores)).toBeCloseTo(34 / 45, 15);
  });

  it('equals the prevalence when every score is the same', () => {
    // one threshold: P = 2/4, R = 1 → AP = 1 · 0.5
    expect(averagePrecision([0, 1, 1, 0], [0.3, 0.3, 0.3, 0.3])).toBe(0.5);
  });

  it('is 1 without negatives and 0 without positives (sklearn)', () => {
    expect(averagePrecision([1, 1], [0.2, 0.8])).toBe(1);
    expect(averagePrecision([0, 0], [0.2, 0.8])).toBe(0);
  });
});

/** Definition: P(score⁺ > score⁻) + ½ P(score⁺ = score⁻) over all positive/negative pairs. */
function mannWhitneyAuc(labels: number[], scores: number[]): number {
  let wins = 0;
  let pairs = 0;
  labels.forEach((yi, i) => {
    if (yi !== 1) return;
    labels.forEach((yj, j) => {
      if (yj !== 0) return;
      pairs++;
      wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

/** Definition: Σ over distinct thresholds t (descending) of (R(t) − R(previous t)) · P(t), by brute force. */
function bruteForceAp(labels: number[], scores: number[]): number {
  const distinct = [...new Set(scores)].sort((a, b) => b - a);
  const positives = labels.filter((y) => y === 1).length;
  let previousRecall = 0;
  let ap = 0;
  for (const t of distinct) {
    const tp = labels.filter((y, i) => y === 1 && scores[i] >= t).length;
    const predicted = scores.filter((s) => s >= t).length;
    const recall = tp / positives;
    ap += (recall - previousRecall) * (tp / predicted);
    previousRecall = recall;
  }
  return ap;
}

describe('cross-check against the formulas by brute force', () => {
  it('AUC and AP agree on random data with many ties', () => {
    const rng = mulberry32(7);
    for (let trial = 0; trial < 50; trial++) {
      const n = 5 + Math.floor(rng() * 60);
      const labels = Array.from({ length: n }, () => (rng() < 0.4 ? 1 : 0));
      if (!labels.includes(0) || !labels.includes(1)) continue;
      // one decimal → heavy ties; positives shifted up a little so AUC is not always ~0.5
      const scores = labels.map((y) => Math.round(Math.min(1, rng() + 0.2 * y) * 10) / 10);
      expect(rocAuc(labels, scores)).toBeCloseTo(mannWhitneyAuc(labels, scores), 12);
      expect(averagePrecision(labels, scores)).toBeCloseTo(bruteForceAp(labels, scores), 12);
    }
  });
});

describe('operating thresholds', () => {
  it('youdenThreshold takes the highest of tied J maxima', () => {
    // J = tpr − fpr at 0.8: 0.5, 0.4: 0, 0.35: 0.5, 0.1: 0 → 0.8
    expect(youdenThreshold(docLabels, docScores)).toBe(0.8);
    // ties data: J at 0.9: 1/3, 0.5: 2/3 − 1/2 = 1/6, 0.2: 0 → 0.9
    expect(youdenThreshold(tieLabels, tieScores)).toBe(0.9);
  });

  it('thresholdForSensitivity picks the most specific threshold reaching the target', () => {
    expect(thresholdForSensitivity(docLabels, docScores, 0.5)).toBe(0.8);
    expect(thresholdForSensitivity(docLabels, docScores, 0.6)).toBe(0.35);
    expect(thresholdForSensitivity(docLabels, docScores, 1)).toBe(0.35);
    expect(thresholdForSensitivity([0, 0], [0.1, 0.2], 0.9)).toBeNaN();
  });

  it('youdenThreshold is NaN when a class is absent', () => {
    expect(youdenThreshold([1, 1], [0.2, 0.4])).toBeNaN();
  });
});

describe('thresholdForSpecificity', () => {
  it('picks the lowest threshold that keeps the specificity (sklearn docstring example)', () => {
    // thresholds ∞, 0.8, 0.4, 0.35, 0.1 → specificity 1, 1, 0.5, 0.5, 0
    expect(thresholdForSpecificity(docLabels, docScores, 1)).toBe(0.8);
    expect(thresholdForSpecificity(docLabels, docScores, 0.5)).toBe(0.35);
    expect(thresholdForSpecificity(docLabels, docScores, 0)).toBe(0.1);
    expect(thresholdForSpecificity([1, 1], [0.3, 0.6], 0.9)).toBeNaN();
  });
});
