import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchNorm2d, type BatchNormVariables } from '../../../src/lib/model/batchnorm';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function bnVariables(): BatchNormVariables {
  return {
    weight: tf.variable(tf.tensor1d([2, 1])),
    bias: tf.variable(tf.tensor1d([0.5, 0])),
    runningMean: tf.variable(tf.tensor1d([0, 1])),
    runningVar: tf.variable(tf.tensor1d([1, 2])),
    numBatchesTracked: tf.variable(tf.scalar(0, 'int32'), false),
  };
}

// Two channels over N=2, H=1, W=2. Channel 0: 1,2,3,4; channel 1: 0,0,0,8.
const x = () => tf.tensor4d([1, 0, 2, 0, 3, 0, 4, 8], [2, 1, 2, 2]);

describe('batchNorm2d', () => {
  it('training: biased variance to normalise, unbiased (momentum 0.1) for running_var, count + 1', async () => {
    const bn = bnVariables();
    const y = batchNorm2d(x(), bn, true);
    // channel 0: mean 2.5, biased var 1.25, unbiased 5/3; channel 1: mean 2, biased var 12, unbiased 16
    const out = await y.data();
    expect(out[0]).toBeCloseTo((2 * (1 - 2.5)) / Math.sqrt(1.25 + 1e-5) + 0.5, 5);
    expect(out[7]).toBeCloseTo((8 - 2) / Math.sqrt(12 + 1e-5), 5);
    const mean = await bn.runningMean.data();
    const variance = await bn.runningVar.data();
    expect(mean[0]).toBeCloseTo(0.9 * 0 + 0.1 * 2.5, 6);
    expect(mean[1]).toBeCloseTo(0.9 * 1 + 0.1 * 2, 6);
    expect(variance[0]).toBeCloseTo(0.9 * 1 + 0.1 * (5 / 3), 6);
    expect(variance[1]).toBeCloseTo(0.9 * 2 + 0.1 * 16, 6);
    expect((await bn.numBatchesTracked.data())[0]).toBe(1);
  });

  it('eval: uses the running statistics and changes nothing', async () => {
    const bn = bnVariables();
    const out = await batchNorm2d(x(), bn, false).data();
    expect(out[1]).toBeCloseTo((0 - 1) / Math.sqrt(2 + 1e-5), 5);
    expect(Array.from(await bn.runningMean.data())).toEqual([0, 1]);
    expect((await bn.numBatchesTracked.data())[0]).toBe(0);
  });

  it('training with one value per channel is refused like PyTorch', () => {
    expect(() => batchNorm2d(tf.zeros([1, 1, 1, 2]), bnVariables(), true)).toThrow(/more than one value/);
  });
});

describe('batchNorm2d training op: gradients equal autodiff of moments + batchNorm4d (+ residual) (+ ReLU)', () => {
  const reference = (input: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, residual: tf.Tensor4D | undefined, relu: boolean) => {
    const { mean, variance } = tf.moments(input, [0, 1, 2]);
    const y = tf.batchNorm4d(input, mean as tf.Tensor1D, variance as tf.Tensor1D, beta, gamma, 1e-5);
    const summed = residual ? y.add(residual) : y;
    return relu ? tf.relu(summed) : summed;
  };

  for (const [relu, withResidual] of [[false, false], [true, false], [true, true], [false, true]] as const) {
    it(`relu=${relu} residual=${withResidual}`, async () => {
      const input = tf.randomNormal([3, 4, 5, 3], 0.3, 2, 'float32', 1) as tf.Tensor4D;
      const residual = withResidual ? (tf.randomNormal([3, 4, 5, 3], 0, 1, 'float32', 2) as tf.Tensor4D) : undefined;
      const upstream = tf.randomNormal([3, 4, 5, 3], 0, 1, 'float32', 3);
      const bn = bnVariables3();
      const gamma = bn.weight as tf.Tensor1D;
      const beta = bn.bias as tf.Tensor1D;
      const withInputs = (f: (xs: tf.Tensor4D, g: tf.Tensor1D, b: tf.Tensor1D, r?: tf.Tensor4D) => tf.Tensor) =>
        tf.grads((xs: tf.Tensor, g: tf.Tensor, b: tf.Tensor, r?: tf.Tensor) => f(xs as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, withResidual ? (r as tf.Tensor4D) : undefined).mul(upstream).sum());
      const args = residual ? [input, gamma, beta, residual] : [input, gamma, beta];
      const ours = withInputs((xs, g, b, r) => batchNorm2d(xs, { ...bn, weight: g as tf.Variable, bias: b as tf.Variable }, true, { relu, residual: r }))(args);
      const theirs = withInputs((xs, g, b, r) => reference(xs, g, b, r, relu))(args);
      for (let i = 0; i < (withResidual ? 4 : 3); i++) {
        const [a, b] = [await ours[i].data(), await theirs[i].data()];
        let worst = 0;
        for (let j = 0; j < a.length; j++) worst = Math.max(worst, Math.abs(a[j] - b[j]));
        expect(worst, `gradient ${i}`).toBeLessThan(1e-5);
      }
      const out = await batchNorm2d(input, bnVariables3(), true, { relu, residual }).data();
      const ref = await reference(input, gamma, beta, residual, relu).data();
      for (let j = 0; j < ref.length; j++) expect(Math.abs(out[j] - ref[j])).toBeLessThan(1e-6);
    });
  }
});

function bnVariables3(): BatchNormVariables {
  return {
    weight: tf.variable(tf.tensor1d([2, 1, -0.5])),
    bias: tf.variable(tf.tensor1d([0.5, 0, 1])),
    runningMean: tf.variable(tf.zeros([3])),
    runningVar: tf.variable(tf.ones([3])),
    numBatchesTracked: tf.variable(tf.scalar(0, 'int32'), false),
  };
}
