import * as tf from '@tensorflow/tfjs';

/**
 * tf.variable(t) shares t's data and counts as a second tensor; t itself stays alive (and keeps the data
 * after the variable is disposed) unless it is disposed too. This takes ownership of `initial`.
 */
export function ownedVariable(initial: tf.Tensor, trainable: boolean): tf.Variable {
  const v = tf.variable(initial, trainable);
  initial.dispose();
  return v;
}
