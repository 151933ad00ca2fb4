import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam } from '../../../src/lib/model/adam';
import { createResNet18 } from '../../../src/lib/model/resnet';
import { RECIPE, validateConfig, type TrainConfig } from '../../../src/lib/train/config';
import { train, type StepProgress } from '../../../src/lib/train/trainer';
import { syntheticSource } from '../../support/synthetic-source';

const SIZE = 32;

describe('trainer: micro-batches, schedule, constant memory (CPU)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('splits 6-image batches into 2 micro-batches, follows the cosine schedule, keeps numTensors constant', async () => {
    const cfg = validateConfig({
      ...RECIPE,
      epochs: 3,
      batchSize: 6,
      imageSize: SIZE,
      widthMultiplier: 0.125,
      lr: 1e-3,
      augment: { ...RECIPE.augment, enabled: false },
      schedule: 'cosine',
      microBatchSize: 4,
    } satisfies TrainConfig);
    const model = createResNet18({ widthMultiplier: 0.125, numClasses: 1, inputSize: SIZE }, 2);
    const adam = new Adam({ lr: cfg.lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 });
    const steps: StepProgress[] = [];
    let released = 0;
    // a fake meter: the metered step "grows" by 1000 bytes per begin() so far
    let begun = 0;
    const gpuMemory = { release: () => void released++, releaseWithinSteps: true, begin: () => void begun++, growth: () => 1000 * begun, allocated: () => undefined };
    const outcome = await train(model, adam, syntheticSource(SIZE, 12, 4), cfg, { onStep: (p) => steps.push(p), gpuMemory });
    const { history } = outcome;
    expect(history.map((r) => r.epoch)).toEqual([1, 2, 3]);
    expect(history[2].numTensors).toBe(history[0].numTensors);
    expect(history.every((r) => r.microBatches === 2)).toBe(true);
    expect(steps.every((s) => s.microBatches === 2)).toBe(true);
    // after each step's backward pass and each parameter's Adam update (6 steps), and after each epoch,
    // plus at the stage boundaries inside each backward pass (≥ 4 per micro-batch)
    expect(released).toBeGreaterThanOrEqual(6 * (1 + model.trainable.length) + 3 + 6 * 2 * 4);
    // metered: each epoch's first step, its growth (1000·epoch) over the 3 images of a pass (6 / 2)
    expect(begun).toBe(3);
    expect(history.map((r) => r.gpuBytesPerImage)).toEqual([1000 / 3, 2000 / 3, 3000 / 3]);
    // 3 epochs × 2 steps: t = 0..5 of T = 6
    expect(steps.map((s) => s.lr)).toEqual([0, 1, 2, 3, 4, 5].map((t) => 1e-3 * 0.5 * (1 + Math.cos((Math.PI * t) / 6))));
    expect(history[0].gpuBytes).toBeUndefined(); // CPU backend: no GPU bytes to report
    // BN running stats updated once per micro-batch: 2 per step, 6 steps
    expect((await model.params.get('bn1.num_batches_tracked')!.data())[0]).toBe(12);
    adam.dispose();
    model.dispose();
  });

  it('with plenty of GPU memory empties the pool only after each epoch, not inside the steps', async () => {
    const cfg = validateConfig({ ...RECIPE, epochs: 2, batchSize: 4, imageSize: SIZE, widthMultiplier: 0.125, lr: 1e-3, augment: { ...RECIPE.augment, enabled: false } });
    const model = createResNet18({ widthMultiplier: 0.125, numClasses: 1, inputSize: SIZE }, 3);
    const adam = new Adam({ lr: cfg.lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 });
    let released = 0;
    const gpuMemory = { release: () => void released++, releaseWithinSteps: false, begin: () => undefined, growth: () => 400, allocated: () => undefined };
    const { history } = await train(model, adam, syntheticSource(SIZE, 8, 4), cfg, { gpuMemory });
    expect(released).toBe(2);
    expect(history.map((r) => r.gpuBytesPerImage)).toEqual([100, 100]);
    adam.dispose();
    model.dispose();
  });
});
