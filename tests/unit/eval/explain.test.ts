/**
 * Explanations are side-effect free: eval-mode forward + CAM / Grad-CAM / Grad-CAM++ leave every parameter
 * and BN running statistic untouched and free all their tensors, so CAM requests that interleave with
 * train() (as teacher mode does in the training worker) cannot change what training computes.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { explainPixels, peakIndex, type CamMethod } from '../../../src/lib/eval';
import { createResNet18, type ResNet } from '../../../src/lib/model/resnet';
import { Adam } from '../../../src/lib/model/adam';
import { train } from '../../../src/lib/train/trainer';
import { RECIPE, type TrainConfig } from '../../../src/lib/train/config';
import { generateDemoImage } from '../../../src/lib/demo';

const MEAN = 0.45;
const STD = 0.25;

async function snapshot(model: ResNet): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [k, v] of model.params) out.set(k, (await v.data()) as Float32Array);
  return out;
}

function demoImages(size: number, count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => generateDemoImage(i, { seed: 5, size, positiveFraction: 0.5 }).pixels);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('explainPixels', () => {
  it('leaves parameters and BN statistics bit-identical and frees its tensors, for every method', async () => {
    const model = createResNet18({ widthMultiplier: 0.125, numClasses: 1, inputSize: 64 }, 3);
    const images = demoImages(64, 3);
    const before = await snapshot(model);
    const tensorsBefore = tf.memory().numTensors;
    for (const method of ['cam', 'gradcam', 'gradcam++'] as CamMethod[]) {
      const out = await explainPixels(model, MEAN, STD, images, method);
      expect(out).toHaveLength(3);
      for (const e of out) {
        expect(e.heat.length).toBe(64 * 64);
        const max = Math.max(...e.heat);
        expect(Math.min(...e.heat)).toBeGreaterThanOrEqual(0);
        expect(max === 0 || Math.abs(max - 1) < 1e-6).toBe(true);
        expect(e.method).toBe(method);
        expect(e.probabilities[0] + e.probabilities[1]).toBeCloseTo(1, 6);
      }
    }
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    const after = await snapshot(model);
    for (const [k, v] of before) expect(after.get(k), k).toEqual(v);
    model.dispose();
  });

  it('binary head: class 1 explains the logit, class 0 its negative (disjoint supports), default = predicted', async () => {
    const model = createResNet18({ widthMultiplier: 0.125, numClasses: 1, inputSize: 64 }, 4);
    const images = demoImages(64, 2);
    const pos = await explainPixels(model, MEAN, STD, images, 'cam', 1);
    const neg = await explainPixels(model, MEAN, STD, images, 'cam', 0);
    const auto = await explainPixels(model, MEAN, STD, images, 'cam');
    for (let i = 0; i < images.length; i++) {
      // relu(z) and relu(−z) per feature cell: where one map peaks (a cell's own value), the other is zero
      if (Math.max(...pos[i].heat) > 0) expect(neg[i].heat[peakIndex(pos[i].heat, 64)]).toBe(0);
      if (Math.max(...neg[i].heat) > 0) expect(pos[i].heat[peakIndex(neg[i].heat, 64)]).toBe(0);
      const predicted = pos[i].logits[0] >= 0 ? 1 : 0;
      expect(auto[i].classIndex).toBe(predicted);
      expect(auto[i].heat).toEqual((predicted === 1 ? pos : neg)[i].heat);
    }
    model.dispose();
  });
});

describe('CAM requests interleaved with training', () => {
  const size = 32;
  const cfg: TrainConfig = { ...RECIPE, imageSize: size, widthMultiplier: 0.125, epochs: 2, batchSize: 8, lr: 3e-3, augment: { ...RECIPE.augment, enabled: false } };
  const images = demoImages(size, 24);
  const data = {
    mean: MEAN,
    std: STD,
    load: async (ids: string[]) => ids.map((id) => images[Number(id)]),
    train: images.slice(0, 16).map((_, i) => ({ id: String(i), label: generateDemoImage(i, { seed: 5, size, positiveFraction: 0.5 }).label })),
    val: images.slice(16).map((_, i) => ({ id: String(16 + i), label: generateDemoImage(16 + i, { seed: 5, size, positiveFraction: 0.5 }).label })),
  };

  async function trainOnce(interleave: boolean): Promise<{ weights: Map<string, Float32Array>; explained: number }> {
    const model = createResNet18({ widthMultiplier: cfg.widthMultiplier, numClasses: 1, inputSize: size }, 7);
    const adam = new Adam({ lr: cfg.lr, beta1: cfg.beta1, beta2: cfg.beta2, eps: 1e-8, weightDecay: 0 });
    let explained = 0;
    let pending: Promise<unknown>[] = [];
    const explain = () => {
      if (!interleave) return;
      // not awaited by the trainer: runs at its next await points, like a comlink call into the busy worker
      pending.push(explainPixels(model, MEAN, STD, images.slice(16, 20), explained++ % 2 ? 'gradcam' : 'cam').then(() => undefined));
    };
    await train(model, adam, data, cfg, { onStep: explain, onEpoch: explain });
    await Promise.all(pending);
    pending = [];
    const weights = await snapshot(model);
    model.dispose();
    adam.dispose();
    return { weights, explained };
  }

  it('gives bit-identical weights and running statistics with and without CAM calls during train()', async () => {
    const t0 = tf.memory().numTensors;
    const plain = await trainOnce(false);
    const t1 = tf.memory().numTensors;
    const mixed = await trainOnce(true);
    const t2 = tf.memory().numTensors;
    expect(mixed.explained).toBeGreaterThanOrEqual(6);
    // whatever one training run leaves behind (measured, not ours), the CAM calls add nothing to it
    if (t1 !== t0) console.warn(`a train() run with model.dispose() / adam.dispose() still leaves ${t1 - t0} tensors`);
    expect(t2 - t1).toBe(t1 - t0);
    for (const [k, v] of plain.weights) expect(mixed.weights.get(k), k).toEqual(v);
  });
});
