import * as tf from '@tensorflow/tfjs';
import { StudioError } from '../errors';

/**
 * torch.nn.functional.binary_cross_entropy_with_logits(x, y, pos_weight=p), mean reduction:
 *   ℓ = (1 − y)·x + (1 + (p − 1)·y)·softplus(−x)
 * softplus(−x) = log(1 + e^(−x)) is evaluated stably by tf.softplus (its gradient is exact at x = 0,
 * unlike the |x| / max(−x, 0) rewriting whose subgradients are 0 there). Targets are reshaped to the
 * logits' shape ([N] targets for [N,1] logits).
 */
export function bceWithLogits(logits: tf.Tensor, targets: tf.Tensor, posWeight: number): tf.Scalar {
  if (targets.size !== logits.size)
    throw new StudioError('bad-config', `BCE: ${targets.size} targets for ${logits.size} logits`);
  return tf.tidy(() => {
    const y = targets.toFloat().reshape(logits.shape);
    const logWeight = y.mul(posWeight - 1).add(1);
    const perItem = tf.sub(1, y).mul(logits).add(logWeight.mul(tf.softplus(tf.neg(logits))));
    return perItem.mean() as tf.Scalar;
  });
}

/**
 * torch.nn.functional.cross_entropy(logits, targets, weight=w), mean reduction:
 *   ℓ = Σ_i w[y_i]·(−log softmax(x_i)[y_i]) / Σ_i w[y_i]   (unweighted: plain mean).
 */
export function crossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D, classWeights?: number[]): tf.Scalar {
  const numClasses = logits.shape[1];
  if (classWeights && classWeights.length !== numClasses)
    throw new StudioError('bad-config', `cross-entropy: ${classWeights.length} class weights for ${numClasses} classes`);
  return tf.tidy(() => {
    const oneHot = tf.oneHot(targets.toInt(), numClasses);
    const nll = tf.neg(tf.sum(oneHot.mul(tf.logSoftmax(logits)), 1));
    if (!classWeights) return nll.mean() as tf.Scalar;
    const itemWeights = tf.sum(oneHot.mul(tf.tensor1d(classWeights)), 1);
    return tf.div(tf.sum(itemWeights.mul(nll)), tf.sum(itemWeights)) as tf.Scalar;
  });
}
