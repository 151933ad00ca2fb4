/**
 * Area-averaged resampling: each destination pixel is the mean of the source area it covers, with fractional
 * weights for partly covered source pixels (like OpenCV INTER_AREA / tf.image.resize 'area' when shrinking).
 * Separable.
 */
import { mapAffine, type Affine } from '../dicom/pixel-values';

/** Per destination index d: source indices starts[d] … starts[d] + counts[d] − 1 with weights[d·stride + k] (summing to 1). */
interface Contributions {
  starts: Int32Array;
  counts: Int32Array;
  weights: Float64Array;
  stride: number;
}

/** For each destination index, the source indices it covers and how much (1-D box of width srcSize/dstSize). */
function contributions(srcSize: number, dstSize: number): Contributions {
  const scale = srcSize / dstSize;
  const stride = Math.ceil(scale) + 2;
  const starts = new Int32Array(dstSize);
  const counts = new Int32Array(dstSize);
  const weights = new Float64Array(dstSize * stride);
  for (let d = 0; d < dstSize; d++) {
    const from = d * scale;
    const to = Math.min(srcSize, (d + 1) * scale);
    const start = Math.floor(from);
    const end = Math.min(srcSize, Math.ceil(to - 1e-9));
    const count = Math.max(1, end - start);
    starts[d] = start;
    counts[d] = count;
    for (let s = start; s < start + count; s++) {
      const overlap = Math.min(to, s + 1) - Math.max(from, s);
      weights[d * stride + s - start] = Math.max(0, overlap) / (to - from);
    }
  }
  return { starts, counts, weights, stride };
}

/** Values an area resize reads: display values, or integer samples with an affine map applied after averaging. */
export type ResizeSource = Float32Array | Uint8Array | Uint8ClampedArray | Uint16Array;

/** acc[x] (=|+=) w · src[offset + x] for one source row: the hot loop, kept free of anything else. */
function addRow(acc: Float64Array, src: ResizeSource, offset: number, w: number, width: number, first: boolean): void {
  if (first) for (let x = 0; x < width; x++) acc[x] = w * src[offset + x];
  else for (let x = 0; x < width; x++) acc[x] += w * src[offset + x];
}

/**
 * Separable, columns first: each destination row sums its source rows into one full-width row (contiguous reads of
 * the source, once), which is then narrowed to the destination width. Sums are float64; the affine map is applied last.
 */
export function resizeArea(
  src: ResizeSource,
  srcWidth: number,
  srcHeight: number,
  dstWidth: number,
  dstHeight: number,
  affine: Affine = { scale: 1, offset: 0 },
): Float32Array {
  if (src.length !== srcWidth * srcHeight) throw new RangeError(`resizeArea: ${src.length} values for ${srcWidth}×${srcHeight}`);
  if (dstWidth < 1 || dstHeight < 1) throw new RangeError(`resizeArea: target ${dstWidth}×${dstHeight}`);
  const { scale, offset } = affine;
  if (srcWidth === dstWidth && srcHeight === dstHeight) {
    return src instanceof Float32Array && scale === 1 && offset === 0 ? src.slice() : mapAffine(src, affine);
  }
  const down = contributions(srcHeight, dstHeight);
  const across = contributions(srcWidth, dstWidth);
  const { starts, counts, weights, stride } = across;
  const row = new Float64Array(srcWidth);
  const out = new Float32Array(dstWidth * dstHeight);
  for (let y = 0; y < dstHeight; y++) {
    const first = down.starts[y];
    for (let k = 0; k < down.counts[y]; k++) addRow(row, src, (first + k) * srcWidth, down.weights[y * down.stride + k], srcWidth, k === 0);
    const at = y * dstWidth;
    for (let x = 0; x < dstWidth; x++) {
      const start = starts[x];
      const base = x * stride;
      let sum = 0;
      for (let k = 0; k < counts[x]; k++) sum += weights[base + k] * row[start + k];
      out[at + x] = scale * sum + offset;
    }
  }
  return out;
}

/**
 * Fit the whole image into size×size keeping its aspect ratio: the longer side becomes `size`, the image is
 * centred and the bars are 0 (black).
 */
export function letterboxArea(src: ResizeSource, srcWidth: number, srcHeight: number, size: number, affine?: Affine): Float32Array {
  const scale = size / Math.max(srcWidth, srcHeight);
  const width = Math.max(1, Math.min(size, Math.round(srcWidth * scale)));
  const height = Math.max(1, Math.min(size, Math.round(srcHeight * scale)));
  const inner = resizeArea(src, srcWidth, srcHeight, width, height, affine);
  const out = new Float32Array(size * size);
  const left = Math.floor((size - width) / 2);
  const top = Math.floor((size - height) / 2);
  for (let y = 0; y < height; y++) out.set(inner.subarray(y * width, (y + 1) * width), (top + y) * size + left);
  return out;
}

/** Display values in [0, 1] → 8-bit grey: round(clamp01(v) × 255). */
export function toUint8(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = Math.round((v > 1 ? 1 : v > 0 ? v : 0) * 255);
  }
  return out;
}
