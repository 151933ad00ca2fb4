/**
 * Patient-level bootstrap intervals against scikit-learn: bootstrap-case.json holds a case and what
 * tests/scripts/bootstrap-reference.py computed for it with sklearn metrics over the same seeded resamples.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BOOTSTRAP_METRICS, bootstrapIntervals, patientDraws, percentile, type Interval } from '../../../src/lib/metrics/bootstrap';

const caseFile = new URL('./bootstrap-case.json', import.meta.url);
const reference = JSON.parse(readFileSync(caseFile, 'utf8')) as {
  labels: number[];
  probabilities: number[];
  groups: string[];
  threshold: number;
  draws: number;
  seed: number;
  level: number;
  expected: Record<string, Interval>;
};

describe('bootstrap intervals', () => {
  it('equal scikit-learn over the same patient resamples within 1e-9', () => {
    const got = bootstrapIntervals(reference, { draws: reference.draws, seed: reference.seed, level: reference.level });
    for (const k of BOOTSTRAP_METRICS) {
      const want = reference.expected[k];
      expect(got[k].draws, k).toBe(want.draws);
      for (const field of ['estimate', 'low', 'high'] as const) expect(Math.abs(got[k][field] - want[field]), `${k}.${field}`).toBeLessThan(1e-9);
    }
  });

  it('resamples patients, not images: a drawn patient brings all of its images', () => {
    const groups = ['a', 'a', 'a', 'b', 'c', 'c'];
    for (const draw of patientDraws(groups, 50, 9)) {
      // three picks of patients; each pick adds that patient's images as one block
      const counts = new Map<string, number>();
      for (const i of draw) counts.set(groups[i], (counts.get(groups[i]) ?? 0) + 1);
      expect(counts.get('a') ?? 0).toBeOneOf([0, 3, 6, 9]);
      expect(counts.get('c') ?? 0).toBeOneOf([0, 2, 4, 6]);
      expect([...counts.values()].reduce((s, n) => s + n, 0)).toBe(draw.length);
    }
  });

  it('leaves undefined draws out: one patient with both classes can never give an AUC alone', () => {
    const r = bootstrapIntervals({ labels: [0, 1, 0], probabilities: [0.2, 0.8, 0.4], groups: ['p', 'q', 'r'], threshold: 0.5 }, { draws: 200, seed: 4 });
    expect(r.auc.estimate).toBe(1);
    expect(r.auc.draws).toBeLessThan(200);
    expect(r.accuracy.draws).toBe(200);
  });

  it('percentile interpolates linearly like numpy', () => {
    // numpy.percentile([1, 2, 3, 4], [0, 25, 50, 2.5]) = [1, 1.75, 2.5, 1.075]
    expect(percentile([4, 1, 3, 2], 0)).toBe(1);
    expect(percentile([4, 1, 3, 2], 25)).toBe(1.75);
    expect(percentile([4, 1, 3, 2], 50)).toBe(2.5);
    expect(percentile([4, 1, 3, 2], 2.5)).toBeCloseTo(1.075, 12);
  });
});
