/** One tensor of a state dict, torch layout, row-major. */
export interface TensorEntry {
  shape: number[];
  dtype: 'float32' | 'int64';
  data: Float32Array | BigInt64Array;
}

/** Torchvision key -> tensor, torchvision layout (conv OIHW, fc.weight [out,in]). */
export type StateDict = Map<string, TensorEntry>;
