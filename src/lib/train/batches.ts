import { mulberry32, shuffleInPlace } from '../random';
import { chunk } from '../chunk';

export interface Example {
  id: string;
  /** class index: 0/1 for binary, 0..N−1 otherwise */
  label: number;
}

/**
 * The order of training examples for one epoch, seeded by (seed, epoch). With oversampling the
 * minority class is drawn with replacement until both classes are equally frequent (every class
 * as frequent as the largest one; each original example stays in). O(n) before the shuffle.
 */
export function epochOrder(train: Example[], seed: number, epoch: number, oversample: boolean): Example[] {
  const rng = mulberry32(seed * 1000003 + epoch);
  let order = train.slice();
  if (oversample) {
    const byClass = new Map<number, Example[]>();
    for (const e of train) {
      const group = byClass.get(e.label);
      if (group) group.push(e);
      else byClass.set(e.label, [e]);
    }
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

/** What the person reads when trainingBatches folds a last image (null when it does not). */
export function foldNote(trainImages: number, batchSize: number): string | null {
  if (trainImages <= batchSize || trainImages % batchSize !== 1) return null;
  const full = Math.floor(trainImages / batchSize);
  return `${trainImages} training images at batch ${batchSize} leave a last batch of one image, which BatchNorm cannot train on: it joins the batch before (${full} steps per epoch, the last of ${batchSize + 1} images).`;
}

/** negatives / positives over the training split (1 when either is absent). */
export function autoPosWeight(train: Example[]): number {
  const pos = train.filter((e) => e.label === 1).length;
  const neg = train.length - pos;
  return pos > 0 && neg > 0 ? neg / pos : 1;
}
