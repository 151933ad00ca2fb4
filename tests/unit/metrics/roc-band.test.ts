import { describe, expect, it } from 'vitest';
import { fprGrid, rocBand, tprAt } from '../../../src/lib/metrics/roc-band';
import { rocCurve } from '../../../src/lib/metrics';

describe('ROC band', () => {
  it('reads a curve on the grid: the top of a vertical step, linear between points', () => {
    // (0,0) → (0,0.5) → (0.5,0.5) → (1,1)
    const fpr = [0, 0, 0.5, 1];
    const tpr = [0, 0.5, 0.5, 1];
    expect(tprAt(fpr, tpr, 0)).toBe(0.5);
    expect(tprAt(fpr, tpr, 0.25)).toBe(0.5);
    expect(tprAt(fpr, tpr, 0.75)).toBe(0.75);
    expect(tprAt(fpr, tpr, 1)).toBe(1);
    expect(fprGrid(5)).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });

  it('one patient holding every image: every draw is the whole set, so the band is the curve itself', () => {
    const labels = [0, 1, 0, 1, 1, 0];
    const probabilities = [0.1, 0.8, 0.4, 0.35, 0.9, 0.6];
    const band = rocBand({ labels, probabilities, groups: labels.map(() => 'p') }, { draws: 20, points: 11 });
    const roc = rocCurve(labels, probabilities);
    const want = fprGrid(11).map((x) => tprAt(roc.fpr, roc.tpr, x));
    expect(band.low).toEqual(want);
    expect(band.high).toEqual(want);
    expect(band.draws).toBe(20);
  });

  it('patients drawn with replacement widen the band around the curve; draws with one class are left out', () => {
    const labels = Array.from({ length: 40 }, (_, i) => i % 2);
    const probabilities = labels.map((y, i) => 0.3 * y + ((i * 37) % 17) / 25);
    const band = rocBand({ labels, probabilities, groups: labels.map((_, i) => `p${i}`) }, { draws: 300, seed: 3 });
    const roc = rocCurve(labels, probabilities);
    band.fpr.forEach((x, g) => {
      expect(band.low[g]).toBeLessThanOrEqual(band.high[g]);
      expect(band.low[g]).toBeLessThanOrEqual(tprAt(roc.fpr, roc.tpr, x) + 1e-12);
      expect(band.high[g]).toBeGreaterThanOrEqual(tprAt(roc.fpr, roc.tpr, x) - 1e-12);
    });
    expect(band.high.some((h, g) => h - band.low[g] > 0.1)).toBe(true);
    const one = rocBand({ labels: [0, 1], probabilities: [0.2, 0.7], groups: ['a', 'b'] }, { draws: 100, seed: 1 });
    expect(one.draws).toBeLessThan(100);
  });
});
