import * as tf from '@tensorflow/tfjs';
import { StudioError } from '../errors';

export const BN_EPSILON = 1e-5;
export const BN_MOMENTUM = 0.1;

export interface BatchNormVariables {
  weight: tf.Variable; // γ [C]
  bias: tf.Variable; // β [C]
  runningMean: tf.Variable; // [C]
  runningVar: tf.Variable; // [C]
  numBatchesTracked: tf.Variable; // int32 scalar
}

/**
 * torch.nn.BatchNorm2d on NHWC. Eval: normalise with the running statistics. Training: normalise with
 * the batch mean and the BIASED batch variance (over N·H·W), and as a side effect
 * running ← (1 − 0.1)·running + 0.1·batch, using the UNBIASED variance (× n/(n−1)) for running_var,
 * and num_batches_tracked += 1. The side effect is safe inside tf.tidy and tf.variableGrads.
 */
export function batchNorm2d(x: tf.Tensor4D, bn: BatchNormVariables, training: boolean): tf.Tensor4D {
  const gamma = bn.weight as tf.Tensor1D;
  const beta = bn.bias as tf.Tensor1D;
  if (!training) return tf.batchNorm4d(x, bn.runningMean as tf.Tensor1D, bn.runningVar as tf.Tensor1D, beta, gamma, BN_EPSILON);
  const [n, h, w] = x.shape;
  const count = n * h * w;
  if (count < 2) throw new StudioError('bad-config', 'BatchNorm training needs more than one value per channel');
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  tf.tidy(() => {
    const unbiased = variance.mul(count / (count - 1));
    bn.runningMean.assign(bn.runningMean.mul(1 - BN_MOMENTUM).add(mean.mul(BN_MOMENTUM)));
    bn.runningVar.assign(bn.runningVar.mul(1 - BN_MOMENTUM).add(unbiased.mul(BN_MOMENTUM)));
    bn.numBatchesTracked.assign(bn.numBatchesTracked.add(tf.scalar(1, 'int32')));
  });
  return tf.batchNorm4d(x, mean as tf.Tensor1D, variance as tf.Tensor1D, beta, gamma, BN_EPSILON);
}
