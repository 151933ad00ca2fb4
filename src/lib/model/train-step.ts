import * as tf from '@tensorflow/tfjs';
import { StudioError } from '../errors';
import type { Adam } from './adam';
import { bceWithLogits, crossEntropy } from './loss';
import { forward, type ResNet } from './resnet';

export type LossSpec = { kind: 'bce'; posWeight: number } | { kind: 'ce'; classWeights?: number[] };

export interface TrainStepOptions {
  /** Parameters whose gradient L2 norms to report (costs one small read-back); default none. */
  gradNormKeys?: string[];
}

export function computeLoss(logits: tf.Tensor2D, y: tf.Tensor, loss: LossSpec): tf.Scalar {
  return loss.kind === 'bce' ? bceWithLogits(logits, y, loss.posWeight) : crossEntropy(logits, y as tf.Tensor1D, loss.classWeights);
}

/**
 * One optimisation step in BN training mode: forward, loss, gradients of every trainable parameter,
 * Adam update (BN running stats update inside the forward). y: float [N] targets for BCE, int [N] for CE.
 * Frees every tensor it creates.
 */
export async function trainStep(
  model: ResNet,
  opt: Adam,
  x: tf.Tensor4D,
  y: tf.Tensor,
  loss: LossSpec,
  options: TrainStepOptions = {},
): Promise<{ loss: number; gradNorms: Map<string, number> }> {
  const normKeys = options.gradNormKeys ?? [];
  const unknown = normKeys.filter((k) => !model.trainable.includes(k));
  if (unknown.length) throw new StudioError('bad-config', `no trainable parameter ${unknown.join(', ')} to report a gradient norm for`);
  const variables = model.trainable.map((k) => model.params.get(k)!);
  const { value, grads } = tf.variableGrads(() => {
    const { logits, features } = forward(model, x, { training: true });
    features.dispose();
    return computeLoss(logits, y, loss);
  }, variables);
  const byKey = new Map<string, tf.Tensor>(model.trainable.map((k, i) => [k, grads[variables[i].name]]));
  const norms = normKeys.length ? tf.tidy(() => tf.stack(normKeys.map((k) => tf.norm(byKey.get(k)!)))) : null;
  opt.step(model.params, byKey);
  Object.values(grads).forEach((g) => g.dispose());
  const lossValue = (await value.data())[0];
  value.dispose();
  const normValues = norms ? await norms.data() : new Float32Array();
  norms?.dispose();
  return { loss: lossValue, gradNorms: new Map(normKeys.map((k, i) => [k, normValues[i]])) };
}
