import * as tf from '@tensorflow/tfjs';
import { StudioError } from '../errors';
import type { StateDict, TensorEntry } from './state-dict-types';
import { ownedVariable } from './variables';

export interface AdamConfig {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

/** Moments in the parameters' internal (tfjs) layout, keyed like the parameters. */
export interface AdamState {
  step: number;
  m: StateDict;
  v: StateDict;
}

/**
 * torch.optim.Adam (amsgrad off), per parameter at step t:
 *   g ← g + weight_decay·p            (L2, not decoupled)
 *   m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²
 *   p ← p − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + eps)
 */
export class Adam {
  readonly cfg: AdamConfig;
  private stepCount = 0;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();

  constructor(cfg: AdamConfig) {
    this.cfg = { ...cfg };
  }

  /** Sets the rate of the next steps (a learning-rate schedule); the moments are untouched. */
  setLearningRate(lr: number): void {
    if (!(lr >= 0) || !Number.isFinite(lr)) throw new StudioError('bad-config', `learning rate must be a finite number ≥ 0, got ${lr}`);
    this.cfg.lr = lr;
  }

  /** Steps taken so far (PyTorch's `state['step']`). */
  get steps(): number {
    return this.stepCount;
  }

  /** `afterEach` runs after each parameter's update (the platform may free pooled GPU buffers there). */
  step(params: Map<string, tf.Variable>, grads: Map<string, tf.Tensor>, afterEach?: () => void): void {
    this.stepCount++;
    const { lr, beta1, beta2, eps, weightDecay } = this.cfg;
    const stepSize = lr / (1 - beta1 ** this.stepCount);
    const sqrtBias2 = Math.sqrt(1 - beta2 ** this.stepCount);
    for (const [key, grad] of grads) {
      const p = params.get(key);
      if (!p) throw new StudioError('internal', `Adam: gradient for unknown parameter ${key}`);
      const m = this.moment(this.m, key, p);
      const v = this.moment(this.v, key, p);
      tf.tidy(() => {
        const g = weightDecay !== 0 ? grad.add(p.mul(weightDecay)) : grad;
        m.assign(m.mul(beta1).add(g.mul(1 - beta1)));
        v.assign(v.mul(beta2).add(g.square().mul(1 - beta2)));
        const denom = v.sqrt().div(sqrtBias2).add(eps);
        p.assign(p.sub(m.div(denom).mul(stepSize)));
      });
      afterEach?.();
    }
  }

  private moment(store: Map<string, tf.Variable>, key: string, like: tf.Variable): tf.Variable {
    let s = store.get(key);
    if (!s) {
      s = ownedVariable(tf.zerosLike(like), false);
      store.set(key, s);
    }
    return s;
  }

  async exportState(): Promise<AdamState> {
    const dump = async (store: Map<string, tf.Variable>): Promise<StateDict> => {
      const sd: StateDict = new Map();
      for (const [key, t] of store) sd.set(key, { shape: [...t.shape], dtype: 'float32', data: Float32Array.from(await t.data()) });
      return sd;
    };
    return { step: this.stepCount, m: await dump(this.m), v: await dump(this.v) };
  }

  importState(s: AdamState): void {
    const fill = (store: Map<string, tf.Variable>, sd: StateDict) => {
      store.forEach((t) => t.dispose());
      store.clear();
      sd.forEach((e: TensorEntry, key) => {
        if (e.dtype !== 'float32') throw new StudioError('bad-weights', `Adam state ${key} must be float32`);
        store.set(key, ownedVariable(tf.tensor(e.data as Float32Array, e.shape, 'float32'), false));
      });
    };
    if (!Number.isInteger(s.step) || s.step < 0) throw new StudioError('bad-weights', `Adam state has a bad step ${s.step}`);
    fill(this.m, s.m);
    fill(this.v, s.v);
    this.stepCount = s.step;
  }

  dispose(): void {
    this.m.forEach((t) => t.dispose());
    this.v.forEach((t) => t.dispose());
    this.m.clear();
    this.v.clear();
  }
}
