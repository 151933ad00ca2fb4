/**
 * Exact running pixel statistics over v/255 for 8-bit images.
 *
 * Sums are kept as float64 values of Σv/255 and Σv²/255². Each is the correctly rounded image of an
 * exact integer (Σv, Σv²), and the integer is recovered exactly by multiplying back and rounding
 * (the recovery error is below Σv²·2⁻⁵² < 0.5 while Σv² < 2⁵¹, i.e. up to ~3.4·10¹⁰ pixels).
 * Merging adds the recovered integers, so any grouping or order of merges gives identical bits.
 */
import { StudioError } from '../errors';

export interface PixelSums {
  count: number;
  /** Σ v/255 */
  sum: number;
  /** Σ (v/255)² */
  sumOfSquares: number;
}

const SCALE = 255;
const SCALE_SQUARED = 255 * 255;
/** Largest pixel count whose Σv² (≤ 255²·count) stays below 2⁵¹, where integer recovery is exact. */
export const MAX_EXACT_PIXELS = Math.floor(2 ** 51 / SCALE_SQUARED);

export const EMPTY_SUMS: PixelSums = { count: 0, sum: 0, sumOfSquares: 0 };

function fromIntegers(count: number, sum: number, sumOfSquares: number): PixelSums {
  if (count > MAX_EXACT_PIXELS) {
    throw new StudioError('internal', `Pixel statistics are exact only up to ${MAX_EXACT_PIXELS} pixels (got ${count}).`);
  }
  return { count, sum: sum / SCALE, sumOfSquares: sumOfSquares / SCALE_SQUARED };
}

function integerSum(s: PixelSums): number {
  return Math.round(s.sum * SCALE);
}

function integerSumOfSquares(s: PixelSums): number {
  return Math.round(s.sumOfSquares * SCALE_SQUARED);
}

export function sumsOfUint8(pixels: Uint8Array): PixelSums {
  // Per-value histogram first: 256 exact integer products instead of n multiplications.
  const histogram = new Float64Array(256);
  for (let i = 0; i < pixels.length; i++) histogram[pixels[i]]++;
  let sum = 0;
  let sumOfSquares = 0;
  for (let v = 1; v < 256; v++) {
    sum += v * histogram[v];
    sumOfSquares += v * v * histogram[v];
  }
  return fromIntegers(pixels.length, sum, sumOfSquares);
}

export function mergeSums(a: PixelSums, b: PixelSums): PixelSums {
  return fromIntegers(a.count + b.count, integerSum(a) + integerSum(b), integerSumOfSquares(a) + integerSumOfSquares(b));
}

/**
 * Mean and population standard deviation of v/255. The variance numerator n·Σv² − (Σv)² is formed
 * exactly in BigInt (no cancellation), then divided once. Throws 'empty-dataset' for zero pixels.
 */
export function meanStd(s: PixelSums): { mean: number; std: number } {
  if (s.count === 0) throw new StudioError('empty-dataset', 'No pixels to compute a mean and standard deviation from.');
  const n = BigInt(s.count);
  const total = BigInt(integerSum(s));
  const totalOfSquares = BigInt(integerSumOfSquares(s));
  const numerator = Number(n * totalOfSquares - total * total);
  const variance = numerator / (s.count * s.count * SCALE_SQUARED);
  return { mean: integerSum(s) / (s.count * SCALE), std: Math.sqrt(variance) };
}
