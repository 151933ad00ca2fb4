import { StudioError } from '../errors';

/** Element encodings found in weight files; all floats are widened/narrowed to float32, ints to int64. */
export type StoredDtype = 'f32' | 'f64' | 'f16' | 'bf16' | 'i64' | 'i32';

export const BYTES_PER_ELEMENT: Record<StoredDtype, number> = { f32: 4, f64: 8, f16: 2, bf16: 2, i64: 8, i32: 4 };

export function isIntegerDtype(d: StoredDtype): boolean {
  return d === 'i64' || d === 'i32';
}

const bf16Scratch = new DataView(new ArrayBuffer(4));

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Decode `count` little-endian elements starting at byte `offset`. */
export function decodeElements(
  bytes: Uint8Array,
  offset: number,
  count: number,
  dtype: StoredDtype,
): Float32Array | BigInt64Array {
  const size = BYTES_PER_ELEMENT[dtype];
  if (offset < 0 || offset + count * size > bytes.length)
    throw new StudioError('bad-weights', `tensor data out of range (${count} × ${dtype} at byte ${offset}, ${bytes.length} available)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * size);
  if (isIntegerDtype(dtype)) {
    const out = new BigInt64Array(count);
    for (let i = 0; i < count; i++) out[i] = dtype === 'i64' ? view.getBigInt64(i * 8, true) : BigInt(view.getInt32(i * 4, true));
    return out;
  }
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    if (dtype === 'f32') out[i] = view.getFloat32(i * 4, true);
    else if (dtype === 'f64') out[i] = view.getFloat64(i * 8, true);
    else if (dtype === 'f16') out[i] = halfToFloat(view.getUint16(i * 2, true));
    else {
      bf16Scratch.setUint32(0, view.getUint16(i * 2, true) << 16, true); // bf16 = top half of a float32
      out[i] = bf16Scratch.getFloat32(0, true);
    }
  }
  return out;
}
