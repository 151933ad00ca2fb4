import { describe, expect, it } from 'vitest';
import { peakIndex, pointingGame, pointingHit } from '../../../src/lib/eval';

describe('pointing game', () => {
  const size = 4;
  const mask = Uint8Array.from([0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0]);
  const heatAt = (i: number) => Float32Array.from({ length: size * size }, (_, k) => (k === i ? 1 : 0.1));

  it('hits iff the heat peak lies in the mask', () => {
    expect(pointingHit(heatAt(5), mask, size)).toBe(true);
    expect(pointingHit(heatAt(0), mask, size)).toBe(false);
    expect(pointingHit(heatAt(0), mask, size, 1)).toBe(true); // (0,0) is diagonal-adjacent to (1,1)
    expect(pointingHit(heatAt(3), mask, size)).toBe(false);
  });

  it('takes the tied maximum nearest the centroid of the plateau', () => {
    // 3×3 with the top row at the max: centroid (0, 1) → index 1
    expect(peakIndex([2, 2, 2, 0, 1, 0, 0, 0, 0], 3)).toBe(1);
    expect(peakIndex([0, 1, 3, 1], 2)).toBe(2);
  });

  it('scores only images that have a lesion', () => {
    const r = pointingGame(
      [
        { heat: heatAt(10), mask },
        { heat: heatAt(15), mask },
        { heat: heatAt(15), mask: new Uint8Array(16) },
      ],
      size,
    );
    expect(r).toEqual({ hits: 1, total: 2, accuracy: 0.5 });
    expect(pointingGame([], size).accuracy).toBeNaN();
  });

  it('refuses maps of the wrong size', () => {
    expect(() => pointingHit(new Float32Array(9), mask, size)).toThrow(/16/);
  });
});

describe('standard tolerance', () => {
  it('is 15 px at 224 px, scaled with the side', async () => {
    const { standardTolerancePx } = await import('../../../src/lib/eval');
    expect(standardTolerancePx(224)).toBe(15);
    expect(standardTolerancePx(128)).toBe(9);
    expect(standardTolerancePx(32)).toBe(2);
  });
});

describe('demo lesions are within reach of a CAM', () => {
  // The best a CAM can do: some cell of the (size/32)² layer-4 map is its peak. Upsampled as the studio does,
  // that cell's peak must hit the planted lesion (standard tolerance) for the pointing game to be winnable.
  it.each([
    [64, 0, 0.05],
    [128, 0.9, 1],
    [160, 0.95, 1],
  ])('at %i px the best reachable score over 100 positive demo images is in [%f, %f]', async (size, low, high) => {
    const { generateDemoImage, DEMO_DEFAULTS } = await import('../../../src/lib/demo');
    const { camToHeatmap } = await import('../../../src/lib/cam/heatmap');
    const { standardTolerancePx } = await import('../../../src/lib/eval');
    const grid = Math.ceil(size / 32);
    const peaks = Array.from({ length: grid * grid }, (_, cell) => camToHeatmap(Float32Array.from({ length: grid * grid }, (_, k) => (k === cell ? 1 : 0)), grid, size));
    let positives = 0;
    let reachable = 0;
    for (let i = 0; positives < 100; i++) {
      const image = generateDemoImage(i, { seed: DEMO_DEFAULTS.seed, size, positiveFraction: 0.5 });
      if (!image.label) continue;
      positives++;
      if (peaks.some((heat) => pointingHit(heat, image.lesionMask, size, standardTolerancePx(size)))) reachable++;
    }
    console.log(`${size} px: ${reachable} of ${positives} positive demo images have a lesion a ${grid}×${grid} CAM can point at`);
    expect(reachable / positives).toBeGreaterThanOrEqual(low);
    expect(reachable / positives).toBeLessThanOrEqual(high);
  });
});
