import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { variableGradsLowMemory } from '../../../src/lib/model/low-memory-gradients';
import { createResNet18 } from '../../../src/lib/model/resnet';
import { trainingLoss } from '../../../src/lib/model/train-step';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Runs f while recording the largest number of live tensor bytes the engine tracked (every allocation passes trackTensor). */
function peakLiveBytes<T>(f: () => T): { result: T; peakBytes: number; startBytes: number } {
  const engine = tf.engine() as unknown as { trackTensor: (...a: unknown[]) => void; state: { numBytes: number } };
  const original = engine.trackTensor;
  const startBytes = engine.state.numBytes;
  let peak = startBytes;
  engine.trackTensor = function (this: unknown, ...args: unknown[]) {
    original.apply(this, args);
    peak = Math.max(peak, engine.state.numBytes);
  };
  try {
    return { result: f(), peakBytes: peak, startBytes };
  } finally {
    engine.trackTensor = original;
  }
}

describe('variableGradsLowMemory', () => {
  it('matches tf.variableGrads exactly on a simple function, with a null for an unused variable', async () => {
    const a = tf.variable(tf.tensor1d([1, -2, 3]), true, 'lm-a');
    const b = tf.variable(tf.tensor1d([0.5, 0.25, 2]), true, 'lm-b');
    const unused = tf.variable(tf.scalar(4), true, 'lm-unused');
    const f = () => tf.sum(tf.relu(tf.mul(tf.add(tf.square(a), b), b))) as tf.Scalar;
    const ref = tf.variableGrads(f, [a, b]);
    const ours = variableGradsLowMemory(f, [a, b, unused]);
    // d/da = 2a·b·[ (a²+b)·b > 0 ] = [1, -1, 12]; d/db = a² + 2b = [2, 4.5, 13]
    expect(Array.from(await ours.grads[0]!.data())).toEqual([1, -1, 12]);
    expect(Array.from(await ours.grads[1]!.data())).toEqual(Array.from(await ref.grads['lm-b'].data()));
    expect(ours.grads[2]).toBeNull();
    expect((await ours.value.data())[0]).toBe((await ref.value.data())[0]);
    tf.dispose([a, b, unused, ref.value, ...Object.values(ref.grads), ours.value, ...ours.grads.filter((g): g is tf.Tensor => g !== null)]);
  });

  it('gives ResNet-18 (BN training mode) the same gradients as tf.variableGrads with a lower peak and no leaked tensors', async () => {
    const model = createResNet18({ widthMultiplier: 0.25, numClasses: 1, inputSize: 64 }, 3);
    const x = tf.randomNormal([4, 64, 64, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
    const y = tf.tensor1d([0, 1, 1, 0]);
    const variables = model.trainable.map((k) => model.params.get(k)!);
    const loss = () => trainingLoss(model, x, y, { kind: 'bce', posWeight: 2 });

    const stock = peakLiveBytes(() => tf.variableGrads(loss, variables));
    const tensorsBefore = tf.memory().numTensors;
    let stageCalls = 0;
    const ours = peakLiveBytes(() => variableGradsLowMemory(loss, variables, { onLargerActivations: () => stageCalls++ }));
    // the same ops in the same order: bit-identical gradients
    for (const [i, v] of variables.entries()) {
      expect(Array.from(await ours.result.grads[i]!.data()), model.trainable[i]).toEqual(Array.from(await stock.result.grads[v.name].data()));
    }
    expect((await ours.result.value.data())[0]).toBe((await stock.result.value.data())[0]);
    const stockGrowth = stock.peakBytes - stock.startBytes;
    const ourGrowth = ours.peakBytes - ours.startBytes;
    console.log(`peak live bytes of the gradient pass (64 px, width 0.25, batch 4): tf.variableGrads ${(stockGrowth / 1e6).toFixed(2)} MB, low-memory ${(ourGrowth / 1e6).toFixed(2)} MB`);
    expect(ourGrowth).toBeLessThan(0.75 * stockGrowth);
    // activations grow from the head to the stem: at least the 4 stage boundaries (layer4 → … → stem)
    expect(stageCalls).toBeGreaterThanOrEqual(4);
    // what it returned: the loss and one gradient per variable; nothing else outlives the call
    expect(tf.memory().numTensors - tensorsBefore).toBe(1 + variables.length);
    tf.dispose([stock.result.value, ...Object.values(stock.result.grads), ours.result.value, ...ours.result.grads.filter((g): g is tf.Tensor => g !== null), x, y]);
    model.dispose();
  });
});
