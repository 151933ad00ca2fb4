import type { DataSet, Element, Fragment } from 'dicom-parser';
import { StudioError } from '../errors';
import type { PixelModule } from './pixel-module';

/** Native YBR_FULL_422 stores two samples per pixel: Y1 Y2 Cb Cr for each pair of pixels (PS3.3 C.7.6.3.1.2). */
export function nativeSamplesPerPixel(m: PixelModule): number {
  return m.photometric === 'YBR_FULL_422' ? 2 : m.samplesPerPixel;
}

/** Bytes of one native (uncompressed) frame. */
export function nativeFrameLength(m: PixelModule): number {
  const bits = m.rows * m.columns * nativeSamplesPerPixel(m) * m.bitsAllocated;
  return Math.ceil(bits / 8);
}

/** The first frame of native pixel data, refusing data shorter than Rows × Columns × Samples × Bits Allocated. */
export function nativeFirstFrame(ds: DataSet, pixel: Element, m: PixelModule, name: string): Uint8Array {
  const needed = nativeFrameLength(m);
  const available = Math.max(0, Math.min(pixel.length, ds.byteArray.length - pixel.dataOffset));
  if (available < needed) {
    throw new StudioError(
      'pixel-data-too-short',
      `${name}: Pixel Data holds ${available.toLocaleString('en-US')} bytes but ${m.columns}×${m.rows} pixels × ` +
        `${nativeSamplesPerPixel(m)} sample(s) × ${m.bitsAllocated} bits need ${needed.toLocaleString('en-US')}.`,
    );
  }
  // Number of Frames beyond what Pixel Data holds: refused like any other short Pixel Data. Only the first frame is
  // decoded, but a count the data contradicts means the header cannot be trusted (and it is shown as the frame count).
  if (m.frames > 1) {
    const bitsPerFrame = m.rows * m.columns * nativeSamplesPerPixel(m) * m.bitsAllocated;
    const neededForAll = Math.ceil((bitsPerFrame * m.frames) / 8);
    if (available < neededForAll) {
      const holds = Math.floor((available * 8) / bitsPerFrame);
      throw new StudioError(
        'pixel-data-too-short',
        `${name}: Number of Frames (0028,0008) is ${m.frames.toLocaleString('en-US')}, but Pixel Data holds ` +
          `${available.toLocaleString('en-US')} bytes, enough for ${holds.toLocaleString('en-US')} frame(s) of ` +
          `${needed.toLocaleString('en-US')} bytes (${neededForAll.toLocaleString('en-US')} needed).`,
      );
    }
  }
  return ds.byteArray.subarray(pixel.dataOffset, pixel.dataOffset + needed);
}

function fragmentBytes(ds: DataSet, fragment: Fragment): Uint8Array {
  const start = fragment.position;
  const end = Math.min(start + fragment.length, ds.byteArray.length);
  return ds.byteArray.subarray(start, Math.max(start, end));
}

/** JPEG, JPEG-LS and JPEG 2000 code streams all end with the marker FF D9 (EOI / EOC), maybe plus one pad byte. */
function endsWithEndOfImage(bytes: Uint8Array): boolean {
  for (let back = 2; back <= 3 && back <= bytes.length; back++) {
    const at = bytes.length - back;
    if (bytes[at] === 0xff && bytes[at + 1] === 0xd9) return true;
  }
  return false;
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The fragments of the first frame of encapsulated pixel data (PS3.5 A.4):
 * - with a Basic Offset Table, the fragments between offset 0 and the second frame's offset;
 * - without one, every fragment for a single-frame image, one fragment per frame when the counts match,
 *   otherwise fragments up to the first one that ends with an end-of-image marker.
 */
export function encapsulatedFirstFrame(ds: DataSet, pixel: Element, m: PixelModule, name: string): Uint8Array {
  const fragments = pixel.fragments ?? [];
  if (fragments.length === 0) {
    throw new StudioError('corrupt-compressed-stream', `${name}: the encapsulated Pixel Data holds no fragments.`);
  }
  // every frame takes at least one fragment (PS3.5 A.4), so more frames than fragments cannot be in this Pixel Data
  if (m.frames > fragments.length) {
    throw new StudioError(
      'pixel-data-too-short',
      `${name}: Number of Frames (0028,0008) is ${m.frames.toLocaleString('en-US')}, but the encapsulated Pixel Data ` +
        `holds ${fragments.length.toLocaleString('en-US')} fragment(s), and every frame needs at least one.`,
    );
  }
  const offsets = pixel.basicOffsetTable ?? [];
  let parts: Uint8Array[];
  if (m.frames <= 1) {
    parts = fragments.map((f) => fragmentBytes(ds, f));
  } else if (offsets.length >= 2) {
    parts = fragments.filter((f) => f.offset >= offsets[0] && f.offset < offsets[1]).map((f) => fragmentBytes(ds, f));
  } else if (fragments.length === m.frames) {
    parts = [fragmentBytes(ds, fragments[0])];
  } else {
    parts = [];
    for (const f of fragments) {
      const bytes = fragmentBytes(ds, f);
      parts.push(bytes);
      if (endsWithEndOfImage(bytes)) break;
    }
  }
  const frame = concat(parts);
  if (frame.length === 0) {
    throw new StudioError('corrupt-compressed-stream', `${name}: the first frame of the encapsulated Pixel Data is empty.`);
  }
  return frame;
}
