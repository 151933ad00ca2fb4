import { describe, expect, it } from 'vitest';
import { DEMO_DEFAULTS, demoLabel, generateDemoImage, generateDemoScene } from '../../../src/lib/demo';
import { rocAuc } from '../../../src/lib/metrics';

const options = { seed: DEMO_DEFAULTS.seed, size: 96, positiveFraction: 0.5 };

function mean(values: ArrayLike<number>, where?: (i: number) => boolean): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (where && !where(i)) continue;
    sum += values[i];
    count++;
  }
  return sum / count;
}

describe('generateDemoImage', () => {
  it('is deterministic per (seed, index), independent of generation order', () => {
    const forward = [0, 1, 2, 3].map((i) => generateDemoImage(i, options));
    const alone = generateDemoImage(2, options);
    expect(Buffer.from(alone.pixels).equals(Buffer.from(forward[2].pixels))).toBe(true);
    expect(Buffer.from(alone.lesionMask).equals(Buffer.from(forward[2].lesionMask))).toBe(true);
    const otherSeed = generateDemoImage(2, { ...options, seed: options.seed + 1 });
    expect(Buffer.from(otherSeed.pixels).equals(Buffer.from(alone.pixels))).toBe(false);
    expect(Buffer.from(forward[0].pixels).equals(Buffer.from(forward[1].pixels))).toBe(false);
  });

  it('names images and patients and sizes buffers', () => {
    const image = generateDemoImage(42, options);
    expect(image.id).toBe('demo-00042');
    expect(image.patientId).toBe('demo-patient-00042');
    expect(image.size).toBe(96);
    expect(image.pixels.length).toBe(96 * 96);
    expect(image.lesionMask.length).toBe(96 * 96);
    expect('lungMask' in image).toBe(false);
  });

  it('labels exactly floor(n·f) positives in every prefix', () => {
    for (const f of [0.5, 0.3, 0, 1]) {
      let positives = 0;
      for (let i = 0; i < 100; i++) {
        positives += demoLabel(i, f);
        expect(positives).toBe(Math.floor((i + 1) * f));
      }
    }
    expect(generateDemoImage(0, options).label).toBe(demoLabel(0, 0.5));
  });

  it('rejects bad options with StudioError bad-config', () => {
    expect(() => generateDemoImage(-1, options)).toThrow(expect.objectContaining({ code: 'bad-config' }));
    expect(() => generateDemoImage(0, { ...options, size: 2.5 })).toThrow(expect.objectContaining({ code: 'bad-config' }));
    expect(() => generateDemoImage(0, { ...options, positiveFraction: 1.5 })).toThrow(expect.objectContaining({ code: 'bad-config' }));
  });
});

describe('demo dataset over 200 images', () => {
  const scenes = Array.from({ length: 200 }, (_, i) => generateDemoScene(i, options));

  it('gives positives a lesion mask lying inside the lung fields, negatives none', () => {
    for (const scene of scenes) {
      const lesionPixels = scene.lesionMask.reduce((a, b) => a + b, 0);
      if (scene.label === 0) {
        expect(lesionPixels).toBe(0);
        continue;
      }
      // Radius 8–13 % of the image, core 0.8 r → at least π(0.064)² ≈ 1.3 % of the pixels; allow for lobulation and clipping at the lung edge.
      expect(lesionPixels).toBeGreaterThan(0.004 * scene.pixels.length);
      scene.lesionMask.forEach((m, i) => {
        if (m) expect(scene.lungMask[i]).toBe(1);
      });
    }
  });

  it('makes opacities clearly brighter than the surrounding lung', () => {
    const contrasts = scenes
      .filter((s) => s.label === 1)
      .map((s) => mean(s.pixels, (i) => s.lesionMask[i] === 1) - mean(s.pixels, (i) => s.lungMask[i] === 1 && s.lesionMask[i] === 0));
    contrasts.sort((a, b) => a - b);
    const median = contrasts[contrasts.length >> 1];
    // in grey levels: ribs add roughly 25, lesions should stand well above that in the median
    expect(median).toBeGreaterThan(35);
    expect(contrasts[0]).toBeGreaterThan(10);
  });

  it('does not give the label away through mean brightness (AUC < 0.75)', () => {
    const auc = rocAuc(
      scenes.map((s) => s.label),
      scenes.map((s) => mean(s.pixels)),
    );
    console.log(`mean-brightness classifier AUC over 200 demo images: ${auc.toFixed(3)}`);
    expect(Math.max(auc, 1 - auc)).toBeLessThan(0.75);
  });
});

describe('speed', () => {
  it('renders a 256×256 image in a few milliseconds', () => {
    const big = { ...options, size: 256 };
    generateDemoImage(0, big); // warm-up (JIT)
    // Best of 4 batches of 5: other test files share the CPU, the minimum is the honest cost.
    let msPerImage = Infinity;
    for (let batch = 0; batch < 4; batch++) {
      const start = performance.now();
      for (let i = 0; i < 5; i++) generateDemoImage(batch * 5 + i, big);
      msPerImage = Math.min(msPerImage, (performance.now() - start) / 5);
    }
    console.log(`demo image 256×256: ${msPerImage.toFixed(1)} ms`);
    // generous bound for slow CI; measured locally in the report
    expect(msPerImage).toBeLessThan(60);
  });
});
