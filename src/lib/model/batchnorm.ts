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

/** What follows the normalisation inside the same op: y = bn(x) [+ residual] [then ReLU]. */
export interface BatchNormEpilogue {
  relu?: boolean;
  residual?: tf.Tensor4D;
}

function updateRunningStats(bn: BatchNormVariables, mean: tf.Tensor1D, variance: tf.Tensor1D, count: number): void {
  tf.tidy(() => {
    const unbiased = variance.mul(count / (count - 1));
    bn.runningMean.assign(bn.runningMean.mul(1 - BN_MOMENTUM).add(mean.mul(BN_MOMENTUM)));
    bn.runningVar.assign(bn.runningVar.mul(1 - BN_MOMENTUM).add(unbiased.mul(BN_MOMENTUM)));
    bn.numBatchesTracked.assign(bn.numBatchesTracked.add(tf.scalar(1, 'int32')));
  });
}

function applyEpilogue(y: tf.Tensor4D, epilogue: BatchNormEpilogue): tf.Tensor4D {
  const summed = epilogue.residual ? tf.add(y, epilogue.residual) : y;
  return (epilogue.relu ? tf.relu(summed) : summed) as tf.Tensor4D;
}

/**
 * Training-mode BN (+ residual, + ReLU) as ONE differentiable op. Autodiff through tf.moments,
 * tf.batchNorm4d, add and relu keeps every intermediate (x − μ, its square, the normalised output,
 * the sum) alive until the backward pass: ~4 extra activation-sized tensors per BN. This op keeps only
 * its input x and, before a ReLU, its output (inputs of neighbouring ops, alive anyway) plus per-channel μ and σ², and
 * recomputes x̂ in the backward pass. With g = dy · [out > 0] (ReLU), N = n·h·w, k = γ/σ:
 *   dβ = Σ g,  dγ = Σ g·x̂,  dx = k · (g − Σg/N − x̂ · Σ(g·x̂)/N) = g·k + bn(x; scale −k·Σ(g·x̂)/N, offset −k·Σg/N),
 *   d residual = g.
 * The backward pass is arranged (nested tidies, the x̂ terms as one batchNorm4d kernel) so that at most
 * four activation-sized temporaries exist at once.
 */
function trainingBatchNorm(x: tf.Tensor4D, bn: BatchNormVariables, epilogue: BatchNormEpilogue): tf.Tensor4D {
  const [n, h, w] = x.shape;
  const count = n * h * w;
  const axes = [0, 1, 2];
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [input, gamma, beta, residual] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.Tensor4D | undefined];
    const { mean, variance } = tf.moments(input, axes) as { mean: tf.Tensor1D; variance: tf.Tensor1D };
    updateRunningStats(bn, mean, variance, count);
    const out = applyEpilogue(tf.batchNorm4d(input, mean, variance, beta, gamma, BN_EPSILON), {
      relu: epilogue.relu,
      residual: residual instanceof tf.Tensor ? (residual as tf.Tensor4D) : undefined,
    });
    // the output is needed only for the ReLU mask
    save(epilogue.relu ? [input, gamma, mean, variance, out] : [input, gamma, mean, variance]);
    return {
      value: out,
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [xs, g1, mu, sigma2, y] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D, tf.Tensor4D | undefined];
        const g = y ? tf.tidy(() => tf.mul(dy, tf.step(y))) : dy;
        const [sumG, sumGxHat] = tf.tidy(() => {
          const xHat = tf.batchNorm4d(xs, mu, sigma2, undefined, undefined, BN_EPSILON);
          return [tf.sum(g, axes), tf.sum(tf.mul(g, xHat), axes)];
        });
        const dx = tf.tidy(() => {
          const k = tf.mul(g1, tf.rsqrt(tf.add(sigma2, BN_EPSILON)));
          const scale = tf.neg(tf.mul(k, tf.div(sumGxHat, count))) as tf.Tensor1D;
          const offset = tf.neg(tf.mul(k, tf.div(sumG, count))) as tf.Tensor1D;
          return tf.add(tf.mul(g, k), tf.batchNorm4d(xs, mu, sigma2, offset, scale, BN_EPSILON));
        });
        const grads = [dx, sumGxHat, sumG];
        // the residual's gradient must be a tensor of its own, never dy itself (the tape disposes dy)
        return epilogue.residual ? [...grads, epilogue.relu ? g : tf.clone(g)] : grads;
      },
    };
  });
  const inputs: tf.Tensor[] = [x, bn.weight, bn.bias];
  if (epilogue.residual) inputs.push(epilogue.residual);
  return op(...inputs) as tf.Tensor4D;
}

/**
 * torch.nn.BatchNorm2d on NHWC, optionally followed by "+ residual" and ReLU. Eval: normalise with the
 * running statistics. Training: normalise with the batch mean and the BIASED batch variance (over N·H·W),
 * and as a side effect running ← (1 − 0.1)·running + 0.1·batch, using the UNBIASED variance (× n/(n−1))
 * for running_var, and num_batches_tracked += 1. The side effect is safe inside tf.tidy and tf.variableGrads.
 */
export function batchNorm2d(x: tf.Tensor4D, bn: BatchNormVariables, training: boolean, epilogue: BatchNormEpilogue = {}): tf.Tensor4D {
  if (!training) {
    const y = tf.batchNorm4d(x, bn.runningMean as tf.Tensor1D, bn.runningVar as tf.Tensor1D, bn.bias as tf.Tensor1D, bn.weight as tf.Tensor1D, BN_EPSILON);
    return applyEpilogue(y, epilogue);
  }
  const [n, h, w] = x.shape;
  if (n * h * w < 2) throw new StudioError('bad-config', 'BatchNorm training needs more than one value per channel');
  return trainingBatchNorm(x, bn, epilogue);
}
