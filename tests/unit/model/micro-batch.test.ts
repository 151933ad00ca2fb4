import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fittingMicroBatchSize, largestActivationBytes, microBatchSizes } from '../../../src/lib/model/micro-batch';
import { Adam } from '../../../src/lib/model/adam';
import { createResNet18 } from '../../../src/lib/model/resnet';
import { trainStep } from '../../../src/lib/model/train-step';

describe('microBatchSizes', () => {
  it('splits into the fewest near-equal parts', () => {
    expect(microBatchSizes(10, 4)).toEqual([4, 3, 3]);
    expect(microBatchSizes(8, 4)).toEqual([4, 4]);
    expect(microBatchSizes(9, 4)).toEqual([3, 3, 3]);
    expect(microBatchSizes(5, 64)).toEqual([5]);
    expect(microBatchSizes(3, 1)).toEqual([1, 1, 1]);
  });
  it('refuses empty batches and bad sizes', () => {
    expect(() => microBatchSizes(0, 4)).toThrow(/at least one image/);
    expect(() => microBatchSizes(4, 0)).toThrow(/micro-batch size/);
    expect(() => microBatchSizes(4, 1.5)).toThrow(/micro-batch size/);
  });
});

describe('fittingMicroBatchSize', () => {
  it('keeps the whole batch when it fits, else the largest micro-batch within budget and binding limit', () => {
    expect(fittingMicroBatchSize(16, { bytesPerImage: 60e6, budgetBytes: 2e9 })).toBe(16);
    expect(fittingMicroBatchSize(64, { bytesPerImage: 60e6, budgetBytes: 2e9 })).toBe(33);
    expect(fittingMicroBatchSize(64, { bytesPerImage: 1e6, budgetBytes: 2e9, largestTensorBytesPerImage: 3.2e6, maxBindingBytes: 128e6 })).toBe(40);
    expect(fittingMicroBatchSize(64, { bytesPerImage: 5e9, budgetBytes: 2e9 })).toBe(1);
  });
  it('largest activation: the stem output, (S/2)² × 64·width float32', () => {
    expect(largestActivationBytes(224, 1)).toBe(112 * 112 * 64 * 4);
    expect(largestActivationBytes(32, 0.125)).toBe(16 * 16 * 8 * 4);
  });
});

describe('trainStep with gradient accumulation (CPU)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  // x = [a, b, a, b]: each micro-batch [a, b] has exactly the whole batch's BatchNorm statistics, so
  // accumulating two halves must give the whole-batch loss and gradients.
  async function step(microBatchSize?: number) {
    const model = createResNet18({ widthMultiplier: 0.125, numClasses: 1, inputSize: 32 }, 3);
    const adam = new Adam({ lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 });
    const pair = tf.randomNormal([2, 32, 32, 1], 0, 1, 'float32', 11);
    const x = tf.concat([pair, pair]) as tf.Tensor4D;
    const y = tf.tensor2d([1, 0, 1, 0], [4, 1]);
    const tensorsBefore = tf.memory().numTensors;
    const r = await trainStep(model, adam, x, y, { kind: 'bce', posWeight: 2 }, { gradNormKeys: ['conv1.weight', 'layer3.1.bn2.weight', 'fc.weight'], microBatchSize });
    const leaked = tf.memory().numTensors - tensorsBefore - (model.trainable.length * 2); // Adam moments are new
    tf.dispose([pair, x, y]);
    adam.dispose();
    model.dispose();
    return { ...r, leaked };
  }

  it('two micro-batches of identical statistics reproduce the whole-batch loss and gradient norms', async () => {
    const whole = await step();
    const halves = await step(2);
    expect(whole.microBatches).toBe(1);
    expect(halves.microBatches).toBe(2);
    expect(Math.abs(halves.loss - whole.loss) / whole.loss).toBeLessThan(1e-5);
    for (const [k, norm] of whole.gradNorms) expect(Math.abs(halves.gradNorms.get(k)! - norm) / norm).toBeLessThan(1e-4);
    expect(whole.leaked).toBe(0);
    expect(halves.leaked).toBe(0);
  });

  it('refuses a target count that differs from the batch', async () => {
    const model = createResNet18({ widthMultiplier: 0.125, numClasses: 1, inputSize: 32 }, 3);
    const adam = new Adam({ lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 });
    const x = tf.zeros([2, 32, 32, 1]) as tf.Tensor4D;
    const y = tf.zeros([3, 1]);
    await expect(trainStep(model, adam, x, y, { kind: 'bce', posWeight: 1 })).rejects.toThrow(/3 targets for 2 images/);
    tf.dispose([x, y]);
    model.dispose();
  });
});
