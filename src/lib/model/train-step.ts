import * as tf from '@tensorflow/tfjs';
import { StudioError } from '../errors';
import type { Adam } from './adam';
import { bceWithLogits, crossEntropy } from './loss';
import { forward, type ResNet } from './resnet';
import { microBatchSizes } from './micro-batch';
import { variableGradsLowMemory } from './low-memory-gradients';

export type LossSpec = { kind: 'bce'; posWeight: number } | { kind: 'ce'; classWeights?: number[] };

export interface TrainStepOptions {
  /** Parameters whose gradient L2 norms to report (costs one small read-back); default none. */
  gradNormKeys?: string[];
  /**
   * At most this many images per forward/backward pass; a larger batch is split into near-equal
   * micro-batches whose gradients are accumulated before the one optimizer step. Default: the whole batch.
   */
  microBatchSize?: number;
  /**
   * Called at each stage boundary of the backward pass, after it, and after each parameter's optimizer update: the platform frees idle
   * pooled GPU buffers there (tfjs-webgpu pools buffers by exact size, so activation buffers and the Adam
   * temporaries of every parameter shape would otherwise all stay allocated at once).
   */
  releaseMemory?: () => void;
}

export interface TrainStepResult {
  loss: number;
  gradNorms: Map<string, number>;
  /** forward/backward passes this step took (1 = the whole batch at once) */
  microBatches: number;
}

export function computeLoss(logits: tf.Tensor2D, y: tf.Tensor, loss: LossSpec): tf.Scalar {
  return loss.kind === 'bce' ? bceWithLogits(logits, y, loss.posWeight) : crossEntropy(logits, y as tf.Tensor1D, loss.classWeights);
}

/** Mean loss of a BN-training-mode forward pass (updates the BN running statistics). */
export function trainingLoss(model: ResNet, x: tf.Tensor4D, y: tf.Tensor, loss: LossSpec): tf.Scalar {
  const { logits, features } = forward(model, x, { training: true });
  features.dispose();
  return computeLoss(logits, y, loss);
}

/** Rows [start, start + count) of x (NHWC) or y ([N] or [N,1]). */
function rows<T extends tf.Tensor>(t: T, start: number, count: number): T {
  return tf.slice(t, [start, ...t.shape.slice(1).map(() => 0)], [count, ...t.shape.slice(1).map(() => -1)]) as T;
}

/**
 * f's value and the gradient of every variable (zeros where f does not depend on one), through the
 * backward pass that frees activations and their gradients as it goes (see low-memory-gradients.ts).
 */
export function gradientsOf(f: () => tf.Scalar, variables: tf.Variable[], releaseMemory?: () => void): { value: tf.Scalar; grads: tf.Tensor[] } {
  const { value, grads } = variableGradsLowMemory(f, variables, { onLargerActivations: releaseMemory });
  return { value, grads: grads.map((g, i) => g ?? tf.zerosLike(variables[i])) };
}

/**
 * Loss and gradients of every trainable parameter over the batch, in micro-batches of the given sizes.
 * Micro-batch k contributes (n_k / N) × its mean loss, so the sum is the batch mean loss exactly for BCE
 * (with or without pos_weight) and unweighted CE; for class-weighted CE it weights micro-batches by image
 * count, not by their summed class weights (an approximation). BatchNorm normalises each micro-batch with
 * its own statistics and updates the running statistics once per micro-batch, as PyTorch does when
 * gradients are accumulated over several forward passes.
 */
function accumulatedGradients(
  model: ResNet,
  variables: tf.Variable[],
  x: tf.Tensor4D,
  y: tf.Tensor,
  loss: LossSpec,
  sizes: number[],
  releaseMemory?: () => void,
): { value: tf.Scalar; grads: tf.Tensor[] } {
  const lossOf = (xs: tf.Tensor4D, ys: tf.Tensor) => trainingLoss(model, xs, ys, loss);
  if (sizes.length === 1) return gradientsOf(() => lossOf(x, y), variables, releaseMemory);
  const n = x.shape[0];
  let value: tf.Scalar = tf.scalar(0);
  let sums: tf.Tensor[] | null = null;
  let start = 0;
  for (const size of sizes) {
    const xs = rows(x, start, size);
    const ys = rows(y, start, size);
    const part = gradientsOf(() => tf.mul(lossOf(xs, ys), size / n) as tf.Scalar, variables, releaseMemory);
    tf.dispose([xs, ys]);
    const grads = part.grads;
    if (sums === null) sums = grads;
    else {
      const previous: tf.Tensor[] = sums;
      sums = previous.map((s, i) => tf.add(s, grads[i]));
      tf.dispose([...previous, ...grads]);
    }
    const total = tf.add(value, part.value) as tf.Scalar;
    tf.dispose([value, part.value]);
    value = total;
    start += size;
  }
  return { value, grads: sums! };
}

/**
 * One optimisation step in BN training mode: forward, loss, gradients of every trainable parameter
 * (accumulated over micro-batches when options.microBatchSize < N), Adam update (BN running stats update
 * inside the forward). y: float [N] or [N,1] targets for BCE, int [N] for CE. Frees every tensor it creates.
 */
export async function trainStep(
  model: ResNet,
  opt: Adam,
  x: tf.Tensor4D,
  y: tf.Tensor,
  loss: LossSpec,
  options: TrainStepOptions = {},
): Promise<TrainStepResult> {
  const normKeys = options.gradNormKeys ?? [];
  const unknown = normKeys.filter((k) => !model.trainable.includes(k));
  if (unknown.length) throw new StudioError('bad-config', `no trainable parameter ${unknown.join(', ')} to report a gradient norm for`);
  const n = x.shape[0];
  if (y.shape[0] !== n) throw new StudioError('bad-config', `trainStep: ${y.shape[0]} targets for ${n} images`);
  const sizes = microBatchSizes(n, options.microBatchSize ?? n);
  const variables = model.trainable.map((k) => model.params.get(k)!);
  const { value, grads } = accumulatedGradients(model, variables, x, y, loss, sizes, options.releaseMemory);
  options.releaseMemory?.();
  const byKey = new Map<string, tf.Tensor>(model.trainable.map((k, i) => [k, grads[i]]));
  const norms = normKeys.length ? tf.tidy(() => tf.stack(normKeys.map((k) => tf.norm(byKey.get(k)!)))) : null;
  opt.step(model.params, byKey, options.releaseMemory);
  tf.dispose(grads);
  const lossValue = (await value.data())[0];
  value.dispose();
  const normValues = norms ? await norms.data() : new Float32Array();
  norms?.dispose();
  return { loss: lossValue, gradNorms: new Map(normKeys.map((k, i) => [k, normValues[i]])), microBatches: sizes.length };
}
