/**
 * The perceptual hash against tests/scripts/phash-reference.py (numpy + scipy.fftpack's DCT, imagehash.phash's recipe)
 * on the same deterministic arrays. Skips, saying why, without /usr/bin/python3 + numpy + scipy.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { perceptualHash } from '../../../src/lib/audit/phash';

const PYTHON = '/usr/bin/python3';
const script = path.resolve(__dirname, '../../scripts/phash-reference.py');

function scipyMissing(): string | null {
  const probe = spawnSync(PYTHON, ['-c', 'import numpy, scipy.fftpack'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} is not available (${probe.error.message})`;
  return probe.status === 0 ? null : `${PYTHON} lacks numpy or scipy (${probe.stderr.trim().split('\n').pop()})`;
}

const skipReason = scipyMissing();
if (skipReason) console.warn(`skipping the phash reference: ${skipReason}`);

function lcg(count: number, seed: number): Uint8Array {
  const out = new Uint8Array(count);
  let state = BigInt(seed);
  for (let i = 0; i < count; i++) {
    state = (1103515245n * state + 12345n) % 2n ** 31n;
    out[i] = Number(state >> 23n);
  }
  return out;
}

/** The same formulas as the Python script's arrays(). */
function arrays(): Record<string, { side: number; pixels: Uint8Array }> {
  const out: Record<string, { side: number; pixels: Uint8Array }> = {};
  for (const side of [32, 64, 224]) {
    const make = (f: (x: number, y: number) => number) => {
      const px = new Uint8Array(side * side);
      for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) px[y * side + x] = f(x, y);
      return px;
    };
    out[`ramp-${side}`] = { side, pixels: make((x) => Math.floor((x * 255) / (side - 1)) % 256) };
    out[`mix-${side}`] = { side, pixels: make((x, y) => (x * 7 + y * 13 + ((x * y) % 11)) % 256) };
    out[`lcg-${side}`] = { side, pixels: lcg(side * side, side) };
    const r2 = (side * 0.3) ** 2;
    out[`disc-${side}`] = { side, pixels: make((x, y) => ((x - side * 0.4) ** 2 + (y - side * 0.6) ** 2 < r2 ? 200 : 40)) };
  }
  return out;
}

describe.skipIf(skipReason !== null)('perceptual hash vs the Python reference', () => {
  it('gives the same 16 hex digits for every array', () => {
    const run = spawnSync(PYTHON, [script], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const expected = JSON.parse(run.stdout) as Record<string, string>;
    const inputs = arrays();
    expect(Object.keys(inputs).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, { side, pixels }] of Object.entries(inputs)) expect(`${name} ${perceptualHash(pixels, side)}`).toBe(`${name} ${expected[name]}`);
  });
});
