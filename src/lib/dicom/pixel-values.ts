/**
 * Value transforms of the DICOM grey pipeline (PS3.4 N.2), pure functions on Float32Arrays:
 * stored values (sign, Bits Stored) → Modality LUT → VOI → MONOCHROME1 inversion → display values in [0, 1].
 */
import type { IntegerSamples } from './decode';

/** A LUT as in PS3.3 C.11.1: `data[i]` is the output for input `firstMapped + i`; inputs outside clamp to the ends. */
export interface Lut {
  firstMapped: number;
  data: Float32Array;
  /** bits per LUT entry (LUT Descriptor value 3) */
  bits: number;
}

export type ModalityTransform =
  | { kind: 'rescale'; slope: number; intercept: number }
  | { kind: 'lut'; lut: Lut };

export type WindowFunction = 'LINEAR' | 'LINEAR_EXACT' | 'SIGMOID';

export type VoiTransform =
  | { kind: 'window'; center: number; width: number; fn: WindowFunction }
  | { kind: 'lut'; lut: Lut }
  | { kind: 'minmax' };

/**
 * Integer samples → stored values.
 * - Unsigned: keep the Bits Stored bits ending at High Bit, dropping anything above (e.g. retired overlay bits).
 * - Signed: two's complement of the whole container (Bits Allocated wide), i.e. the file's own sign extension:
 *   12-bit signed in 16 bits stored as 0xF800 is −2048. A value whose upper container bits are 0 stays
 *   positive even if bit Bits Stored − 1 is set; this is how pydicom 2.3 + GDCM (the reference renderer) read it,
 *   and the conformance files mlut_18 and JLSL_16_15_1_1F only match the reference that way.
 */
export function storedValues(samples: IntegerSamples, count: number, bitsStored: number, signed: boolean, shift = 0): Float32Array {
  const out = new Float32Array(count);
  if (signed) {
    const containerRange = 2 ** (samples.BYTES_PER_ELEMENT * 8);
    for (let i = 0; i < count; i++) {
      const v = samples[i];
      out[i] = v >= containerRange / 2 ? v - containerRange : v; // signed arrays pass through unchanged
    }
    return out;
  }
  const range = 2 ** bitsStored;
  if (shift === 0 && samples.BYTES_PER_ELEMENT <= 2) {
    // fast path for 8/16-bit containers: a bit mask (also wraps negative codec output)
    const mask = range - 1;
    for (let i = 0; i < count; i++) out[i] = samples[i] & mask;
    return out;
  }
  const divisor = 2 ** shift;
  for (let i = 0; i < count; i++) {
    // floor and modulo instead of >>> and & so 32-bit samples stay exact; a codec's negative output wraps
    const v = Math.floor(samples[i] / divisor) % range;
    out[i] = v < 0 ? v + range : v;
  }
  return out;
}

const FLOAT32_MAX = 3.4028234663852886e38;

export function lookUp(lut: Lut, x: number): number {
  const last = lut.data.length - 1;
  let index = Math.round(x) - lut.firstMapped;
  if (index < 0) index = 0;
  else if (index > last) index = last;
  return lut.data[index];
}

/** Modality LUT (PS3.3 C.11.1): rescale slope/intercept or a LUT. In place. */
export function applyModality(values: Float32Array, t: ModalityTransform): Float32Array {
  if (t.kind === 'lut') {
    for (let i = 0; i < values.length; i++) values[i] = lookUp(t.lut, values[i]);
  } else if (t.slope !== 1 || t.intercept !== 0) {
    // clamp to the float32 range: a slope like 1e38 must not turn values into ±Infinity (and min–max into NaN)
    for (let i = 0; i < values.length; i++) {
      const v = values[i] * t.slope + t.intercept;
      values[i] = v > FLOAT32_MAX ? FLOAT32_MAX : v < -FLOAT32_MAX ? -FLOAT32_MAX : v;
    }
  }
  return values;
}

/**
 * Window to [0, 1] (PS3.3 C.11.2.1.2). LINEAR: with c' = c − 0.5 and w' = w − 1,
 *   x ≤ c' − w'/2 → 0,  x > c' + w'/2 → 1,  else (x − c')/w' + 0.5.
 * LINEAR_EXACT uses c and w unchanged; SIGMOID is 1 / (1 + exp(−4(x − c)/w)).
 */
export function windowValue(x: number, center: number, width: number, fn: WindowFunction): number {
  if (fn === 'SIGMOID') return 1 / (1 + Math.exp((-4 * (x - center)) / width));
  const c = fn === 'LINEAR' ? center - 0.5 : center;
  const w = fn === 'LINEAR' ? width - 1 : width;
  if (x <= c - w / 2) return 0;
  if (x > c + w / 2) return 1;
  return w === 0 ? 1 : (x - c) / w + 0.5;
}

export function minMax(values: Float32Array): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/** Scale to [0, 1] by the image's own range; a constant image becomes all 0 (never NaN). */
export function normaliseMinMax(values: Float32Array): Float32Array {
  const { min, max } = minMax(values);
  const span = max - min;
  for (let i = 0; i < values.length; i++) values[i] = span > 0 ? (values[i] - min) / span : 0;
  return values;
}

/** VOI transform to display values in [0, 1]. In place. A VOI LUT's output is scaled by its entry range 2^bits − 1. */
export function applyVoi(values: Float32Array, t: VoiTransform): Float32Array {
  if (t.kind === 'minmax') return normaliseMinMax(values);
  if (t.kind === 'window') {
    for (let i = 0; i < values.length; i++) values[i] = windowValue(values[i], t.center, t.width, t.fn);
    return values;
  }
  const top = 2 ** t.lut.bits - 1;
  for (let i = 0; i < values.length; i++) values[i] = Math.min(1, Math.max(0, lookUp(t.lut, values[i]) / top));
  return values;
}

/** MONOCHROME1: the minimum value is white. In place. */
export function invert(values: Float32Array): Float32Array {
  for (let i = 0; i < values.length; i++) values[i] = 1 - values[i];
  return values;
}

/**
 * Colour samples → grey in [0, 1]. RGB uses ITU-R BT.601 luma, 0.299 R + 0.587 G + 0.114 B (the weights of
 * PIL's "L" conversion); YBR_* samples already carry that luma as Y, which is used directly.
 */
export function colourToGrey(
  samples: IntegerSamples,
  pixelCount: number,
  planar: boolean,
  photometric: string,
  bitsStored: number,
): Float32Array {
  const out = new Float32Array(pixelCount);
  const top = 2 ** bitsStored - 1;
  const at = planar ? (i: number, c: number) => samples[c * pixelCount + i] : (i: number, c: number) => samples[i * 3 + c];
  const isRgb = photometric === 'RGB';
  for (let i = 0; i < pixelCount; i++) {
    const grey = isRgb ? 0.299 * at(i, 0) + 0.587 * at(i, 1) + 0.114 * at(i, 2) : at(i, 0);
    out[i] = Math.min(1, Math.max(0, grey / top));
  }
  return out;
}

/** out = scale · v + offset: linearly mapped samples as display values (an area average commutes with it, so a resize may map after averaging). */
export interface Affine {
  scale: number;
  offset: number;
}

/** scale · v + offset for every value, optionally clamped to [0, 1] (rounding may leave it by an ulp). */
export function mapAffine(src: ArrayLike<number>, { scale, offset }: Affine, clamp01 = false): Float32Array {
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = scale * src[i] + offset;
    out[i] = clamp01 ? (v < 0 ? 0 : v > 1 ? 1 : v) : v;
  }
  return out;
}
