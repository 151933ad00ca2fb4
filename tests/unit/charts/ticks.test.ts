import { describe, expect, it } from 'vitest';
import { decimalsFor, formatTicks, formatValue, integerStep, integerTicks } from '../../../src/lib/charts';

describe('integer ticks', () => {
  it('steps 1, 2, 5, 10… keep the count at or under the limit', () => {
    expect(integerStep(1, 2, 10)).toBe(1);
    // 1..12 is 11 wide: step 1 gives 12 ticks, step 2 gives 6
    expect(integerStep(1, 12, 6)).toBe(2);
    // 1..30: step 2 gives 15, step 5 gives 6, step 10 gives 3
    expect(integerStep(1, 30, 5)).toBe(10);
  });

  it('lie on multiples of the step inside the range, whole numbers only', () => {
    expect(integerTicks(1, 2, 10)).toEqual([1, 2]);
    expect(integerTicks(1, 12, 6)).toEqual([2, 4, 6, 8, 10, 12]);
    expect(integerTicks(1, 30, 5)).toEqual([10, 20, 30]);
    expect(integerTicks(0.5, 1.5, 5)).toEqual([1]);
    expect(integerTicks(0.2, 0.8, 5)).toEqual([]);
    expect(integerTicks(NaN, 3, 5)).toEqual([]);
  });
});

describe('tick and read-out text', () => {
  it('uses as many decimals as the step needs', () => {
    expect(decimalsFor(5)).toBe(0);
    expect(decimalsFor(0.2)).toBe(1);
    expect(decimalsFor(0.25)).toBe(2);
    expect(decimalsFor(0.05)).toBe(2);
    expect(formatTicks([0, 0.2, 0.4], 0.2)).toEqual(['0.0', '0.2', '0.4']);
    expect(formatTicks([-0, 0.25], 0.25)).toEqual(['0.00', '0.25']);
  });

  it('writes a dash for a missing value', () => {
    expect(formatValue(0.12345)).toBe('0.123');
    expect(formatValue(0.5, 4)).toBe('0.5000');
    expect(formatValue(NaN)).toBe('—');
    expect(formatValue(null)).toBe('—');
  });
});
