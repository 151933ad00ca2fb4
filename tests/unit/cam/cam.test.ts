import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { camToHeatmap, classActivationMap, colormapOverlay, gradCam, gradCamPlusPlus, turbo } from '../../../src/lib/cam/cam';
import { createResNet18, forward } from '../../../src/lib/model/resnet';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('classActivationMap', () => {
  it('is Σ_k w[class,k]·A_k per pixel, sign −1 negates', async () => {
    // 1 image, 1×2 pixels, 2 channels: A(p0) = (1, 2), A(p1) = (3, −1); fc rows (0.5, 1), (2, 0)
    const features = tf.tensor4d([1, 2, 3, -1], [1, 1, 2, 2]);
    const fc = tf.tensor2d([0.5, 1, 2, 0], [2, 2]);
    expect(Array.from(await classActivationMap(features, fc, 0).data())).toEqual([0.5 + 2, 1.5 - 1]);
    expect(Array.from(await classActivationMap(features, fc, 1, -1).data())).toEqual([-2, -6]);
  });
});

describe('gradCam / gradCamPlusPlus on a ResNet', () => {
  // With global average pooling + linear fc, dlogit/dA_k = w_k/(h·w) everywhere, so
  // Grad-CAM = relu(CAM)/(h·w) and Grad-CAM++ follows from the closed form with constant gradients.
  it('Grad-CAM equals relu(CAM)/(h·w) for every image and both signs', async () => {
    const model = createResNet18({ widthMultiplier: 0.125, numClasses: 3, inputSize: 64 }, 3);
    const x = tf.randomNormal([2, 64, 64, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
    const { features, logits } = forward(model, x, { training: false });
    logits.dispose();
    for (const sign of [1, -1] as const) {
      const cam = await classActivationMap(features, model.params.get('fc.weight') as tf.Tensor2D, 2, sign).data();
      const maps = await gradCam(model, x, 2, sign);
      expect(maps.length).toBe(2);
      maps.forEach((m, i) => m.forEach((v, p) => expect(v).toBeCloseTo(Math.max(0, cam[i * 4 + p]) / 4, 5)));
    }
  });

  it('Grad-CAM++ matches its closed form with per-channel constant gradients', async () => {
    const model = createResNet18({ widthMultiplier: 0.125, numClasses: 1, inputSize: 64 }, 4);
    const x = tf.randomNormal([1, 64, 64, 1], 0, 1, 'float32', 6) as tf.Tensor4D;
    const { features, logits } = forward(model, x, { training: false });
    logits.dispose();
    const A = (await features.data()) as Float32Array; // [1,2,2,64]
    const w = (await model.params.get('fc.weight')!.data()) as Float32Array;
    const expected = new Float64Array(4);
    for (let k = 0; k < 64; k++) {
      const g = w[k] / 4;
      let sumA = 0;
      for (let p = 0; p < 4; p++) sumA += A[p * 64 + k];
      const a = g === 0 ? 0 : (g * g) / (2 * g * g + sumA * g ** 3 + 1e-7);
      const alpha = 4 * a * Math.max(g, 0);
      for (let p = 0; p < 4; p++) expected[p] += alpha * A[p * 64 + k];
    }
    const [map] = await gradCamPlusPlus(model, x, 0);
    map.forEach((v, p) => expect(v).toBeCloseTo(Math.max(0, expected[p]), 5));
  });
});

describe('camToHeatmap', () => {
  it('relu + max-normalise; all-zero and all-negative maps stay zero', () => {
    expect(Array.from(camToHeatmap(Float32Array.of(0, 0, 0, 0), 2, 3))).toEqual(new Array(9).fill(0));
    expect(Array.from(camToHeatmap(Float32Array.of(-1, -2, -3, -4), 2, 2))).toEqual([0, 0, 0, 0]);
    expect(Array.from(camToHeatmap(Float32Array.of(-1, 2, 4, 1), 2, 2))).toEqual([0, 0.5, 1, 0.25]);
  });

  it('bilinear, align_corners=false: 2 -> 4 gives a, ¾a+¼b, ¼a+¾b, b per axis', () => {
    const heat = camToHeatmap(Float32Array.of(0, 4, 0, 4), 2, 4); // rows identical: 0 | 1 after normalising
    expect(Array.from(heat.slice(0, 4))).toEqual([0, 0.25, 0.75, 1]);
    expect(Array.from(heat.slice(12, 16))).toEqual([0, 0.25, 0.75, 1]);
  });
});

describe('colormapOverlay', () => {
  it('opacity 0 is the grey image, opacity 1 is Turbo (blue-ish low, red-ish high); alpha 255', () => {
    const grey = Uint8Array.of(10, 200, 30, 40);
    const heat = Float32Array.of(0.1, 0.95, 0.5, 0.5);
    const plain = colormapOverlay(grey, heat, 2, 0);
    expect(Array.from(plain.slice(0, 8))).toEqual([10, 10, 10, 255, 200, 200, 200, 255]);
    const colour = colormapOverlay(grey, heat, 2, 1);
    const [r0, , b0] = colour.slice(0, 3);
    const [r1, , b1] = colour.slice(4, 7);
    expect(b0).toBeGreaterThan(r0);
    expect(r1).toBeGreaterThan(b1);
    expect(turbo(0.5)[1]).toBeGreaterThan(0.8); // Turbo's middle is bright green
  });
});
