import { describe, expect, it } from 'vitest';
import { learningRateAt, type LrSchedule } from '../../../src/lib/train/schedule';

const at = (schedule: LrSchedule, epoch: number, step: number, epochs = 10, stepsPerEpoch = 4) =>
  learningRateAt({ schedule, baseLr: 1e-3, epochs, stepsPerEpoch, epoch, step });

describe('learningRateAt', () => {
  it('none: constant', () => {
    expect(at('none', 1, 0)).toBe(1e-3);
    expect(at('none', 10, 3)).toBe(1e-3);
  });

  it('cosine: full rate first, half at the midpoint, near zero at the last step (hand values)', () => {
    // T = 40 steps. t = 0 → 1e-3; t = 20 (epoch 6, step 0) → 0.5e-3; t = 10 (epoch 3, step 2) → ½(1 + cos(π/4))·1e-3.
    expect(at('cosine', 1, 0)).toBeCloseTo(1e-3, 12);
    expect(at('cosine', 6, 0)).toBeCloseTo(0.5e-3, 12);
    expect(at('cosine', 3, 2)).toBeCloseTo(0.5 * (1 + Math.SQRT1_2) * 1e-3, 12);
    expect(at('cosine', 10, 3)).toBeCloseTo(0.5 * (1 + Math.cos((Math.PI * 39) / 40)) * 1e-3, 12);
    expect(at('cosine', 10, 3)).toBeLessThan(2e-6);
  });

  it('step: ×0.1 after 50 % and after 75 % of the epochs', () => {
    const expected = [1e-3, 1e-3, 1e-4, 1e-4, 1e-5, 1e-5];
    [1, 5, 6, 7, 8, 10].forEach((e, i) => expect(at('step', e, 0)).toBeCloseTo(expected[i], 15));
    // a 1-epoch run is never decayed; 2 epochs: the second at 0.1·lr (milestones floor to epoch 1)
    expect(at('step', 1, 0, 1)).toBe(1e-3);
    expect(at('step', 2, 0, 2)).toBeCloseTo(1e-5, 15);
  });

  it('refuses bad input', () => {
    expect(() => at('cosine', 0, 0)).toThrow(/schedule/);
    expect(() => learningRateAt({ schedule: 'bogus' as LrSchedule, baseLr: 1, epochs: 1, stepsPerEpoch: 1, epoch: 1, step: 0 })).toThrow(/unknown/);
  });
});
