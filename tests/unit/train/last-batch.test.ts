/**
 * A training split that leaves a last batch of one image (e.g. 81 images at batch 16): that image is folded into the
 * batch before, so BatchNorm always sees more than one value per channel (at 32 px layer 4's map is 1×1).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam } from '../../../src/lib/model/adam';
import { createResNet18 } from '../../../src/lib/model/resnet';
import { foldNote, trainingBatches } from '../../../src/lib/train/batches';
import { RECIPE, validateConfig } from '../../../src/lib/train/config';
import { train, type StepProgress } from '../../../src/lib/train/trainer';
import { syntheticSource } from '../../support/synthetic-source';

describe('last batch of one image', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('folds a single leftover into the previous batch and leaves other splits alone', () => {
    const sizes = (n: number, b: number) => trainingBatches(Array.from({ length: n }, (_, i) => i), b).map((x) => x.length);
    expect(sizes(81, 16)).toEqual([16, 16, 16, 16, 17]);
    expect(sizes(82, 16)).toEqual([16, 16, 16, 16, 16, 2]);
    expect(sizes(80, 16)).toEqual([16, 16, 16, 16, 16]);
    expect(sizes(1, 16)).toEqual([1]);
    expect(trainingBatches(Array.from({ length: 9 }, (_, i) => i), 4).flat()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('says so only when it folds', () => {
    expect(foldNote(81, 16)).toBe(
      '81 training images at batch 16 leave a last batch of one image, which BatchNorm cannot train on: it joins the batch before (5 steps per epoch, the last of 17 images).',
    );
    expect(foldNote(82, 16)).toBeNull();
    expect(foldNote(80, 16)).toBeNull();
    expect(foldNote(1, 16)).toBeNull();
  });

  it('9 images at batch 4, 32 px: the epoch trains in 2 steps (it failed with "more than one value per channel")', async () => {
    const data = syntheticSource(32, 9, 4, 3);
    const cfg = validateConfig({ ...RECIPE, epochs: 1, batchSize: 4, imageSize: 32, widthMultiplier: 0.125, augment: { ...RECIPE.augment, enabled: false } });
    const model = createResNet18({ widthMultiplier: 0.125, numClasses: 1, inputSize: 32 }, 1);
    const adam = new Adam({ lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 });
    const steps: StepProgress[] = [];
    try {
      const outcome = await train(model, adam, data, cfg, { onStep: (p) => steps.push(p) });
      expect(outcome.history).toHaveLength(1);
      expect(steps.map((s) => s.stepsPerEpoch)).toEqual([2, 2]);
      expect(Number.isFinite(outcome.history[0].trainLoss)).toBe(true);
      expect(outcome.notes).toEqual([foldNote(9, 4)]);
    } finally {
      adam.dispose();
      model.dispose();
    }
  });
});
