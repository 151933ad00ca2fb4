import { describe, expect, it } from 'vitest';
import { advance, formatEta, startProgress } from '../../../src/state/progress';

describe('progress', () => {
  it('has no ETA before the first unit, then extrapolates the pace so far', () => {
    const p = startProgress('Importing', 100, 1000);
    expect(p).toEqual({ label: 'Importing', done: 0, total: 100, startedAt: 1000 });
    expect(advance(p, 0, 2000).etaSeconds).toBeUndefined();
    // 25 units in 5 s: 5 units/s, 75 left
    expect(advance(p, 25, 6000)).toMatchObject({ done: 25, etaSeconds: 15 });
  });

  it('formats seconds, minutes and hours, and an unknown ETA', () => {
    expect(formatEta(undefined)).toBe('estimating…');
    expect(formatEta(Infinity)).toBe('estimating…');
    expect(formatEta(4.2)).toBe('5 s');
    expect(formatEta(125)).toBe('2 min 5 s');
    expect(formatEta(3 * 3600 + 7 * 60)).toBe('3 h 7 min');
  });
});
