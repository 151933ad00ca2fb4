import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bceWithLogits, crossEntropy } from '../../../src/lib/model/loss';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('bceWithLogits', () => {
  it('matches the textbook weighted BCE −[p·y·log σ(x) + (1 − y)·log(1 − σ(x))] on three numbers', async () => {
    const x = [2, -1, 0];
    const y = [1, 0, 1];
    const p = 3;
    const expected = x.reduce((s, xi, i) => s - (p * y[i] * Math.log(sigmoid(xi)) + (1 - y[i]) * Math.log(1 - sigmoid(xi))), 0) / 3;
    // By hand: (3·log(1 + e^−2) + (−1 + log(1 + e)) + 3·log 2) / 3 ≈ 0.92450
    expect(expected).toBeCloseTo(0.9245, 4);
    const loss = bceWithLogits(tf.tensor2d(x, [3, 1]), tf.tensor1d(y), p);
    expect((await loss.data())[0]).toBeCloseTo(expected, 6);
  });

  it('is stable for large logits and has the exact gradient at x = 0', async () => {
    const loss = bceWithLogits(tf.tensor1d([100, -100]), tf.tensor1d([1, 0]), 2);
    expect((await loss.data())[0]).toBeCloseTo(0, 6);
    // d/dx at x = 0, y = 1, p = 3: −p·(1 − σ(0)) = −1.5
    const g = tf.grad((x: tf.Tensor) => bceWithLogits(x, tf.tensor1d([1]), 3))(tf.tensor1d([0]));
    expect((await g.data())[0]).toBeCloseTo(-1.5, 6);
  });

  it('rejects mismatched target counts', () => {
    expect(() => bceWithLogits(tf.zeros([3, 1]), tf.zeros([2]), 1)).toThrow(/targets/);
  });
});

describe('crossEntropy', () => {
  const logits = [
    [1, 2, 3],
    [1, 0, 0],
  ];
  const nll = [Math.log(Math.E + Math.E ** 2 + Math.E ** 3) - 3, Math.log(Math.E + 2) - 1];

  it('unweighted: mean negative log-softmax of the target', async () => {
    const loss = crossEntropy(tf.tensor2d(logits), tf.tensor1d([2, 0], 'int32'));
    expect((await loss.data())[0]).toBeCloseTo((nll[0] + nll[1]) / 2, 6);
  });

  it('class weights: Σ w[y]·nll / Σ w[y] (PyTorch weighted mean)', async () => {
    const loss = crossEntropy(tf.tensor2d(logits), tf.tensor1d([2, 0], 'int32'), [1, 2, 3]);
    expect((await loss.data())[0]).toBeCloseTo((3 * nll[0] + 1 * nll[1]) / 4, 6);
  });
});
