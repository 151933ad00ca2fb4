/**
 * 64-bit DCT perceptual hash of a stored grey image, as imagehash.phash computes it: area-resize to 32×32, 2-D DCT-II,
 * keep the 8×8 lowest frequencies, bit = coefficient > their median (DC included), bits row-major, first bit = most
 * significant bit of the first of 16 hex digits.
 */
import { resizeArea } from '../image/resize';

const SIDE = 32;
const LOW = 8;

/**
 * Coefficients this close to zero (relative to the largest) count as zero: frequencies that are mathematically 0
 * (a constant or a half-black image) would otherwise hash floating-point noise.
 */
const ZERO_TOLERANCE = 1e-9;

/** cos(π·k·(2n+1) / 2N) for k < LOW, n < SIDE (scipy's DCT-II without its factor 2, which leaves the bits alone). */
const COSINES = (() => {
  const table = new Float64Array(LOW * SIDE);
  for (let k = 0; k < LOW; k++) for (let n = 0; n < SIDE; n++) table[k * SIDE + n] = Math.cos((Math.PI * k * (2 * n + 1)) / (2 * SIDE));
  return table;
})();

/** The 8×8 lowest DCT-II frequencies of a 32×32 image, [row frequency][column frequency], row-major. */
export function lowFrequencies(image: ArrayLike<number>): Float64Array {
  // columns first (DCT along axis 0 for the first 8 row frequencies), then along each row
  const partial = new Float64Array(LOW * SIDE);
  for (let k = 0; k < LOW; k++) {
    for (let x = 0; x < SIDE; x++) {
      let sum = 0;
      for (let y = 0; y < SIDE; y++) sum += COSINES[k * SIDE + y] * image[y * SIDE + x];
      partial[k * SIDE + x] = sum;
    }
  }
  const out = new Float64Array(LOW * LOW);
  for (let k = 0; k < LOW; k++) {
    for (let l = 0; l < LOW; l++) {
      let sum = 0;
      for (let x = 0; x < SIDE; x++) sum += COSINES[l * SIDE + x] * partial[k * SIDE + x];
      out[k * LOW + l] = sum;
    }
  }
  return out;
}

function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length / 2;
  return (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Bits (row-major, first = most significant) as 16 lowercase hex digits. */
function toHex(bits: boolean[]): string {
  let hex = '';
  for (let i = 0; i < bits.length; i += 4) {
    hex += ((Number(bits[i]) << 3) | (Number(bits[i + 1]) << 2) | (Number(bits[i + 2]) << 1) | Number(bits[i + 3])).toString(16);
  }
  return hex;
}

/** The perceptual hash of a size×size grey image (row-major, any numeric values), 16 hex digits. */
export function perceptualHash(pixels: ArrayLike<number>, size: number): string {
  if (pixels.length !== size * size) throw new RangeError(`perceptualHash: ${pixels.length} values for ${size}×${size}`);
  const small = size === SIDE ? pixels : resizeArea(Float32Array.from(pixels), size, size, SIDE, SIDE);
  const coefficients = lowFrequencies(small);
  const largest = coefficients.reduce((m, c) => Math.max(m, Math.abs(c)), 0);
  const snapped = coefficients.map((c) => (Math.abs(c) <= ZERO_TOLERANCE * largest ? 0 : c));
  const threshold = median(snapped);
  return toHex(Array.from(snapped, (c) => c > threshold));
}

/** A hash as two unsigned 32-bit halves (high, low), for fast all-pairs comparison. */
export function hashWords(hex: string): [number, number] {
  if (!/^[0-9a-f]{16}$/i.test(hex)) throw new RangeError(`not a 64-bit hex hash: ${hex}`);
  return [parseInt(hex.slice(0, 8), 16) >>> 0, parseInt(hex.slice(8), 16) >>> 0];
}

export function popcount32(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** Number of differing bits between two 64-bit hashes given as words. */
export function hammingWords(aHigh: number, aLow: number, bHigh: number, bLow: number): number {
  return popcount32((aHigh ^ bHigh) >>> 0) + popcount32((aLow ^ bLow) >>> 0);
}

/** Number of differing bits between two hex hashes. */
export function hamming(a: string, b: string): number {
  const [ah, al] = hashWords(a);
  const [bh, bl] = hashWords(b);
  return hammingWords(ah, al, bh, bl);
}
