import type { DataSet } from 'dicom-parser';
import { StudioError } from '../errors';
import type { PixelModule } from './pixel-module';
import type { Lut, ModalityTransform, VoiTransform, WindowFunction } from './pixel-values';

/**
 * Read a LUT item (LUT Descriptor 0028,3002 + LUT Data 0028,3006). Returns undefined for an empty or invalid item
 * so it counts as absent. Descriptor: [entries (0 means 65536), first mapped value, bits per entry].
 */
export function readLut(item: DataSet, signedInput: boolean): Lut | undefined {
  const descriptor = item.elements.x00283002;
  const data = item.elements.x00283006;
  if (!descriptor || descriptor.length < 6 || !data || data.length < 2) return undefined;
  const entries = item.uint16('x00283002', 0) || 65536;
  const rawFirst = item.uint16('x00283002', 1) ?? 0;
  // US or SS (PS3.3 C.11.1.1): an explicit SS says signed; otherwise follow what the LUT's input can be
  const signed = descriptor.vr === 'SS' || signedInput;
  const firstMapped = signed && rawFirst >= 0x8000 ? rawFirst - 0x10000 : rawFirst;
  const bits = item.uint16('x00283002', 2) ?? 16;
  if (bits < 1 || bits > 16) return undefined;
  const words = data.length >> 1;
  const out = new Float32Array(entries);
  if (bits <= 8 && words * 2 === entries) {
    // 8-bit entries packed two per 16-bit word (seen in the wild; PS3.3 says one per word)
    const bytes = item.byteArray.subarray(data.dataOffset, data.dataOffset + entries);
    if (bytes.length < entries) return undefined;
    out.set(bytes);
  } else {
    if (words < entries) return undefined;
    for (let i = 0; i < entries; i++) out[i] = item.uint16('x00283006', i) ?? 0;
  }
  return { firstMapped, data: out, bits };
}

function firstSequenceItem(ds: DataSet, tag: string): DataSet | undefined {
  const items = ds.elements[tag]?.items;
  return items && items.length > 0 ? items[0].dataSet : undefined;
}

/** The stored values a pixel module allows: [0, 2^Bits Stored − 1], or the signed range of the container. */
export function storedValueRange(m: Pick<PixelModule, 'bitsAllocated' | 'bitsStored' | 'pixelRepresentation'>): { min: number; max: number } {
  // signed values are read as two's complement of the whole container (see storedValues)
  if (m.pixelRepresentation === 1) return { min: -(2 ** (m.bitsAllocated - 1)), max: 2 ** (m.bitsAllocated - 1) - 1 };
  return { min: 0, max: 2 ** m.bitsStored - 1 };
}

/** The first value of a DS element; undefined when absent or blank, NaN when it is not a number. */
function decimal(ds: DataSet, tag: string): { text: string; value: number } | undefined {
  const text = ds.string(tag, 0)?.trim();
  return text ? { text, value: parseFloat(text) } : undefined;
}

/**
 * Modality LUT Sequence (0028,3000) when it holds a valid LUT, else Rescale Slope/Intercept (identity when absent).
 * A rescale that cannot map the stored values to finite numbers is refused ('bad-rescale'): a slope or intercept
 * that is not a finite number, a slope of 0 (every pixel the same value), or one that sends the end of the stored
 * range past the largest double. (Results that are finite but beyond float32 are clamped by applyModality.)
 */
export function readModalityTransform(
  ds: DataSet,
  signedInput: boolean,
  stored: { min: number; max: number },
  name: string,
): ModalityTransform {
  const item = firstSequenceItem(ds, 'x00283000');
  const lut = item && readLut(item, signedInput);
  if (lut) return { kind: 'lut', lut };
  const slope = decimal(ds, 'x00281053');
  const intercept = decimal(ds, 'x00281052');
  const refuse = (why: string) => {
    throw new StudioError('bad-rescale', `${name}: ${why}`);
  };
  if (slope && !Number.isFinite(slope.value)) refuse(`Rescale Slope (0028,1053) = "${slope.text}" is not a finite number.`);
  if (intercept && !Number.isFinite(intercept.value)) refuse(`Rescale Intercept (0028,1052) = "${intercept.text}" is not a finite number.`);
  if (slope && slope.value === 0) refuse(`Rescale Slope (0028,1053) is 0: every pixel would map to the same value.`);
  const t = { kind: 'rescale' as const, slope: slope?.value ?? 1, intercept: intercept?.value ?? 0 };
  const low = t.slope * stored.min + t.intercept;
  const high = t.slope * stored.max + t.intercept;
  if (!Number.isFinite(low) || !Number.isFinite(high)) {
    refuse(
      `Rescale Slope (0028,1053) = ${slope?.text ?? 1} and Rescale Intercept (0028,1052) = ${intercept?.text ?? 0} map the ` +
        `stored values ${stored.min}…${stored.max} to ${low}…${high}, beyond the range of finite numbers.`,
    );
  }
  return t;
}

function windowFunction(ds: DataSet): WindowFunction {
  const fn = ds.string('x00281056')?.trim().toUpperCase();
  return fn === 'SIGMOID' || fn === 'LINEAR_EXACT' ? fn : 'LINEAR';
}

/**
 * VOI (PS3.3 C.11.2) as pydicom's apply_voi_lut chooses it: the first valid item of the VOI LUT Sequence
 * (0028,3010), else the first Window Center/Width pair, else min–max of the modality values.
 * The VOI LUT's input follows the Modality LUT, so its first-mapped value is signed when that output may be.
 */
export function readVoiTransform(ds: DataSet, signedInput: boolean): VoiTransform {
  const item = firstSequenceItem(ds, 'x00283010');
  const lut = item && readLut(item, signedInput);
  if (lut) return { kind: 'lut', lut };
  const center = ds.floatString('x00281050', 0);
  const width = ds.floatString('x00281051', 0);
  const fn = windowFunction(ds);
  const minWidth = fn === 'LINEAR' ? 1 : Number.MIN_VALUE;
  if (center !== undefined && width !== undefined && Number.isFinite(center) && Number.isFinite(width) && width >= minWidth) {
    return { kind: 'window', center, width, fn };
  }
  return { kind: 'minmax' };
}
