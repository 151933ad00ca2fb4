import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { StudioError } from '../../../src/lib/errors';
import { stageWidths } from '../../../src/lib/model/architecture';
import { createResNet18, forward } from '../../../src/lib/model/resnet';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function values(t: tf.Tensor): Promise<Float32Array> {
  return (await t.data()) as Float32Array;
}

describe('createResNet18', () => {
  it('width multiplier rounds stage widths (min 1) and sizes every tensor', () => {
    expect(stageWidths(1)).toEqual([64, 128, 256, 512]);
    expect(stageWidths(0.3)).toEqual([19, 38, 77, 154]);
    expect(stageWidths(0.001)).toEqual([1, 1, 1, 1]);
    const model = createResNet18({ widthMultiplier: 0.25, numClasses: 3, inputSize: 64 }, 0);
    expect(model.params.get('conv1.weight')!.shape).toEqual([7, 7, 1, 16]); // HWIO
    expect(model.params.get('layer4.0.downsample.0.weight')!.shape).toEqual([1, 1, 64, 128]);
    expect(model.params.get('fc.weight')!.shape).toEqual([3, 128]); // torch [out,in]
    expect(model.params.size).toBe(122);
    expect(model.trainable.length).toBe(62); // 20 convs + 20 BN × (γ, β) + fc weight, bias
    expect(model.trainable).not.toContain('bn1.running_mean');
    expect(model.params.get('bn1.num_batches_tracked')!.dtype).toBe('int32');
    model.dispose();
  });

  it('init: Kaiming normal fan_out for convs, Linear-default uniform fc, BN 1/0; seeded', async () => {
    const a = createResNet18({ widthMultiplier: 1, numClasses: 1, inputSize: 64 }, 5);
    const w = await values(a.params.get('layer4.1.conv2.weight')!);
    const mean = w.reduce((s, v) => s + v, 0) / w.length;
    const std = Math.sqrt(w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length);
    expect(std).toBeCloseTo(Math.sqrt(2 / (512 * 9)), 4);
    expect(Math.abs(mean)).toBeLessThan(1e-4);
    const fc = await values(a.params.get('fc.weight')!);
    const bound = 1 / Math.sqrt(512);
    expect(Math.max(...fc.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...fc.map(Math.abs))).toBeGreaterThan(0.9 * bound);
    expect(Array.from(await values(a.params.get('layer2.0.bn1.weight')!))).toEqual(new Array(128).fill(1));
    expect(Array.from(await values(a.params.get('layer2.0.bn1.running_var')!))).toEqual(new Array(128).fill(1));
    const b = createResNet18({ widthMultiplier: 1, numClasses: 1, inputSize: 64 }, 5);
    const c = createResNet18({ widthMultiplier: 1, numClasses: 1, inputSize: 64 }, 6);
    expect(Array.from(await values(b.params.get('conv1.weight')!))).toEqual(Array.from(await values(a.params.get('conv1.weight')!)));
    expect(Array.from(await values(c.params.get('conv1.weight')!))).not.toEqual(Array.from(await values(a.params.get('conv1.weight')!)));
    [a, b, c].forEach((m) => m.dispose());
  });

  it('rejects bad configurations with bad-config', () => {
    for (const cfg of [
      { widthMultiplier: 0, numClasses: 1, inputSize: 224 },
      { widthMultiplier: 1, numClasses: 2, inputSize: 224 },
      { widthMultiplier: 1, numClasses: 1, inputSize: 16 },
    ]) {
      expect(() => createResNet18(cfg, 0)).toThrow(StudioError);
    }
  });
});

describe('forward', () => {
  it('any input size: features are layer4 at stride 32, logits [N, classes]; eval leaves BN stats alone', async () => {
    const model = createResNet18({ widthMultiplier: 0.125, numClasses: 4, inputSize: 96 }, 1);
    const x = tf.randomNormal([3, 96, 96, 1], 0, 1, 'float32', 2) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const { logits, features } = forward(model, x, { training: false });
    expect(tf.memory().numTensors).toBe(before + 2); // intermediates freed
    expect(features.shape).toEqual([3, 3, 3, 64]);
    expect(logits.shape).toEqual([3, 4]);
    expect(Array.from(await values(model.params.get('bn1.running_mean')!))).toEqual(new Array(8).fill(0));
    // logits = mean-pooled features · fcᵀ + b
    const f = await values(features);
    const w = await values(model.params.get('fc.weight')!);
    const bias = await values(model.params.get('fc.bias')!);
    let expected = bias[2];
    for (let k = 0; k < 64; k++) {
      let pooled = 0;
      for (let p = 0; p < 9; p++) pooled += f[p * 64 + k] / 9;
      expected += pooled * w[2 * 64 + k];
    }
    expect((await values(logits))[2]).toBeCloseTo(expected, 5);
  });

  it('training mode normalises per batch and moves running stats; eval output differs from training output', async () => {
    const model = createResNet18({ widthMultiplier: 0.125, numClasses: 1, inputSize: 32 }, 1);
    const x = tf.randomNormal([4, 32, 32, 1], 3, 2, 'float32', 9) as tf.Tensor4D;
    const train = await values(forward(model, x, { training: true }).logits);
    expect((await values(model.params.get('layer3.1.bn2.num_batches_tracked')!))[0]).toBe(1);
    const runningMean = await values(model.params.get('bn1.running_mean')!);
    expect(runningMean.some((v) => v !== 0)).toBe(true);
    const evalLogits = await values(forward(model, x, { training: false }).logits);
    expect(Array.from(evalLogits)).not.toEqual(Array.from(train));
  });
});
