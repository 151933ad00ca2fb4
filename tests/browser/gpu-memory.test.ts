/**
 * GPU memory of training on tfjs WebGPU in Chromium (SwiftShader here): bytes per training image, and
 * GPU bytes constant from epoch to epoch. CI measures at 64 px / width 1; GPU_MEMORY_SIZES=64,128,224
 * measures more sizes (224 px on SwiftShader takes minutes).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openModelLab, type Lab } from './pages/harness';
import type { Lab as PageLab } from './pages/model-lab';

const sizes = (process.env.GPU_MEMORY_SIZES ?? '64').split(',').map(Number);
const MB = 1e6;

describe('GPU memory of training (WebGPU, Chromium)', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await openModelLab();
  });
  afterAll(async () => lab?.close());

  it.each(sizes)('bytes per training image at %i px, width 1', async (size) => {
    const t0 = performance.now();
    const [one, three] = await lab.session.page.evaluate(async (s) => {
      const { gpuMemory } = (window as unknown as { lab: PageLab }).lab;
      return [await gpuMemory.measureTrainStepMemory({ widthMultiplier: 1, inputSize: s }, 1), await gpuMemory.measureTrainStepMemory({ widthMultiplier: 1, inputSize: s }, 3)];
    }, size);
    const perImage = (three.gradientBytes - one.gradientBytes) / 2;
    const mb = (b: number) => `${(b / MB).toFixed(1)} MB`;
    console.log(
      `${size} px width 1: forward+backward ${mb(one.gradientBytes)} at b=1, ${mb(three.gradientBytes)} at b=3 → ${mb(perImage)} per additional image; ` +
        `whole step (with Adam) ${mb(one.stepBytes)} at b=1, ${mb(three.stepBytes)} at b=3 (${mb(three.bytesPerImage)}/image); ` +
        `weights+moments+input ${mb(three.baselineBytes)}; step ${(three.stepMs / 1000).toFixed(1)} s at b=3; total ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );
    expect(three.tensorsAfter).toBe(three.tensorsBefore);
    expect(three.gradientBytes).toBeGreaterThan(one.gradientBytes);
    // the budget: ≤ 42 MB per 224 px training image (what tfjs's stock kernels need), scaled by area to this size
    expect(perImage).toBeLessThanOrEqual(42 * MB * (size / 224) ** 2);
  });

  it.each(['webgpu', 'webgl'] as const)('%s: GPU bytes and tensor count after epoch 1 equal those after epoch 3 (pool released after each epoch); bytes per image measured', async (backend) => {
    const history = await lab.session.page.evaluate(
      (b) => (window as unknown as { lab: PageLab }).lab.trainSynthetic({ size: 32, width: 0.25, epochs: 3, batchSize: 4, nTrain: 10, nVal: 5, microBatchSize: 3, release: true, backend: b }),
      backend,
    );
    console.log(`${backend} epochs (32 px, width 0.25, batch 4 in micro-batches of ≤3, 10 train / 5 val): ${JSON.stringify(history)}`);
    expect(history.map((h) => h.microBatches)).toEqual([2, 2, 2]);
    expect(history[0].gpuBytes).toBeGreaterThan(0);
    expect(history[2].gpuBytes).toBe(history[0].gpuBytes);
    expect(history[2].numTensors).toBe(history[0].numTensors);
    // a 32 px width-¼ image's activations alone are tens of kB; the whole step is far below 100 MB
    for (const h of history) expect(h.gpuBytesPerImage).toBeGreaterThan(10e3);
    for (const h of history) expect(h.gpuBytesPerImage).toBeLessThan(100e6);
  });
});
