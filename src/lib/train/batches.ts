import * as tf from '@tensorflow/tfjs';
import { mulberry32, shuffleInPlace } from '../random';
import { chunk } from '../chunk';

export interface Example {
  id: string;
  /** class index: 0/1 for binary, 0..N−1 otherwise */
  label: number;
}

/** uint8 images (S×S each) → z-scored NHWC float tensor: x = (v/255 − mean) / std. */
export function toInputTensor(images: Uint8Array[], size: number, mean: number, std: number): tf.Tensor4D {
  const n = images.length;
  const plane = size * size;
  const out = new Float32Array(n * plane);
  const scale = 1 / (255 * std);
  const offset = mean / std;
  for (let i = 0; i < n; i++) {
    const img = images[i];
    for (let p = 0; p < plane; p++) out[i * plane + p] = img[p] * scale - offset;
  }
  return tf.tensor4d(out, [n, size, size, 1]);
}

/**
 * The order of training examples for one epoch, seeded by (seed, epoch). With oversampling the
 * minority class is drawn with replacement until both classes are equally frequent.
 */
export function epochOrder(train: Example[], seed: number, epoch: number, oversample: boolean): Example[] {
  const rng = mulberry32(seed * 1000003 + epoch);
  let order = train.slice();
  if (oversample) {
    const byClass = new Map<number, Example[]>();
    for (const e of train) byClass.set(e.label, [...(byClass.get(e.label) ?? []), e]);
    const largest = Math.max(...[...byClass.values()].map((g) => g.length));
    order = [];
    for (const group of byClass.values()) {
      order.push(...group);
      for (let k = group.length; k < largest; k++) order.push(group[Math.floor(rng() * group.length)]);
    }
  }
  return shuffleInPlace(order, rng);
}

export { chunk } from '../chunk';

/**
 * An epoch's order in batches of `batchSize`, a last batch of one image folded into the one before:
 * BatchNorm in training mode needs more than one value per channel, and a single image at a small
 * input has a 1×1 last feature map (81 images at batch 16 used to fail after a whole epoch).
 */
export function trainingBatches<T>(order: T[], batchSize: number): T[][] {
  const batches = chunk(order, batchSize);
  if (batches.length >= 2 && batches[batches.length - 1].length === 1) batches[batches.length - 2].push(...batches.pop()!);
  return batches;
}

/** negatives / positives over the training split (1 when either is absent). */
export function autoPosWeight(train: Example[]): number {
  const pos = train.filter((e) => e.label === 1).length;
  const neg = train.length - pos;
  return pos > 0 && neg > 0 ? neg / pos : 1;
}
