import { describe, expect, it } from 'vitest';
import { hamming, hammingWords, hashWords, lowFrequencies, perceptualHash, popcount32 } from '../../../src/lib/audit/phash';

function image(side: number, value: (x: number, y: number) => number): Uint8Array {
  const out = new Uint8Array(side * side);
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) out[y * side + x] = value(x, y);
  return out;
}

describe('perceptual hash, hand-derived', () => {
  it('an all-black image has no coefficient above the median 0: all bits clear', () => {
    expect(perceptualHash(new Uint8Array(32 * 32), 32)).toBe('0000000000000000');
  });

  it('a constant grey image has only its DC term: the first bit alone', () => {
    expect(perceptualHash(new Uint8Array(32 * 32).fill(130), 32)).toBe('8000000000000000');
    expect(perceptualHash(new Uint8Array(64 * 64).fill(7), 64)).toBe('8000000000000000');
  });

  it('left half black, right half white: DC and the odd column frequencies 3 and 7 are positive', () => {
    // columns are constant, so only row frequency 0 survives; along a row the step x ≥ 16 gives
    // X[k] = −Σ_{n<16} cos(πk(2n+1)/64) = −sin(πk/2) / (2 sin(πk/64)) · 255 · 32 for odd k (k=1,5 negative; 3,7 positive)
    // and 0 for even k > 0; 59 zeros put the median at 0, so bits 0, 3, 7 are set: 1001 0001 → 0x91
    const half = image(32, (x) => (x >= 16 ? 255 : 0));
    const c = lowFrequencies(half);
    expect(c[1]).toBeCloseTo((-255 * 32) / (2 * Math.sin(Math.PI / 64)), 6);
    expect(c[3]).toBeCloseTo((255 * 32) / (2 * Math.sin((3 * Math.PI) / 64)), 6);
    expect(Math.abs(c[8])).toBeLessThan(1e-9);
    expect(perceptualHash(half, 32)).toBe('9100000000000000');
    // the same picture stored at 224 px (7×7 blocks average back to it)
    expect(perceptualHash(image(224, (x) => (x >= 112 ? 255 : 0)), 224)).toBe('9100000000000000');
  });

  it('the top half white instead: the same bits down the first column (rows 0, 3, 7)', () => {
    const top = image(32, (_x, y) => (y < 16 ? 255 : 0));
    // X[k] = +sin(πk/2)/(2 sin(πk/64))·…: k=1,5 positive, 3,7 negative, so bits (0,0), (1,0), (5,0)
    const bits = [0, 8, 40];
    const expected = bits.reduce((acc, b) => acc | (1n << BigInt(63 - b)), 0n).toString(16).padStart(16, '0');
    expect(perceptualHash(top, 32)).toBe(expected);
  });

  it('a brightness change of a few per cent keeps the hash of a structured image', () => {
    const base = image(64, (x, y) => 40 + ((x * 3 + y * 5 + ((x * y) % 17)) % 180));
    const brighter = base.map((v) => Math.min(255, Math.round(v * 1.04 + 3)));
    expect(hamming(perceptualHash(base, 64), perceptualHash(brighter, 64))).toBeLessThanOrEqual(2);
  });

  it('refuses a size that does not match the pixels', () => {
    expect(() => perceptualHash(new Uint8Array(10), 32)).toThrow(RangeError);
  });
});

describe('Hamming distance', () => {
  it('counts differing bits across both words', () => {
    expect(hamming('0000000000000000', 'ffffffffffffffff')).toBe(64);
    expect(hamming('8000000000000001', '0000000000000000')).toBe(2);
    expect(hamming('9100000000000000', '9100000000000000')).toBe(0);
    expect(hamming('00000000ffff0000', '0000000000ff0000')).toBe(8);
  });

  it('popcount and words agree with a bit-by-bit count', () => {
    for (const v of [0, 1, 0x80000000, 0xffffffff, 0x12345678, 0xdeadbeef]) {
      expect(popcount32(v)).toBe(v.toString(2).split('').filter((b) => b === '1').length);
    }
    const [h, l] = hashWords('deadbeef01234567');
    expect([h, l]).toEqual([0xdeadbeef, 0x01234567]);
    expect(hammingWords(h, l, 0, 0)).toBe(24 + 12);
  });

  it('refuses what is not 16 hex digits', () => {
    expect(() => hashWords('xyz')).toThrow(RangeError);
  });
});
