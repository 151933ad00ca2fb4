/** Hand-derived area-averaging results. */
import { describe, expect, it } from 'vitest';
import { letterboxArea, resizeArea, toUint8 } from '../../../src/lib/image';

const f32 = (values: number[]) => new Float32Array(values);
const close = (actual: Float32Array, expected: number[]) => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(actual[i]).toBeCloseTo(e, 5));
};

describe('resizeArea', () => {
  it('4×4 → 2×2 averages each 2×2 block', () => {
    // 1  2  3  4 / 5  6  7  8 / 9 10 11 12 / 13 14 15 16
    const src = f32(Array.from({ length: 16 }, (_, i) => i + 1));
    // (1+2+5+6)/4 = 3.5, (3+4+7+8)/4 = 5.5, (9+10+13+14)/4 = 11.5, (11+12+15+16)/4 = 13.5
    close(resizeArea(src, 4, 4, 2, 2), [3.5, 5.5, 11.5, 13.5]);
  });

  it('3 → 2 (ratio 1.5) weights the shared middle pixel by half', () => {
    // destination 0 covers source [0, 1.5): (0·1 + 3·0.5)/1.5 = 1; destination 1 covers [1.5, 3): (3·0.5 + 6·1)/1.5 = 5
    close(resizeArea(f32([0, 3, 6]), 3, 1, 2, 1), [1, 5]);
  });

  it('3×3 → 2×2 is separable with the same weights', () => {
    // src[y][x] = 3x + 30y. Horizontal pass: row y → [1 + 30y, 5 + 30y] (as above).
    // Vertical pass, same weights: y = (0·1 + 1·0.5)/1.5 = 1/3 and (1·0.5 + 2·1)/1.5 = 5/3 → +10 and +50.
    const src = f32([0, 3, 6, 30, 33, 36, 60, 63, 66]);
    close(resizeArea(src, 3, 3, 2, 2), [11, 15, 51, 55]);
  });

  it('2 → 5 (ratio 0.4, enlarging) gives each target the part of the source it covers', () => {
    // targets cover [0,.4) [.4,.8) [.8,1.2) [1.2,1.6) [1.6,2): the middle one is half 10, half 20
    close(resizeArea(f32([10, 20]), 2, 1, 5, 1), [10, 10, 15, 20, 20]);
  });

  it('keeps the mean of the image and a constant image constant', () => {
    const src = f32(Array.from({ length: 7 * 5 }, (_, i) => (i * 37) % 11));
    const out = resizeArea(src, 7, 5, 3, 2);
    const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(out)).toBeCloseTo(mean(src), 5);
    close(resizeArea(new Float32Array(12).fill(0.25), 4, 3, 5, 7), new Array(35).fill(0.25));
  });

  it('refuses a buffer that does not match its size', () => {
    expect(() => resizeArea(new Float32Array(5), 2, 2, 1, 1)).toThrow(RangeError);
  });
});

describe('letterboxArea', () => {
  it('fits a wide image, centred vertically with black bars', () => {
    // 4×2 into 4×4: scale 1, rows 1 and 2 hold the image, rows 0 and 3 are 0
    const out = letterboxArea(f32([1, 2, 3, 4, 5, 6, 7, 8]), 4, 2, 4);
    close(out, [0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0]);
  });
  it('fits a tall image, shrinking the long side to the size', () => {
    // 2×4 into 2×2: scale 0.5 → 1×2, column 0 (floor((2−1)/2) = 0); each target averages a 2×2 block
    const out = letterboxArea(f32([1, 3, 5, 7, 9, 11, 13, 15]), 2, 4, 2);
    close(out, [4, 0, 12, 0]);
  });
});

describe('toUint8', () => {
  it('is round(clamp01(v) · 255)', () => {
    expect(Array.from(toUint8(f32([0, 0.5, 1 / 255, 0.998, 1, -0.2, 1.7, Number.NaN])))).toEqual([0, 128, 1, 254, 255, 0, 255, 0]);
  });
});
