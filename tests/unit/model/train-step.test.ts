import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam } from '../../../src/lib/model/adam';
import { createResNet18 } from '../../../src/lib/model/resnet';
import { computeLoss, trainStep } from '../../../src/lib/model/train-step';
import { forward } from '../../../src/lib/model/resnet';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const adamCfg = { lr: 3e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 };

describe('trainStep', () => {
  it('leaks no tensors: numTensors is constant over 3 steps (after Adam allocates its moments)', async () => {
    const model = createResNet18({ widthMultiplier: 0.125, numClasses: 1, inputSize: 32 }, 1);
    const opt = new Adam(adamCfg);
    const x = tf.randomNormal([4, 32, 32, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    const y = tf.tensor1d([0, 1, 1, 0]);
    await trainStep(model, opt, x, y, { kind: 'bce', posWeight: 2 }, { gradNormKeys: ['fc.weight'] });
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      await trainStep(model, opt, x, y, { kind: 'bce', posWeight: 2 }, { gradNormKeys: ['fc.weight'] });
      counts.push(tf.memory().numTensors);
    }
    expect(counts).toEqual([counts[0], counts[0], counts[0]]);
    opt.dispose();
    model.dispose();
  });

  it('frees what it made when the forward pass throws (one image at 32 px: a 1×1 layer-4 map for BatchNorm)', async () => {
    const model = createResNet18({ widthMultiplier: 0.125, numClasses: 1, inputSize: 32 }, 1);
    const opt = new Adam(adamCfg);
    const x = tf.randomNormal([1, 32, 32, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    const y = tf.tensor1d([1]);
    const before = tf.memory().numTensors;
    await expect(trainStep(model, opt, x, y, { kind: 'bce', posWeight: 1 })).rejects.toThrow('more than one value per channel');
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    opt.dispose();
    model.dispose();
  });

  it('fits a fixed 3-class batch (loss falls) and reports gradient norms equal to a direct computation', async () => {
    const model = createResNet18({ widthMultiplier: 0.125, numClasses: 3, inputSize: 32 }, 2);
    const opt = new Adam(adamCfg);
    const x = tf.randomNormal([6, 32, 32, 1], 0, 1, 'float32', 4) as tf.Tensor4D;
    const y = tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32');
    const loss = { kind: 'ce' as const, classWeights: [1, 2, 1] };

    // Reference gradient norm of fc.bias at the current weights, computed independently.
    const counts = await model.params.get('bn1.num_batches_tracked')!.data();
    const refGrad = tf.grad((b: tf.Tensor) => {
      const { logits, features } = forward(model, x, { training: true });
      features.dispose();
      return computeLoss(logits.sub(model.params.get('fc.bias')!).add(b) as tf.Tensor2D, y, loss);
    })(model.params.get('fc.bias')!.clone());
    const refNorm = (await tf.norm(refGrad).data())[0];
    const first = await trainStep(model, opt, x, y, loss, { gradNormKeys: ['fc.bias'] });
    expect(first.gradNorms.get('fc.bias')).toBeCloseTo(refNorm, 4);
    expect((await model.params.get('bn1.num_batches_tracked')!.data())[0]).toBe(counts[0] + 2);

    let last = first.loss;
    for (let i = 0; i < 15; i++) last = (await trainStep(model, opt, x, y, loss)).loss;
    expect(last).toBeLessThan(0.5 * first.loss);
    await expect(trainStep(model, opt, x, y, loss, { gradNormKeys: ['bn1.running_mean'] })).rejects.toThrow(/no trainable parameter/);
    opt.dispose();
    model.dispose();
  });
});
