import * as tf from '@tensorflow/tfjs';
import { StudioError } from '../errors';
import type { ParamSpec } from './architecture';
import { hwioToOihw, numel, oihwToHwio } from './layout';
import { modelParamSpecs, type ResNet } from './resnet';
import type { StateDict, TensorEntry } from './state-dict-types';

export type { StateDict, TensorEntry } from './state-dict-types';

/** Model -> torchvision state_dict (torch layout, torchvision key order; counts as int64). */
export async function exportStateDict(model: ResNet): Promise<StateDict> {
  const sd: StateDict = new Map();
  for (const spec of modelParamSpecs(model.config)) {
    const values = await model.params.get(spec.key)!.data();
    if (spec.kind === 'bn-count') {
      sd.set(spec.key, { shape: [], dtype: 'int64', data: BigInt64Array.from(values as Int32Array, (v) => BigInt(v)) });
    } else {
      const data = spec.kind === 'conv' ? hwioToOihw(values as Float32Array, spec.torchShape) : Float32Array.from(values as Float32Array);
      sd.set(spec.key, { shape: [...spec.torchShape], dtype: 'float32', data });
    }
  }
  return sd;
}

export interface LoadOptions {
  /** ImageNet (3-channel, 1000-class) weights: conv1 = sum over the RGB kernels; head per `head`. */
  adaptImageNet: boolean;
  /** When the fc shapes differ: keep the freshly initialised head ('fresh', default) or take the
   * checkpoint's first numClasses rows ('first-row'; the oracle's 1-logit head is ImageNet row 0). */
  head?: 'fresh' | 'first-row';
}

function bad(message: string): never {
  throw new StudioError('bad-weights', message);
}

const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
const fmt = (s: number[]) => `[${s.join(',')}]`;

/** conv1 [o,3,h,w] -> [o,1,h,w] by summing over the input channels (a grey image = equal R, G, B). */
function sumInputChannels(entry: TensorEntry): Float32Array {
  const [o, i, h, w] = entry.shape;
  const src = entry.data as Float32Array;
  const out = new Float32Array(o * h * w);
  for (let oo = 0; oo < o; oo++)
    for (let ii = 0; ii < i; ii++)
      for (let p = 0; p < h * w; p++) out[oo * h * w + p] += src[(oo * i + ii) * h * w + p];
  return out;
}

/** Values (torch layout) for one parameter, or null to keep the model's current value. */
function resolveEntry(spec: ParamSpec, entry: TensorEntry | undefined, opts: LoadOptions): Float32Array | BigInt64Array | null {
  const { key, torchShape } = spec;
  if (!entry) {
    // Checkpoints from before BatchNorm tracked batches have no count; PyTorch then starts from 0.
    if (spec.kind === 'bn-count') return null;
    bad(`weights file is missing ${key}`);
  }
  const expectInt = spec.kind === 'bn-count';
  if ((entry.dtype === 'int64') !== expectInt) bad(`${key} has dtype ${entry.dtype}, expected ${expectInt ? 'int64' : 'float32'}`);
  if (entry.data.length !== numel(entry.shape)) bad(`${key} holds ${entry.data.length} values for shape ${fmt(entry.shape)}`);
  if (expectInt && entry.data.length === 1) return entry.data; // torch counts are shape [] (older files: [1])
  if (sameShape(entry.shape, torchShape)) return entry.data;
  const [o, , h, w] = torchShape;
  if (opts.adaptImageNet && key === 'conv1.weight' && sameShape(entry.shape, [o, 3, h, w]) && torchShape[1] === 1)
    return sumInputChannels(entry);
  if (opts.adaptImageNet && spec.kind === 'fc-weight' && entry.shape[1] === torchShape[1]) {
    if ((opts.head ?? 'fresh') === 'fresh') return null;
    if (entry.shape[0] >= torchShape[0]) return entry.data.slice(0, numel(torchShape));
  }
  if (opts.adaptImageNet && spec.kind === 'fc-bias' && entry.shape.length === 1) {
    if ((opts.head ?? 'fresh') === 'fresh') return null;
    if (entry.shape[0] >= torchShape[0]) return entry.data.slice(0, torchShape[0]);
  }
  bad(`${key} has shape ${fmt(entry.shape)} in the weights file but the model needs ${fmt(torchShape)}`);
}

/**
 * Loads a torchvision state_dict. Everything is validated before any variable changes, so a rejected
 * file leaves the model untouched. Unexpected keys are rejected too (like PyTorch's strict loading).
 */
export function loadStateDict(model: ResNet, sd: StateDict, opts: LoadOptions): void {
  const specs = modelParamSpecs(model.config);
  const known = new Set(specs.map((s) => s.key));
  const unexpected = [...sd.keys()].filter((k) => !known.has(k));
  if (unexpected.length) bad(`weights file has unexpected keys: ${unexpected.slice(0, 5).join(', ')}${unexpected.length > 5 ? ', …' : ''}`);
  const resolved = specs.map((spec) => [spec, resolveEntry(spec, sd.get(spec.key), opts)] as const);
  for (const [spec, values] of resolved) {
    if (!values) continue;
    const variable = model.params.get(spec.key)!;
    const internal =
      values instanceof BigInt64Array
        ? Int32Array.from(values, (v) => Number(v))
        : spec.kind === 'conv'
          ? oihwToHwio(values, spec.torchShape)
          : values;
    tf.tidy(() => variable.assign(tf.tensor(internal, variable.shape, variable.dtype)));
  }
}
