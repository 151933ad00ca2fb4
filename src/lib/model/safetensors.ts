import { StudioError } from '../errors';
import { BYTES_PER_ELEMENT, decodeElements, type StoredDtype } from './dtypes';
import { numel } from './layout';
import type { StateDict, TensorEntry } from './state-dict-types';

/**
 * safetensors (huggingface/safetensors): u64 little-endian header length N, N bytes of UTF-8 JSON
 * {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {..}} (offsets relative to the byte
 * buffer after the header), then the little-endian tensor bytes. Written deterministically: keys
 * sorted, data packed in key order, no metadata, header padded with spaces to a multiple of 8 bytes.
 */
const READ_DTYPES: Record<string, StoredDtype> = { F32: 'f32', F64: 'f64', F16: 'f16', BF16: 'bf16', I64: 'i64', I32: 'i32' };

function bad(message: string): never {
  throw new StudioError('bad-weights', `safetensors: ${message}`);
}

export function readSafetensors(bytes: Uint8Array): StateDict {
  if (bytes.length < 8) bad('file shorter than its 8-byte header length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(bytes.length - 8)) bad(`header length ${headerLength} exceeds the file`);
  const dataStart = 8 + Number(headerLength);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, dataStart)));
  } catch {
    bad('header is not valid JSON');
  }
  const data = bytes.subarray(dataStart);
  const sd: StateDict = new Map();
  for (const [key, info] of Object.entries(header)) {
    if (key === '__metadata__') continue;
    const { dtype, shape, data_offsets } = (info ?? {}) as { dtype?: string; shape?: number[]; data_offsets?: number[] };
    const stored = READ_DTYPES[dtype ?? ''];
    if (!stored) bad(`${key} has unsupported dtype ${dtype}`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) bad(`${key} has a bad shape`);
    if (!Array.isArray(data_offsets) || data_offsets.length !== 2) bad(`${key} has bad data_offsets`);
    const [begin, end] = data_offsets;
    const count = numel(shape);
    if (end - begin !== count * BYTES_PER_ELEMENT[stored] || begin < 0 || end > data.length)
      bad(`${key}: data_offsets [${begin},${end}] do not fit shape [${shape}] of ${dtype}`);
    const values = decodeElements(data, begin, count, stored);
    sd.set(key, { shape: [...shape], dtype: values instanceof BigInt64Array ? 'int64' : 'float32', data: values });
  }
  return sd;
}

export function writeSafetensors(sd: StateDict): Uint8Array {
  const keys = [...sd.keys()].sort();
  const header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }> = {};
  let offset = 0;
  for (const key of keys) {
    const e = sd.get(key) as TensorEntry;
    if (e.data.length !== numel(e.shape)) bad(`${key} holds ${e.data.length} values for shape [${e.shape}]`);
    const size = e.data.length * (e.dtype === 'int64' ? 8 : 4);
    header[key] = { dtype: e.dtype === 'int64' ? 'I64' : 'F32', shape: e.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((new TextEncoder().encode(json).length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const key of keys) {
    const e = sd.get(key) as TensorEntry;
    for (const v of e.data) {
      if (e.dtype === 'int64') {
        view.setBigInt64(pos, v as bigint, true);
        pos += 8;
      } else {
        view.setFloat32(pos, v as number, true);
        pos += 4;
      }
    }
  }
  return out;
}
