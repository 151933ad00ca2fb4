import { describe, expect, it } from 'vitest';
import { boxBlur, curveArea, deletionVerdict, perturbationSeries, randomOrder, randomisationVerdict, saliencyOrder, spearman } from '../../../src/lib/eval/explanation-checks';

describe('explanation checks', () => {
  it('orders pixels by saliency, most salient first, ties by index', () => {
    expect([...saliencyOrder([0.1, 0.9, 0.5, 0.9])]).toEqual([1, 3, 2, 0]);
    expect([...randomOrder(6, 3)].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('deletion replaces, insertion reveals, the ordered pixels step by step', () => {
    const image = [10, 20, 30, 40];
    const baseline = [0, 0, 0, 0];
    const order = Uint32Array.from([2, 0, 3, 1]);
    expect(perturbationSeries(image, baseline, order, 2, 'deletion').map((a) => [...a])).toEqual([
      [10, 20, 30, 40],
      [0, 20, 0, 40],
      [0, 0, 0, 0],
    ]);
    expect(perturbationSeries(image, baseline, order, 4, 'insertion').map((a) => [...a])).toEqual([
      [0, 0, 0, 0],
      [0, 0, 30, 0],
      [10, 0, 30, 0],
      [10, 0, 30, 40],
      [10, 20, 30, 40],
    ]);
  });

  it('curve area by the trapezoid rule over [0, 1]', () => {
    expect(curveArea([1, 0])).toBe(0.5);
    expect(curveArea([1, 1, 0])).toBe(0.75);
  });

  it('box blur averages a (2r+1)² window with clamped edges', () => {
    // 3×3 with a single 9 in the centre, radius 1: every window (clamped) that holds the centre averages 9 / 9 · weight
    const img = [0, 0, 0, 0, 9, 0, 0, 0, 0];
    const b = boxBlur(img, 3, 1);
    expect(b[4]).toBeCloseTo(1, 6);
    // corner (0,0): clamped windows rows {0,0,1} × cols {0,0,1} contain the centre once → 9 / 9
    expect(b[0]).toBeCloseTo(1, 6);
  });

  it('Spearman with average ranks (scipy.stats.spearmanr values)', () => {
    // scipy.stats.spearmanr([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) → 0.8207826816681233
    expect(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(0.8207826816681233, 12);
    expect(spearman([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
  });

  it('says in words what the figures mean', () => {
    expect(deletionVerdict({ map: 0.2, random: 0.5 })).toMatch(/^Faithful/);
    expect(deletionVerdict({ map: 0.5, random: 0.4 })).toMatch(/^Not faithful/);
    expect(randomisationVerdict(0.12, 'layer 4')).toMatch(/^Depends on the model.*0\.12/);
    expect(randomisationVerdict(0.8, 'layer 4')).toMatch(/^Warning/);
  });
});
