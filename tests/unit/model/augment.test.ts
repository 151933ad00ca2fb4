import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { augmentBatch, inverseAffine, warpBatch, type AugmentConfig, type AugmentParams } from '../../../src/lib/model/augment';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const identity: AugmentConfig = { rotationDeg: 0, translateFrac: 0, scaleMin: 1, scaleMax: 1, cropAreaMin: 1, cropAreaMax: 1, enabled: true };
const strong: AugmentConfig = { rotationDeg: 15, translateFrac: 0.1, scaleMin: 0.9, scaleMax: 1.1, cropAreaMin: 0.7, cropAreaMax: 1, enabled: true };
const still: AugmentParams = { angleDeg: 0, scale: 1, translatePx: [0, 0], cropArea: 1, cropOffsetPx: [0, 0] };

const randomBatch = (n: number, size = 16) => tf.randomNormal([n, size, size, 1], 0, 1, 'float32', 11) as tf.Tensor4D;
const arr = async (t: tf.Tensor) => Array.from((await t.data()) as Float32Array);

/** 9×9 single-pixel image: value 1 at (row, col). */
function dot(row: number, col: number): tf.Tensor4D {
  const v = new Float32Array(81);
  v[row * 9 + col] = 1;
  return tf.tensor4d(v, [1, 9, 9, 1]);
}

describe('augmentBatch', () => {
  it('identity config and disabled config return the input exactly', async () => {
    const x = randomBatch(3);
    expect(await arr(augmentBatch(x, identity, 1))).toEqual(await arr(x));
    expect(await arr(augmentBatch(x, { ...strong, enabled: false }, 1))).toEqual(await arr(x));
    expect(inverseAffine(still, 224).map((v) => v + 0)).toEqual([1, 0, 0, 0, 1, 0]); // +0 folds −0
  });

  it('rotation by +90° (counter-clockwise on screen) moves the pixel above the centre to its left', async () => {
    const out = await arr(warpBatch(dot(1, 4), [inverseAffine({ ...still, angleDeg: 90 }, 9)]));
    expect(out[4 * 9 + 1]).toBeCloseTo(1, 5);
    expect(out.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
  });

  it('translation by 2 px right, and zoom 2× about the centre, move a pixel where geometry says', async () => {
    const shifted = await arr(warpBatch(dot(4, 2), [inverseAffine({ ...still, translatePx: [2, 0] }, 9)]));
    expect(shifted[4 * 9 + 4]).toBeCloseTo(1, 6);
    const zoomed = await arr(warpBatch(dot(4, 6), [inverseAffine({ ...still, scale: 2 }, 9)]));
    // column 6 is 2 px right of the centre (4): zoom 2× puts it 4 px right, and bilinear spreads it ±1 px
    expect(zoomed[4 * 9 + 8]).toBeCloseTo(1, 6);
    expect(zoomed[4 * 9 + 7]).toBeCloseTo(0.5, 6);
  });

  it('every image of the batch gets its own parameters (not only image 0)', async () => {
    const one = randomBatch(1);
    const batch = tf.concat([one, one, one, one]) as tf.Tensor4D;
    const out = augmentBatch(batch, strong, 7);
    const images = await Promise.all([0, 1, 2, 3].map((i) => arr(out.slice([i, 0, 0, 0], [1, -1, -1, -1]))));
    const original = await arr(one);
    for (let i = 0; i < 4; i++) {
      expect(images[i]).not.toEqual(original);
      for (let j = i + 1; j < 4; j++) expect(images[i]).not.toEqual(images[j]);
    }
  });

  it('is deterministic for a seed and changes with the seed', async () => {
    const x = randomBatch(2);
    expect(await arr(augmentBatch(x, strong, 3))).toEqual(await arr(augmentBatch(x, strong, 3)));
    expect(await arr(augmentBatch(x, strong, 3))).not.toEqual(await arr(augmentBatch(x, strong, 4)));
  });

  it('fills outside the source with 0 and frees its intermediates', async () => {
    const x = tf.ones([1, 8, 8, 1]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const out = warpBatch(x, [inverseAffine({ ...still, translatePx: [3, 0] }, 8)]);
    expect(tf.memory().numTensors).toBe(before + 1);
    const v = await arr(out);
    expect(v.slice(0, 3)).toEqual([0, 0, 0]);
    expect(v.slice(3, 8)).toEqual([1, 1, 1, 1, 1]);
  });
});
