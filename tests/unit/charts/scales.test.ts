import { describe, expect, it } from 'vitest';
import { integerRange, lossRange, niceCeil, UNIT_RANGE } from '../../../src/lib/charts';

describe('scales', () => {
  it('rounds a loss maximum up to 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 × 10^k', () => {
    expect(niceCeil(0.693)).toBe(0.8);
    expect(niceCeil(1)).toBe(1);
    expect(niceCeil(2.6)).toBe(3);
    expect(niceCeil(12)).toBe(12);
    expect(niceCeil(0.0031)).toBe(0.004);
    expect(niceCeil(0)).toBe(1);
    expect(niceCeil(NaN)).toBe(1);
  });

  it('starts a loss axis at 0 and rates on [0, 1]', () => {
    expect(lossRange(0.2, 0.693)).toEqual([0, 0.8]);
    expect(lossRange(-0.3, 1)).toEqual([-0.3, 1]);
    expect(UNIT_RANGE).toEqual([0, 1]);
  });

  it('widens a single epoch by a half on each side', () => {
    expect(integerRange(1, 1)).toEqual([0.5, 1.5]);
    expect(integerRange(1, 3)).toEqual([1, 3]);
  });
});
