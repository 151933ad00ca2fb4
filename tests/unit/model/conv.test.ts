import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { conv2dTorch, filterGradientByConv } from '../../../src/lib/model/conv';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function maxDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  expect(a.shape).toEqual(b.shape);
  return (await tf.max(tf.abs(tf.sub(a, b))).data())[0];
}

describe('conv2dTorch', () => {
  // stem-like 7×7 s2 p3 on an odd size (the crop path), 3×3 s1 p1, 1×1 s2 p0
  for (const [size, k, stride, pad] of [
    [15, 7, 2, 3],
    [9, 3, 1, 1],
    [10, 1, 2, 0],
  ]) {
    it(`${k}×${k} stride ${stride} pad ${pad}: output size and gradients equal tfjs' native kernels`, async () => {
      const x = tf.randomNormal([2, size, size, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
      const w = tf.randomNormal([k, k, 3, 4], 0, 1, 'float32', 2) as tf.Tensor4D;
      const y = conv2dTorch(x, w, stride, pad);
      expect(y.shape[1]).toBe(Math.floor((size + 2 * pad - k) / stride) + 1); // torch's formula
      const weights = tf.randomNormal(y.shape, 0, 1, 'float32', 3);
      const loss = (f: typeof conv2dTorch) => (a: tf.Tensor, b: tf.Tensor) => f(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad).mul(weights).sum();
      const native = (a: tf.Tensor4D, b: tf.Tensor4D, s: number, p: number) =>
        tf.conv2d(tf.pad(a, [[0, 0], [p, p], [p, p], [0, 0]]), b, s, 'valid');
      const [dxFast, dwFast] = tf.grads(loss(conv2dTorch))([x, w]);
      const [dxRef, dwRef] = tf.grads(loss(native))([x, w]);
      expect(await maxDiff(y, native(x, w, stride, pad))).toBe(0);
      expect(await maxDiff(dxFast, dxRef)).toBeLessThan(1e-4);
      expect(await maxDiff(dwFast, dwRef)).toBeLessThan(1e-4);
    });
  }

  it('filterGradientByConv on a hand example: 1×1 kernel gradient is Σ x·dy', async () => {
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const dy = tf.tensor4d([1, 0, 0, 2], [1, 2, 2, 1]);
    expect(Array.from(await filterGradientByConv(x, dy, [1, 1, 1, 1], 1).data())).toEqual([1 * 1 + 4 * 2]);
  });
});
