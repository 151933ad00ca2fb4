/**
 * One file of each broken kind an import must refuse, with the code and a pattern the message must match.
 * `writeBrokenFiles(dir)` writes them (Node fs) for tests that import a folder of valid + broken files.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { StudioErrorCode } from '../../src/lib/errors';
import { encapsulatedPixelData, imageElements, nativePixelData, part10 } from '../unit/dicom/dicom-builder';
import { deflateBomb } from './deflate-bomb';

export interface BrokenFile {
  /** file name (unique, says what is wrong) */
  name: string;
  code: StudioErrorCode;
  /** the refusal message names the problem */
  message: RegExp;
  bytes: Uint8Array;
}

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';
const JPEG_2000 = '1.2.840.10008.1.2.4.90';
const MPEG2 = '1.2.840.10008.1.2.4.100';

/** JPEG-LS: SOI, SOF55 (rows×columns, 8 bits, one component), then garbage; `end` appends EOI. */
export function jpegLsStream(rows: number, columns: number, end: boolean): Uint8Array {
  const sof55 = [0xff, 0xf7, 0x00, 0x0b, 8, rows >> 8, rows & 0xff, columns >> 8, columns & 0xff, 1, 1, 0x11, 0];
  const garbage = Array.from({ length: 200 }, (_, i) => (i * 53 + 7) & 0x7f);
  return new Uint8Array([0xff, 0xd8, ...sof55, ...garbage, ...(end ? [0xff, 0xd9] : [])]);
}

/** A JPEG stream that starts properly (SOI, SOF0 for rows×columns, one component) and continues as garbage. */
export function jpegWithFrameHeader(rows: number, columns: number, garbageBytes = 64): Uint8Array {
  const sof = [0xff, 0xc0, 0x00, 0x0b, 8, rows >> 8, rows & 0xff, columns >> 8, columns & 0xff, 1, 1, 0x11, 0];
  const garbage = Array.from({ length: garbageBytes }, (_, i) => (i * 37 + 11) & 0xff);
  return new Uint8Array([0xff, 0xd8, ...sof, ...garbage, 0xff, 0xd9]);
}

function validNative(): Uint8Array {
  const pixels = new Uint8Array(16 * 16).map((_, i) => i & 0xff);
  return part10(EXPLICIT_LE, imageElements({ rows: 16, columns: 16 }), nativePixelData(pixels));
}

export function brokenFiles(): BrokenFile[] {
  const valid = validNative();
  const garbage = new Uint8Array(256).map((_, i) => (i * 37 + 11) & 0xff);
  return [
    { name: 'zero-byte.dcm', code: 'empty-file', message: /empty \(0 bytes\)/, bytes: new Uint8Array(0) },
    // cut inside the data set's header elements (before Pixel Data)
    { name: 'truncated-header.dcm', code: 'truncated', message: /cut short or damaged/, bytes: valid.subarray(0, 200) },
    { name: 'not-dicom.dcm', code: 'not-dicom', message: /neither DICOM/, bytes: new TextEncoder().encode('patient notes, not an image\n'.repeat(20)) },
    { name: 'no-pixel-data.dcm', code: 'no-pixel-data', message: /no Pixel Data \(7FE0,0010\)/, bytes: part10(EXPLICIT_LE, imageElements({ rows: 16, columns: 16 })) },
    {
      name: 'unsupported-transfer-syntax.dcm',
      code: 'unsupported-transfer-syntax',
      message: /1\.2\.840\.10008\.1\.2\.4\.100 \(MPEG2 Main Profile \/ Main Level\) is not supported/,
      bytes: part10(MPEG2, imageElements({ rows: 16, columns: 16 }), encapsulatedPixelData([garbage])),
    },
    {
      name: 'pixel-data-too-short.dcm',
      code: 'pixel-data-too-short',
      message: /holds 100 bytes but 16×16 pixels × 1 sample\(s\) × 16 bits need 512/,
      bytes: part10(EXPLICIT_LE, imageElements({ rows: 16, columns: 16, bitsAllocated: 16 }), nativePixelData(new Uint8Array(100), 16)),
    },
    {
      name: 'corrupt-compressed-stream.dcm',
      code: 'corrupt-compressed-stream',
      message: /JPEG 2000 \(Lossless Only\) stream could not be decoded/,
      bytes: part10(JPEG_2000, imageElements({ rows: 16, columns: 16 }), encapsulatedPixelData([garbage])),
    },
    {
      name: 'absurd-dimensions.dcm',
      code: 'absurd-dimensions',
      message: /65535×65535 pixels, more than/,
      bytes: part10(EXPLICIT_LE, imageElements({ rows: 65535, columns: 65535 }), nativePixelData(new Uint8Array(256))),
    },
    {
      name: 'absurd-dimensions-in-jpeg.dcm',
      code: 'absurd-dimensions',
      message: /JPEG Baseline \(Process 1\) stream header.*60000×60000 pixels, more than/,
      bytes: part10(JPEG_BASELINE, imageElements({ rows: 16, columns: 16 }), encapsulatedPixelData([jpegWithFrameHeader(60000, 60000)])),
    },
    {
      // ~70 KB that would inflate to 64 MiB of zeros
      name: 'deflate-bomb.dcm',
      code: 'inflated-too-large',
      message: /deflated data set inflates to more than [\d,]+ bytes, but its pixel module declares 16×16 pixels/,
      bytes: deflateBomb(imageElements({ rows: 16, columns: 16 }), 64).bytes,
    },
    {
      name: 'frames-beyond-pixel-data.dcm',
      code: 'pixel-data-too-short',
      message: /Number of Frames \(0028,0008\) is 100,000, but Pixel Data holds 256 bytes, enough for 1 frame\(s\)/,
      bytes: part10(EXPLICIT_LE, imageElements({ rows: 16, columns: 16, frames: 100000 }), nativePixelData(new Uint8Array(256))),
    },
    {
      name: 'high-bit-outside-bits-allocated.dcm',
      code: 'bad-bit-layout',
      message: /High Bit \(0028,0102\) = 40 lies outside the 16 bits allocated/,
      bytes: part10(
        EXPLICIT_LE,
        imageElements({ rows: 16, columns: 16, bitsAllocated: 16 }).map((e) => (e.tag[0] === 0x0028 && e.tag[1] === 0x0102 ? { ...e, value: [40] } : e)),
        nativePixelData(new Uint8Array(512), 16),
      ),
    },
    {
      name: 'rescale-slope-overflows.dcm',
      code: 'bad-rescale',
      message: /Rescale Slope \(0028,1053\) = 1e308 .* beyond the range of finite numbers/,
      bytes: part10(
        EXPLICIT_LE,
        imageElements({ rows: 16, columns: 16, extra: [{ tag: [0x0028, 0x1053], vr: 'DS', value: '1e308' }] }),
        nativePixelData(new Uint8Array(256).map((_, i) => i)),
      ),
    },
  ];
}

/** Write every broken file into `dir` (created if missing); returns them with their paths. */
export function writeBrokenFiles(dir: string): Array<BrokenFile & { path: string }> {
  mkdirSync(dir, { recursive: true });
  return brokenFiles().map((file) => {
    const filePath = path.join(dir, file.name);
    writeFileSync(filePath, file.bytes);
    return { ...file, path: filePath };
  });
}
