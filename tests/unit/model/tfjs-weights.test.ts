import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { toTfjsWeights } from '../../../src/lib/model/tfjs-weights';
import type { StateDict } from '../../../src/lib/model/state-dict-types';

describe('tfjs weights export', () => {
  it('writes a manifest that tf.io.decodeWeights reads back to the same values', async () => {
    const sd: StateDict = new Map([
      ['fc.bias', { shape: [1], dtype: 'float32', data: Float32Array.from([0.25]) }],
      ['bn1.num_batches_tracked', { shape: [], dtype: 'int64', data: BigInt64Array.from([7n]) }],
      ['conv1.weight', { shape: [2, 1, 1, 2], dtype: 'float32', data: Float32Array.from([1, -2, 3.5, 4]) }],
    ]);
    const { modelJson, weightsBin } = toTfjsWeights(sd, { numClasses: 1 });
    const manifest = JSON.parse(modelJson);
    expect(manifest.numClasses).toBe(1);
    const specs = manifest.weightsManifest[0].weights;
    expect(specs.map((s: { name: string }) => s.name)).toEqual(['bn1.num_batches_tracked', 'conv1.weight', 'fc.bias']);
    const decoded = tf.io.decodeWeights(weightsBin.buffer.slice(0) as ArrayBuffer, specs);
    expect(Array.from(await decoded['conv1.weight'].data())).toEqual([1, -2, 3.5, 4]);
    expect(decoded['conv1.weight'].shape).toEqual([2, 1, 1, 2]);
    expect(Array.from(await decoded['bn1.num_batches_tracked'].data())).toEqual([7]);
    expect(Array.from(await decoded['fc.bias'].data())).toEqual([0.25]);
  });
});
