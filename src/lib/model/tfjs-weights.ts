/**
 * The tfjs weights format for a state dict: `model.json` with a weightsManifest (tf.io's layout,
 * readable with tf.io.decodeWeights) plus one `weights.bin`. Names and shapes are torchvision's;
 * int64 counters are written as int32 (tfjs has no int64).
 */
import type { StateDict } from './state-dict-types';

export interface TfjsWeights {
  modelJson: string;
  weightsBin: Uint8Array;
}

export function toTfjsWeights(sd: StateDict, meta: Record<string, unknown>): TfjsWeights {
  const keys = [...sd.keys()].sort();
  const specs = keys.map((name) => {
    const e = sd.get(name)!;
    return { name, shape: e.shape, dtype: e.dtype === 'int64' ? 'int32' : 'float32' };
  });
  const total = keys.reduce((n, k) => n + sd.get(k)!.data.length * 4, 0);
  const bin = new Uint8Array(total);
  const view = new DataView(bin.buffer);
  let offset = 0;
  for (const k of keys) {
    const e = sd.get(k)!;
    for (let i = 0; i < e.data.length; i++, offset += 4) {
      if (e.data instanceof BigInt64Array) view.setInt32(offset, Number(e.data[i]), true);
      else view.setFloat32(offset, e.data[i], true);
    }
  }
  const modelJson = JSON.stringify(
    { format: 'cxr-studio-resnet18', generatedBy: 'cxr-studio', ...meta, weightsManifest: [{ paths: ['weights.bin'], weights: specs }] },
    null,
    2,
  );
  return { modelJson, weightsBin: bin };
}
