/**
 * Proxy for "a small CNN can learn this at 32 px": a hand-made centre-surround detector (what one
 * conv filter + global max pooling can express) must separate the classes well at 32×32, while the
 * global mean (tested in generate.test.ts) must not.
 */
import { describe, expect, it } from 'vitest';
import { DEMO_DEFAULTS, generateDemoScene } from '../../../src/lib/demo';
import { rocAuc } from '../../../src/lib/metrics';

/** Area-average a size×size image down to out×out (size divisible by out). */
function shrink(pixels: Uint8Array, size: number, out: number): Float64Array {
  const f = size / out;
  const result = new Float64Array(out * out);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) result[Math.floor(r / f) * out + Math.floor(c / f)] += pixels[r * size + c] / (f * f);
  }
  return result;
}

/** Mean of the square ring at Chebyshev distance `radius` around (r, c). */
function ringMean(image: Float64Array, n: number, r: number, c: number, radius: number): number {
  let sum = 0;
  let count = 0;
  for (let dr = -radius; dr <= radius; dr++) {
    for (let dc = -radius; dc <= radius; dc++) {
      if (Math.max(Math.abs(dr), Math.abs(dc)) !== radius) continue;
      sum += image[(r + dr) * n + c + dc];
      count++;
    }
  }
  return sum / count;
}

/**
 * Blob detector (centre-surround, like one learned conv filter + global max pooling): max over lung
 * pixels of a centre-weighted 3×3 mean (centre ⅓, its 8 neighbours ⅔) − mean of the ring 4 px away, divided by the lung-to-tissue contrast so exposure
 * and window cancel.
 */
function opacityScore(image: Float64Array, lung: Float64Array, n: number): number {
  const inLung: number[] = [];
  lung.forEach((m, i) => m > 0.5 && inLung.push(image[i]));
  inLung.sort((a, b) => a - b);
  const everything = Array.from(image).sort((a, b) => a - b);
  const contrast = everything[everything.length >> 1] - inLung[inLung.length >> 1] || 1;
  const ring = 4;
  let best = -Infinity;
  for (let r = ring; r < n - ring; r++) {
    for (let c = ring; c < n - ring; c++) {
      if (lung[r * n + c] < 1) continue;
      best = Math.max(best, (ringMean(image, n, r, c, 0) / 3 + 2 * ringMean(image, n, r, c, 1) / 3 - ringMean(image, n, r, c, ring)) / contrast);
    }
  }
  return best;
}

describe('demo opacities are learnable at low resolution', () => {
  it("a centre-surround detector at 32×32 reaches AUC > 0.9 over 200 images", () => {
    const size = 128;
    const n = 32;
    const labels: number[] = [];
    const scores: number[] = [];
    for (let i = 0; i < 200; i++) {
      const scene = generateDemoScene(i, { ...DEMO_DEFAULTS, size });
      labels.push(scene.label);
      scores.push(opacityScore(shrink(scene.pixels, size, n), shrink(scene.lungMask, size, n), n));
    }
    const auc = rocAuc(labels, scores);
    console.log(`centre-surround detector AUC at 32×32: ${auc.toFixed(3)}`);
    expect(auc).toBeGreaterThan(0.9);
  });
});
