import { describe, expect, it } from 'vitest';
import { RECIPE } from '../../../src/lib/train/config';
import { planTrainMemory, type TrainMemoryEnv } from '../../../src/lib/train/memory-plan';

/** An environment whose measurement is counted: the plan measures only when the generous bound does not fit. */
function env(over: Partial<TrainMemoryEnv> = {}): TrainMemoryEnv & { measured: number } {
  const e = {
    pooled: true,
    limits: { maxBufferBytes: 2 ** 31, maxBindingBytes: 2 ** 31 },
    measured: 0,
    measure: async () => {
      e.measured++;
      return { fixedBytes: 100e6, bytesPerImage: 40e6 };
    },
    ...over,
  };
  return e;
}

describe('planTrainMemory', () => {
  it('CPU backend: no pool to empty, the user micro-batch kept', async () => {
    const e = env({ pooled: false });
    expect(await planTrainMemory({ ...RECIPE, microBatchSize: 8 }, e)).toEqual({ microBatchSize: 8, releaseWithinSteps: false });
    expect(e.measured).toBe(0);
  });

  it('a micro-batch the user set is kept, with in-step releases', async () => {
    expect(await planTrainMemory({ ...RECIPE, microBatchSize: 16 }, env())).toEqual({ microBatchSize: 16, releaseWithinSteps: true });
  });

  it('small runs that fit half the budget by the generous bound: nothing measured, split or released', async () => {
    // 32 px, width 1/8: bound = 250e6 · (32/224)² · 0.25 ≈ 1.28 MB per image; 64 images ≈ 82 MB ≤ 1 GB
    const e = env();
    expect(await planTrainMemory({ ...RECIPE, imageSize: 32, widthMultiplier: 0.125 }, e)).toEqual({ releaseWithinSteps: false });
    expect(e.measured).toBe(0);
  });

  it('the recipe at 224 px: measured, split into the largest micro-batch that fits the budget', async () => {
    // 2000 MB budget − 100 MB fixed = 1.9e9 B; 1.9e9 / 40e6 = 47.5 → 47 images per pass
    const e = env();
    expect(await planTrainMemory({ ...RECIPE, gpuBudgetMB: 2000 }, e)).toEqual({ microBatchSize: 47, releaseWithinSteps: true });
    expect(e.measured).toBe(1);
  });

  it('the binding limit caps the micro-batch: the stem output is 112² · 64 · 4 B = 3.21 MB per image', async () => {
    // 128 MiB binding / 3,211,264 B = 41.8 → 41
    const e = env({ limits: { maxBufferBytes: 2 ** 30, maxBindingBytes: 2 ** 27 } });
    expect((await planTrainMemory({ ...RECIPE, gpuBudgetMB: 2000 }, e)).microBatchSize).toBe(41);
  });

  it('the whole batch when it fits once measured; in-step releases stay on', async () => {
    expect(await planTrainMemory({ ...RECIPE, gpuBudgetMB: 8000 }, env())).toEqual({ microBatchSize: undefined, releaseWithinSteps: true });
  });

  it('WebGL (no limits): releases within steps, no measurement', async () => {
    const e = env({ limits: null });
    expect(await planTrainMemory({ ...RECIPE }, e)).toEqual({ releaseWithinSteps: true });
    expect(e.measured).toBe(0);
  });
});
