import { describe, expect, it } from 'vitest';
import { EMPTY_SUMS, MAX_EXACT_PIXELS, meanStd, mergeSums, sumsOfUint8, type PixelSums } from '../../../src/lib/dataset';
import { mulberry32, shuffleInPlace } from '../../../src/lib/random';

describe('pixel statistics, hand vectors', () => {
  it('[0, 255] → mean ½, std ½', () => {
    expect(meanStd(sumsOfUint8(new Uint8Array([0, 255])))).toEqual({ mean: 0.5, std: 0.5 });
  });

  it('0, 51, …, 255 (= 0, 0.2, …, 1) → mean 0.5, variance 2.2/6 − 0.25 = 7/60', () => {
    const s = sumsOfUint8(new Uint8Array([0, 51, 102, 153, 204, 255]));
    expect(s.count).toBe(6);
    expect(s.sum).toBeCloseTo(3, 14);
    expect(s.sumOfSquares).toBeCloseTo(2.2, 14);
    const { mean, std } = meanStd(s);
    expect(mean).toBe(0.5);
    expect(std).toBeCloseTo(Math.sqrt(7 / 60), 15);
  });

  it('a constant image has std exactly 0', () => {
    expect(meanStd(sumsOfUint8(new Uint8Array(1000).fill(7)))).toEqual({ mean: 7 / 255, std: 0 });
  });

  it('throws empty-dataset with no pixels, and refuses counts beyond exactness', () => {
    expect(() => meanStd(EMPTY_SUMS)).toThrow(expect.objectContaining({ code: 'empty-dataset' }));
    const huge: PixelSums = { count: MAX_EXACT_PIXELS, sum: 0, sumOfSquares: 0 };
    expect(() => mergeSums(huge, sumsOfUint8(new Uint8Array([1])))).toThrow(/exact only up to/);
  });
});

describe('merging partial sums', () => {
  const rng = mulberry32(99);
  // 37 "images" of random sizes with a skewed grey distribution
  const images = Array.from({ length: 37 }, () => {
    const n = 1 + Math.floor(rng() * 5000);
    return Uint8Array.from({ length: n }, () => Math.floor(255 * rng() ** 2));
  });
  const parts = images.map(sumsOfUint8);
  const whole = sumsOfUint8(Uint8Array.from(images.flatMap((im) => Array.from(im))));

  function mergeTree(items: PixelSums[], r: () => number): PixelSums {
    const pool = items.slice();
    while (pool.length > 1) {
      const a = pool.splice(Math.floor(r() * pool.length), 1)[0];
      const b = pool.splice(Math.floor(r() * pool.length), 1)[0];
      pool.push(mergeSums(a, b));
    }
    return pool[0];
  }

  it('gives bit-identical sums, mean and std in any order or grouping', () => {
    const expected = meanStd(whole);
    const orders = [parts.reduce(mergeSums, EMPTY_SUMS), parts.reduceRight(mergeSums, EMPTY_SUMS)];
    const r = mulberry32(5);
    for (let t = 0; t < 20; t++) orders.push(mergeTree(shuffleInPlace(parts.slice(), r), r));
    for (const merged of orders) {
      expect(Object.is(merged.sum, whole.sum)).toBe(true);
      expect(Object.is(merged.sumOfSquares, whole.sumOfSquares)).toBe(true);
      expect(merged.count).toBe(whole.count);
      const got = meanStd(merged);
      expect(Object.is(got.mean, expected.mean) && Object.is(got.std, expected.std)).toBe(true);
    }
  });

  it('agrees with a direct two-pass float computation', () => {
    const values = images.flatMap((im) => Array.from(im, (v) => v / 255));
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
    const got = meanStd(whole);
    expect(got.mean).toBeCloseTo(mean, 12);
    expect(got.std).toBeCloseTo(Math.sqrt(variance), 12);
  });
});
