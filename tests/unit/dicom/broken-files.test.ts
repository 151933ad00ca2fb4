/**
 * Broken files of every kind the import must refuse (written to a folder and read back, as an import would), plus
 * the refusals added for robustness: sizes claimed inside code-stream headers, JPEG-LS cut before its end
 * marker, every truncation point of a small file, and rescale values that would overflow float32.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StudioErrorCode } from '../../../src/lib/errors';
import { renderImageFile } from '../../../src/lib/dicom';
import { jpegLsStream, jpegWithFrameHeader, writeBrokenFiles } from '../../support/broken-files';
import { encapsulatedPixelData, imageElements, nativePixelData, part10, rleFrame } from './dicom-builder';
import { refusal } from './refusal';

const EXPLICIT_LE = '1.2.840.10008.1.2.1';

describe('a folder of broken files', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'broken-dicom-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const written = writeBrokenFiles(dir);

  it('covers every broken kind of the import', () => {
    const kinds: StudioErrorCode[] = [
      'empty-file',
      'truncated',
      'not-dicom',
      'no-pixel-data',
      'unsupported-transfer-syntax',
      'pixel-data-too-short',
      'corrupt-compressed-stream',
      'absurd-dimensions',
      'inflated-too-large',
      'bad-bit-layout',
      'bad-rescale',
    ];
    expect(new Set(written.map((f) => f.code))).toEqual(new Set(kinds));
  });

  it.each(written.map((f) => [f.name, f] as const))('refuses %s with its code and a message naming the problem and the file', async (name, file) => {
    const error = await refusal(new Uint8Array(readFileSync(file.path)), name);
    expect(error.code).toBe(file.code);
    expect(error.message).toMatch(file.message);
    expect(error.message).toContain(name);
  });
});


/** JPEG 2000 code stream: SOC, then SIZ with Xsiz×Ysiz (offsets 0), then garbage. */
function j2kStream(columns: number, rows: number): Uint8Array {
  const siz = new Uint8Array(4 + 38 + 64);
  const view = new DataView(siz.buffer);
  view.setUint16(0, 0xff4f);
  view.setUint16(2, 0xff51);
  view.setUint16(4, 38 + 3);
  view.setUint32(8, columns);
  view.setUint32(12, rows);
  return siz;
}

describe('code-stream headers are checked before any codec runs', () => {
  const spec = imageElements({ rows: 16, columns: 16 });

  it.each([
    ['1.2.840.10008.1.2.4.50', 'JPEG Baseline (Process 1)', jpegWithFrameHeader(40000, 40000)],
    ['1.2.840.10008.1.2.4.80', 'JPEG-LS Lossless', jpegLsStream(65535, 65535, true)],
    ['1.2.840.10008.1.2.4.90', 'JPEG 2000 (Lossless Only)', j2kStream(0x100000, 0x100000)],
    ['1.2.840.10008.1.2.4.201', 'High-Throughput JPEG 2000 (Lossless Only)', j2kStream(0x7fffffff, 2)],
  ])('absurd-dimensions for a size claimed in a %s stream', async (ts, codec, stream) => {
    const error = await refusal(part10(ts, spec, encapsulatedPixelData([stream])));
    expect(error.code).toBe('absurd-dimensions');
    expect(error.message).toContain(`the ${codec} stream header`);
  });

  it('corrupt-compressed-stream when the stream size disagrees with Rows × Columns', async () => {
    const error = await refusal(part10('1.2.840.10008.1.2.4.50', spec, encapsulatedPixelData([jpegWithFrameHeader(32, 48)])));
    expect(error.code).toBe('corrupt-compressed-stream');
    expect(error.message).toMatch(/stream header says 48×32 pixels, but the DICOM header says 16×16/);
  });

  it('refuses an RLE frame too small for Rows × Columns before decoding it', async () => {
    const frame = rleFrame([new Uint8Array(100)]);
    const error = await refusal(part10('1.2.840.10008.1.2.5', imageElements({ rows: 4096, columns: 4096 }), encapsulatedPixelData([frame])));
    expect(error.code).toBe('corrupt-compressed-stream');
    expect(error.message).toMatch(/the RLE frame of 166 bytes cannot hold 16,777,216 pixels × 1 segment\(s\)/);
  });

  it('gives CharLS a JPEG-LS stream cut before its end marker with the marker added, and reports its refusal (without the marker CharLS would spin for seconds; npm run bench:hostile times it)', async () => {
    const error = await refusal(part10('1.2.840.10008.1.2.4.80', spec, encapsulatedPixelData([jpegLsStream(16, 16, false)])));
    expect(error.code).toBe('corrupt-compressed-stream');
    expect(error.message).toMatch(/JPEG-LS Lossless stream could not be decoded/);
  });
});

describe('structural damage to a small valid file', () => {
  const pixels = new Uint8Array(8 * 8).map((_, i) => i * 4);
  const valid = part10(EXPLICIT_LE, imageElements({ rows: 8, columns: 8 }), nativePixelData(pixels));

  it('every truncation point ends in a decoded image or a typed import error', async () => {
    const codes = new Set<string>();
    for (let cut = 0; cut < valid.length; cut++) {
      const error = await refusal(valid.subarray(0, cut), `cut-${cut}.dcm`);
      expect(error.code, `cut at ${cut}: ${error.message}`).not.toBe('internal');
      codes.add(error.code);
    }
    // a cut exactly before Pixel Data leaves a complete data set without it
    expect([...codes].sort()).toEqual(['empty-file', 'no-pixel-data', 'not-dicom', 'pixel-data-too-short', 'truncated']);
  });

  it('a rescale slope that overflows float32 still gives finite display values in [0, 1]', async () => {
    const extra = [{ tag: [0x0028, 0x1053] as [number, number], vr: 'DS', value: '1e38' }];
    const bytes = part10(EXPLICIT_LE, imageElements({ rows: 8, columns: 8, extra }), nativePixelData(pixels));
    const image = await renderImageFile(bytes, 'slope.dcm');
    expect(image.pixels.every((v) => v >= 0 && v <= 1)).toBe(true);
    // stored 0 → 0, stored ≥ 4 → beyond float32, clamped to its maximum → 1 after min–max
    expect([image.pixels[0], image.pixels[1], image.pixels[63]]).toEqual([0, 1, 1]);
  });
});
