import { unzipSync } from 'fflate';
import { StudioError } from '../errors';
import { BYTES_PER_ELEMENT, decodeElements, type StoredDtype } from './dtypes';
import { numel } from './layout';
import { isPickleGlobal, unpickle, type PickleGlobal, type PickleValue } from './pickle';
import type { StateDict, TensorEntry } from './state-dict-types';

/**
 * Reads a PyTorch (>= 1.6) zip checkpoint holding a state_dict: `<name>/data.pkl` (pickle) plus one
 * raw little-endian storage per tensor under `<name>/data/<key>`. No code is executed: only the
 * globals a state_dict needs are understood. Also accepts {state_dict: ...} / {model: ...} wrappers.
 */
const STORAGE_DTYPES: Record<string, StoredDtype> = {
  'torch.FloatStorage': 'f32',
  'torch.DoubleStorage': 'f64',
  'torch.HalfStorage': 'f16',
  'torch.BFloat16Storage': 'bf16',
  'torch.LongStorage': 'i64',
  'torch.IntStorage': 'i32',
};

interface StorageRef {
  dtype: StoredDtype;
  bytes: Uint8Array;
}

function bad(message: string): never {
  throw new StudioError('bad-weights', message);
}

function asInts(v: PickleValue, what: string): number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) bad(`${what} is not a tuple of ints`);
  return v as number[];
}

/** torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...): strided view -> contiguous copy. */
function rebuildTensor(args: PickleValue[]): TensorEntry {
  const [storage, offsetV, sizeV, strideV] = args;
  const ref = storage as StorageRef;
  if (!ref || !ref.bytes) bad('tensor without storage');
  const shape = asInts(sizeV, 'tensor size');
  const stride = asInts(strideV, 'tensor stride');
  const offset = offsetV as number;
  const all = decodeElements(ref.bytes, 0, Math.floor(ref.bytes.length / BYTES_PER_ELEMENT[ref.dtype]), ref.dtype);
  const count = numel(shape);
  const isInt = all instanceof BigInt64Array;
  const data = isInt ? new BigInt64Array(count) : new Float32Array(count);
  const index = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < count; i++) {
    let src = offset;
    for (let d = 0; d < shape.length; d++) src += index[d] * stride[d];
    if (src >= all.length) bad('tensor view exceeds its storage');
    data[i] = all[src] as never;
    for (let d = shape.length - 1; d >= 0 && ++index[d] === shape[d]; d--) index[d] = 0;
  }
  return { shape, dtype: isInt ? 'int64' : 'float32', data };
}

export function readPth(bytes: Uint8Array): StateDict {
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b)
    bad('not a PyTorch zip checkpoint (legacy pre-1.6 .pth files are not supported; re-save with torch.save)');
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (e) {
    bad(`corrupt zip archive: ${(e as Error).message}`);
  }
  const pklName = Object.keys(files).find((n) => n.endsWith('data.pkl'));
  if (!pklName) bad('zip has no data.pkl: not a torch.save checkpoint');
  const prefix = pklName.slice(0, -'data.pkl'.length);

  const root = unpickle(files[pklName], {
    persistentLoad(pid) {
      if (!Array.isArray(pid) || pid[0] !== 'storage') bad('unknown persistent id');
      const [, type, key] = pid as [string, PickleGlobal, string];
      const dtype = STORAGE_DTYPES[type.global];
      if (!dtype) bad(`unsupported storage type ${type.global}`);
      const storageBytes = files[`${prefix}data/${key}`];
      if (!storageBytes) bad(`storage ${key} missing from the archive`);
      return { dtype, bytes: storageBytes } satisfies StorageRef;
    },
    reduce(callable, args) {
      switch (callable.global) {
        case 'collections.OrderedDict':
          return new Map();
        case 'torch._utils._rebuild_tensor_v2':
          return rebuildTensor(args);
        case 'torch._utils._rebuild_parameter':
          return args[0];
        default:
          return bad(`unsupported object ${callable.global} in checkpoint`);
      }
    },
    // BUILD on the state_dict carries `_metadata` (module versions): not needed.
  });
  return toStateDict(root);
}

function isTensorEntry(v: unknown): v is TensorEntry {
  return typeof v === 'object' && v !== null && 'shape' in v && 'data' in v && !isPickleGlobal(v);
}

function toStateDict(root: PickleValue): StateDict {
  if (!(root instanceof Map)) bad('checkpoint is not a dict');
  for (const wrapper of ['state_dict', 'model']) {
    const inner = root.get(wrapper);
    if (inner instanceof Map) return toStateDict(inner);
  }
  const sd: StateDict = new Map();
  for (const [key, value] of root) {
    if (typeof key !== 'string' || !isTensorEntry(value)) bad(`entry ${String(key)} is not a tensor`);
    sd.set(key.startsWith('module.') ? key.slice('module.'.length) : key, value);
  }
  return sd;
}
