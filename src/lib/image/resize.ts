/**
 * Area-averaged resampling: each destination pixel is the mean of the source area it covers, with fractional
 * weights for partly covered source pixels (like OpenCV INTER_AREA / tf.image.resize 'area' when shrinking).
 * Separable: rows first, then columns.
 */
import { mapAffine, type Affine } from '../dicom/pixel-values';

interface Contribution {
  /** first source index */
  start: number;
  /** weights of source indices start, start+1, …; they sum to 1 */
  weights: Float64Array;
}

/** For each destination index, the source indices it covers and how much (1-D box of width srcSize/dstSize). */
function contributions(srcSize: number, dstSize: number): Contribution[] {
  const scale = srcSize / dstSize;
  const result: Contribution[] = [];
  for (let d = 0; d < dstSize; d++) {
    const from = d * scale;
    const to = Math.min(srcSize, (d + 1) * scale);
    const start = Math.floor(from);
    const end = Math.min(srcSize, Math.ceil(to - 1e-9));
    const weights = new Float64Array(Math.max(1, end - start));
    for (let s = start; s < start + weights.length; s++) {
      const overlap = Math.min(to, s + 1) - Math.max(from, s);
      weights[s - start] = Math.max(0, overlap) / (to - from);
    }
    result.push({ start, weights });
  }
  return result;
}

/** Values an area resize reads: display values, or integer samples with an affine map applied after averaging. */
export type ResizeSource = Float32Array | Uint8Array | Uint8ClampedArray | Uint16Array;

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

  // horizontal pass: srcHeight rows of dstWidth
  const across = contributions(srcWidth, dstWidth);
  const rows = new Float64Array(srcHeight * dstWidth);
  for (let y = 0; y < srcHeight; y++) {
    const srcRow = y * srcWidth;
    const dstRow = y * dstWidth;
    for (let x = 0; x < dstWidth; x++) {
      const { start, weights } = across[x];
      let sum = 0;
      for (let k = 0; k < weights.length; k++) sum += weights[k] * src[srcRow + start + k];
      rows[dstRow + x] = sum;
    }
  }
  // vertical pass
  const down = contributions(srcHeight, dstHeight);
  const out = new Float32Array(dstWidth * dstHeight);
  for (let y = 0; y < dstHeight; y++) {
    const { start, weights } = down[y];
    for (let x = 0; x < dstWidth; x++) {
      let sum = 0;
      for (let k = 0; k < weights.length; k++) sum += weights[k] * rows[(start + k) * dstWidth + x];
      out[y * dstWidth + x] = scale * sum + offset;
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
