import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam, type AdamConfig } from '../../../src/lib/model/adam';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const cfg: AdamConfig = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 };

async function stepScalar(opt: Adam, p: tf.Variable, g: number): Promise<number> {
  const grad = tf.scalar(g);
  opt.step(new Map([['p', p]]), new Map([['p', grad]]));
  grad.dispose();
  return (await p.data())[0];
}

describe('Adam (PyTorch semantics)', () => {
  it('first step on a scalar moves it by lr·g/(|g| + eps)', async () => {
    const p = tf.variable(tf.scalar(1));
    const opt = new Adam(cfg);
    // m = 0.05, v = 0.00025; m̂ = 0.5, v̂ = 0.25 -> p = 1 − 0.1·0.5/(0.5 + 1e-8)
    expect(await stepScalar(opt, p, 0.5)).toBeCloseTo(1 - 0.1 * (0.5 / (0.5 + 1e-8)), 7);
    // second step g = −0.25: m = 0.02, v = 0.00031225; m̂ = 0.02/0.19, v̂ = 0.00031225/0.001999
    const second = 1 - 0.1 * (0.5 / (0.5 + 1e-8)) - (0.1 * (0.02 / 0.19)) / (Math.sqrt(0.00031225 / (1 - 0.999 ** 2)) + 1e-8);
    expect(await stepScalar(opt, p, -0.25)).toBeCloseTo(second, 6);
    expect(opt.steps).toBe(2);
    opt.dispose();
    p.dispose();
  });

  it('adds L2 weight decay to the gradient before the moments', async () => {
    const p = tf.variable(tf.scalar(2));
    const opt = new Adam({ ...cfg, weightDecay: 0.5 });
    // g' = g + 0.5·2 = −0.5 + 1 = 0.5 > 0: the step goes down although g < 0
    expect(await stepScalar(opt, p, -0.5)).toBeCloseTo(2 - 0.1, 6);
    opt.dispose();
    p.dispose();
  });

  it('exported state resumes exactly', async () => {
    const grads = [0.3, -0.7, 0.2, 0.9];
    const a = tf.variable(tf.tensor1d([1, -2]));
    const straight = new Adam(cfg);
    for (const g of grads) straight.step(new Map([['a', a]]), new Map([['a', tf.tensor1d([g, -g])]]));

    const b = tf.variable(tf.tensor1d([1, -2]));
    const first = new Adam(cfg);
    for (const g of grads.slice(0, 2)) first.step(new Map([['a', b]]), new Map([['a', tf.tensor1d([g, -g])]]));
    const state = await first.exportState();
    expect(state.step).toBe(2);
    const resumed = new Adam(cfg);
    resumed.importState(state);
    for (const g of grads.slice(2)) resumed.step(new Map([['a', b]]), new Map([['a', tf.tensor1d([g, -g])]]));
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    [straight, first, resumed].forEach((o) => o.dispose());
  });
});
