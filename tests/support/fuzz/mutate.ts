/**
 * Seeded structural mutations of DICOM files for robustness testing. Every variant is labelled with its kind and
 * a short detail; the same (bytes, kind, seed) always gives the same variant.
 */
import type { Rng } from '../../../src/lib/random';
import { ALL_VRS, scanElements, type ElementHeader } from './elements';

export const MUTATION_KINDS = [
  'bit-flip',
  'byte-overwrite',
  'truncate-random',
  'truncate-at-element',
  'length-zero',
  'length-odd',
  'length-huge',
  'length-beyond-end',
  'tag-corrupt',
  'vr-corrupt',
  'chunk-duplicate',
  'chunk-remove',
  'pixel-module-value',
  'value-string',
  'codec-header',
  'fragment-length',
  'offset-table',
] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

export interface Variant {
  kind: MutationKind;
  /** what exactly was changed, e.g. "length of (0028,0010) at 810: 2 → 0" */
  detail: string;
  bytes: Uint8Array;
}

/** A file's element headers, computed once and shared by all its variants. */
export interface MutationTarget {
  bytes: Uint8Array;
  headers: ElementHeader[];
}

export function mutationTarget(bytes: Uint8Array): MutationTarget {
  return { bytes, headers: scanElements(bytes) };
}

const int = (rng: Rng, below: number) => Math.floor(rng() * below);
const pick = <T>(rng: Rng, items: readonly T[]): T => items[int(rng, items.length)];
const hex4 = (v: number) => v.toString(16).toUpperCase().padStart(4, '0');
const tagName = (h: ElementHeader) => `(${hex4(h.group)},${hex4(h.element)})`;

function splice(bytes: Uint8Array, start: number, removeCount: number, insert: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(bytes.length - removeCount + insert.length);
  out.set(bytes.subarray(0, start));
  out.set(insert, start);
  out.set(bytes.subarray(start + removeCount), start + insert.length);
  return out;
}

/** Positions worth hitting: half the time in the header (before Pixel Data's value), else anywhere. */
function position(rng: Rng, t: MutationTarget): number {
  const pixel = t.headers.find((h) => h.group === 0x7fe0 && h.element === 0x0010);
  const headerEnd = Math.min(t.bytes.length, (pixel?.valueAt ?? t.bytes.length) + 64);
  return int(rng, rng() < 0.5 ? headerEnd : t.bytes.length);
}

function writeLength(out: Uint8Array, h: ElementHeader, value: number): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  if (h.lengthSize === 2) view.setUint16(h.lengthAt, value & 0xffff, h.littleEndian);
  else view.setUint32(h.lengthAt, value >>> 0, h.littleEndian);
}

/** Bias towards what matters to the decoder: the pixel module (0028,xxxx), Pixel Data and its items. */
function pickHeader(rng: Rng, headers: ElementHeader[]): ElementHeader | undefined {
  const important = headers.filter((h) => h.group === 0x0028 || h.group === 0x7fe0 || h.fragment !== undefined);
  return rng() < 0.4 && important.length > 0 ? pick(rng, important) : headers.length > 0 ? pick(rng, headers) : undefined;
}

/** End of an element: the next header's offset, else its value end, within the file. */
function elementEnd(t: MutationTarget, h: ElementHeader): number {
  const next = t.headers.find((o) => o.offset > h.offset);
  return Math.min(t.bytes.length, next?.offset ?? h.valueAt + h.length);
}

function newLength(kind: MutationKind, rng: Rng, h: ElementHeader, fileLength: number): number {
  const max = h.lengthSize === 2 ? 0xffff : 0xffffffff;
  switch (kind) {
    case 'length-zero':
      return 0;
    case 'length-odd':
      return h.length % 2 === 0 ? Math.min(max, h.length + 1) : h.length;
    case 'length-huge':
      return pick(rng, [max, max - 1, 0x7ffffffe & max]);
    default: // beyond the end of the file
      return Math.min(max, fileLength - h.valueAt + 2 + 2 * int(rng, 1000));
  }
}

function mutateLength(kind: MutationKind, rng: Rng, t: MutationTarget, h: ElementHeader | undefined): Variant | undefined {
  if (!h) return undefined;
  const out = t.bytes.slice();
  const value = newLength(kind, rng, h, t.bytes.length);
  writeLength(out, h, value);
  return { kind, detail: `length of ${tagName(h)} at ${h.offset}: ${h.length} → ${value}`, bytes: out };
}

function flipBits(rng: Rng, t: MutationTarget): Variant {
  const out = t.bytes.slice();
  const flips = 1 + int(rng, 8);
  const at: number[] = [];
  for (let i = 0; i < flips; i++) {
    const p = position(rng, t);
    out[p] ^= 1 << int(rng, 8);
    at.push(p);
  }
  return { kind: 'bit-flip', detail: `${flips} bit(s) at ${at.join(',')}`, bytes: out };
}

function overwriteBytes(rng: Rng, t: MutationTarget): Variant {
  const out = t.bytes.slice();
  const start = position(rng, t);
  const count = Math.min(out.length - start, 1 + int(rng, 16));
  const value = pick(rng, [0x00, 0xff, -1]); // -1: random bytes
  for (let i = 0; i < count; i++) out[start + i] = value < 0 ? int(rng, 256) : value;
  return { kind: 'byte-overwrite', detail: `${count} byte(s) at ${start} ← ${value < 0 ? 'random' : value}`, bytes: out };
}

function truncateAtElement(rng: Rng, t: MutationTarget): Variant | undefined {
  const h = pickHeader(rng, t.headers);
  if (!h) return undefined;
  const where = pick(rng, ['tag', 'inside header', 'value start', 'inside value'] as const);
  const at =
    where === 'tag' ? h.offset
    : where === 'inside header' ? h.offset + 1 + int(rng, h.valueAt - h.offset - 1)
    : where === 'value start' ? h.valueAt
    : h.valueAt + int(rng, Math.max(1, Math.min(h.length, t.bytes.length - h.valueAt)));
  const cut = Math.min(at, t.bytes.length);
  return { kind: 'truncate-at-element', detail: `cut at ${cut} (${where} of ${tagName(h)})`, bytes: t.bytes.slice(0, cut) };
}

function corruptTag(rng: Rng, t: MutationTarget): Variant | undefined {
  const h = pickHeader(rng, t.headers);
  if (!h) return undefined;
  const out = t.bytes.slice();
  const view = new DataView(out.buffer);
  const [group, element] = pick(rng, [
    [0x7fe0, 0x0010], // a second Pixel Data
    [0xfffe, 0xe000], // an item where none belongs
    [0xfffe, 0xe0dd], // a sequence delimiter
    [0x0028, 0x0010], // a second Rows
    [h.group, int(rng, 0x10000)],
    [int(rng, 0x10000), h.element],
  ]);
  view.setUint16(h.offset, group, h.littleEndian);
  view.setUint16(h.offset + 2, element, h.littleEndian);
  return { kind: 'tag-corrupt', detail: `${tagName(h)} at ${h.offset} → (${hex4(group)},${hex4(element)})`, bytes: out };
}

function corruptVr(rng: Rng, t: MutationTarget): Variant | undefined {
  const h = pickHeader(rng, t.headers.filter((x) => x.vr !== undefined));
  if (!h) return undefined;
  const vr = pick(rng, [...ALL_VRS, 'XX', '\0\0']);
  const out = t.bytes.slice();
  out[h.offset + 4] = vr.charCodeAt(0);
  out[h.offset + 5] = vr.charCodeAt(1);
  return { kind: 'vr-corrupt', detail: `VR of ${tagName(h)} at ${h.offset}: ${h.vr} → ${JSON.stringify(vr)}`, bytes: out };
}

/** A whole element (header to next header) or, when none is known, a random run of up to 256 bytes. */
function chunk(rng: Rng, t: MutationTarget): { start: number; end: number; what: string } {
  const h = pickHeader(rng, t.headers);
  if (h && rng() < 0.7) return { start: h.offset, end: Math.min(elementEnd(t, h), h.offset + 65536), what: tagName(h) };
  const start = int(rng, t.bytes.length);
  return { start, end: Math.min(t.bytes.length, start + 1 + int(rng, 256)), what: 'random bytes' };
}

function duplicateChunk(rng: Rng, t: MutationTarget): Variant {
  const { start, end, what } = chunk(rng, t);
  const copy = t.bytes.slice(start, end);
  return { kind: 'chunk-duplicate', detail: `${what} [${start}, ${end}) repeated`, bytes: splice(t.bytes, end, 0, copy) };
}

function removeChunk(rng: Rng, t: MutationTarget): Variant {
  const { start, end, what } = chunk(rng, t);
  return { kind: 'chunk-remove', detail: `${what} [${start}, ${end}) removed`, bytes: splice(t.bytes, start, end - start) };
}

// Rows, Columns, Samples per Pixel, Bits Allocated/Stored, High Bit, Pixel Representation, Planar Configuration
const PIXEL_MODULE_US = [0x0010, 0x0011, 0x0002, 0x0100, 0x0101, 0x0102, 0x0103, 0x0006];
const EDGE_VALUES = [0, 1, 2, 3, 4, 7, 8, 12, 15, 16, 17, 24, 31, 32, 33, 64, 255, 256, 0x7fff, 0x8000, 0xffff];

function corruptPixelModuleValue(rng: Rng, t: MutationTarget): Variant | undefined {
  const candidates = t.headers.filter((h) => h.group === 0x0028 && PIXEL_MODULE_US.includes(h.element) && h.length === 2);
  if (candidates.length === 0) return undefined;
  const h = pick(rng, candidates);
  const value = rng() < 0.8 ? pick(rng, EDGE_VALUES) : int(rng, 0x10000);
  const out = t.bytes.slice();
  if (h.valueAt + 2 > out.length) return undefined;
  new DataView(out.buffer).setUint16(h.valueAt, value, h.littleEndian);
  return { kind: 'pixel-module-value', detail: `${tagName(h)} ← ${value}`, bytes: out };
}

// Number of Frames, Window Center/Width, Rescale Intercept/Slope, VOI LUT Function
const PIXEL_MODULE_TEXT = [0x0008, 0x1050, 0x1051, 0x1052, 0x1053, 0x1056];
const TEXT_VALUES = ['0', '-0', '1', '-1', '1e38', '-1e38', '1e308', '1e-45', 'NaN', 'Infinity', '99999999999', '-2147483649', '1\\0', '', 'SIGMOID', 'x'];

/** Replace a number-as-text value (IS/DS) of the pixel pipeline with an edge value, fixing up its length. */
function corruptValueString(rng: Rng, t: MutationTarget): Variant | undefined {
  const candidates = t.headers.filter((h) => h.group === 0x0028 && PIXEL_MODULE_TEXT.includes(h.element) && h.valueAt + h.length <= t.bytes.length);
  if (candidates.length === 0) return undefined;
  const h = pick(rng, candidates);
  const text = pick(rng, TEXT_VALUES);
  const value = new TextEncoder().encode(text.length % 2 ? `${text} ` : text);
  const out = splice(t.bytes, h.valueAt, h.length, value);
  writeLength(out, h, value.length);
  return { kind: 'value-string', detail: `${tagName(h)} ← ${JSON.stringify(text)}`, bytes: out };
}

/** Pixel Data items: [Basic Offset Table, fragment 1, …]. */
const fragmentItems = (t: MutationTarget) => t.headers.filter((h) => h.fragment !== undefined);

/**
 * The size fields of the first code stream: JPEG SOFn / JPEG-LS SOF55 (rows, columns as big-endian u16 at +5, +7),
 * JPEG 2000 SIZ (Xsiz, Ysiz as big-endian u32 at +6, +10), or the RLE header's segment count and offsets.
 */
function corruptCodecHeader(rng: Rng, t: MutationTarget): Variant | undefined {
  const first = fragmentItems(t).find((h) => h.fragment === 1);
  if (!first) return undefined;
  const out = t.bytes.slice();
  const view = new DataView(out.buffer);
  const end = Math.min(out.length - 12, first.valueAt + 4096);
  for (let i = first.valueAt; i < end; i++) {
    if (out[i] !== 0xff) continue;
    const m = out[i + 1];
    if ((m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) || m === 0xf7) {
      const field = pick(rng, [5, 7]);
      const value = pick(rng, [0, 1, 0xffff, int(rng, 0x10000)]);
      view.setUint16(i + field, value);
      return { kind: 'codec-header', detail: `JPEG frame header ${field === 5 ? 'rows' : 'columns'} ← ${value}`, bytes: out };
    }
    if (m === 0x51) {
      const field = pick(rng, [6, 10]);
      const value = pick(rng, [0, 1, 0xffffffff, 0x10000, int(rng, 0x100000)]);
      view.setUint32(i + field, value);
      return { kind: 'codec-header', detail: `JPEG 2000 SIZ ${field === 6 ? 'Xsiz' : 'Ysiz'} ← ${value}`, bytes: out };
    }
  }
  // RLE: a 64-byte header of little-endian u32: segment count, then up to 15 offsets
  const slot = int(rng, 16);
  const value = pick(rng, [0, 1, 3, 15, 16, 0xffffffff, int(rng, 0x100000)]);
  if (first.valueAt + 4 * slot + 4 > out.length) return undefined;
  view.setUint32(first.valueAt + 4 * slot, value, true);
  return { kind: 'codec-header', detail: `first fragment u32 #${slot} (RLE header) ← ${value}`, bytes: out };
}

function corruptFragmentLength(rng: Rng, t: MutationTarget): Variant | undefined {
  const items = fragmentItems(t);
  if (items.length === 0) return undefined;
  const h = pick(rng, items);
  const out = t.bytes.slice();
  const value = pick(rng, [0, h.length + 1, Math.max(0, h.length - 2), 0xffffffff, 0xfffffff0, t.bytes.length - h.valueAt + 8, int(rng, 1 << 20)]);
  writeLength(out, h, value);
  return { kind: 'fragment-length', detail: `length of item ${h.fragment} at ${h.offset}: ${h.length} → ${value}`, bytes: out };
}

/** Overwrite entries of the Basic Offset Table, or give an empty one bogus entries. */
function corruptOffsetTable(rng: Rng, t: MutationTarget): Variant | undefined {
  const table = fragmentItems(t).find((h) => h.fragment === 0);
  if (!table) return undefined;
  const entry = () => pick(rng, [0, 1, 2, 0xffffffff, 0x7ffffff0, int(rng, t.bytes.length), int(rng, 1 << 30)]);
  const entries = Math.floor(Math.min(table.length, t.bytes.length - table.valueAt) / 4);
  if (entries > 0) {
    const out = t.bytes.slice();
    const view = new DataView(out.buffer);
    const count = 1 + int(rng, entries);
    for (let i = 0; i < count; i++) view.setUint32(table.valueAt + 4 * int(rng, entries), entry(), true);
    return { kind: 'offset-table', detail: `${count} of ${entries} offset table entries overwritten`, bytes: out };
  }
  const added = 1 + int(rng, 4);
  const inserted = new Uint8Array(4 * added);
  const view = new DataView(inserted.buffer);
  for (let i = 0; i < added; i++) view.setUint32(4 * i, entry(), true);
  const out = splice(t.bytes, table.valueAt, 0, inserted);
  writeLength(out, table, 4 * added);
  return { kind: 'offset-table', detail: `${added} bogus entries in the empty offset table`, bytes: out };
}

/** Apply one mutation of the given kind; undefined when the file has nothing it applies to (e.g. no fragments). */
export function mutate(t: MutationTarget, kind: MutationKind, rng: Rng): Variant | undefined {
  if (t.bytes.length === 0) return undefined;
  switch (kind) {
    case 'bit-flip':
      return flipBits(rng, t);
    case 'byte-overwrite':
      return overwriteBytes(rng, t);
    case 'truncate-random': {
      const cut = int(rng, t.bytes.length);
      return { kind, detail: `cut at ${cut} of ${t.bytes.length}`, bytes: t.bytes.slice(0, cut) };
    }
    case 'truncate-at-element':
      return truncateAtElement(rng, t);
    case 'length-zero':
    case 'length-odd':
    case 'length-huge':
    case 'length-beyond-end':
      return mutateLength(kind, rng, t, pickHeader(rng, t.headers));
    case 'tag-corrupt':
      return corruptTag(rng, t);
    case 'vr-corrupt':
      return corruptVr(rng, t);
    case 'chunk-duplicate':
      return duplicateChunk(rng, t);
    case 'chunk-remove':
      return removeChunk(rng, t);
    case 'pixel-module-value':
      return corruptPixelModuleValue(rng, t);
    case 'value-string':
      return corruptValueString(rng, t);
    case 'codec-header':
      return corruptCodecHeader(rng, t);
    case 'fragment-length':
      return corruptFragmentLength(rng, t);
    case 'offset-table':
      return corruptOffsetTable(rng, t);
  }
}

/** A random kind that applies to the file (bit flips always do). */
export function randomVariant(t: MutationTarget, rng: Rng): Variant {
  for (let attempt = 0; attempt < 8; attempt++) {
    const variant = mutate(t, pick(rng, MUTATION_KINDS), rng);
    if (variant) return variant;
  }
  return flipBits(rng, t);
}
