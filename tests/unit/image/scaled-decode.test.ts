/** The plumbing of scaled JPEG decoding (the decoder itself is Chromium's: tests/browser/scaled-decode.test.ts). */
import { describe, expect, it } from 'vitest';
import { jpegScaleFor } from '../../../src/lib/dicom/decode';
import { renderToModelSize } from '../../../src/lib/image';
import { encodeJpegBaseline, jpegDicom, syntheticRadiograph } from '../../support/jpeg-dicom';

const SOURCE = 256;
const file = jpegDicom(encodeJpegBaseline(syntheticRadiograph(SOURCE, 3), SOURCE), SOURCE, 'P1');

describe('scaled JPEG decoding', () => {
  it('picks the largest DCT scale that still covers the target', () => {
    expect(jpegScaleFor(1024, 1024, 224, 224)).toBe(4);
    expect(jpegScaleFor(1024, 1024, 64, 64)).toBe(8);
    expect(jpegScaleFor(224, 224, 64, 64)).toBe(2);
    expect(jpegScaleFor(224, 224, 128, 128)).toBe(1);
    expect(jpegScaleFor(1000, 500, 100, 100)).toBe(4); // ceil(500 / 4) = 125 ≥ 100, ceil(500 / 8) = 63 < 100
  });

  it('asks for the scaled size, resizes what comes back and reports the file size', async () => {
    const asked: Array<[number, number]> = [];
    const flat = async (_stream: Uint8Array, width: number, height: number) => {
      asked.push([width, height]);
      return new Uint8Array(width * height).map((_, i) => (i % width < width / 2 ? 10 : 200));
    };
    const { pixels, info } = await renderToModelSize(file, 'a.dcm', 32, 'stretch', undefined, flat);
    expect(asked).toEqual([[32, 32]]); // 256 / 8 = 32 still covers 32 px
    expect([info.columns, info.rows]).toEqual([SOURCE, SOURCE]);
    expect([pixels[0], pixels[31]]).toEqual([0, 255]); // min–max of what the decoder gave
  });

  it('falls back to the full decode when the decoder declines, or when the target is more than half the source', async () => {
    const full = await renderToModelSize(file, 'a.dcm', 32, 'stretch');
    const declined = await renderToModelSize(file, 'a.dcm', 32, 'stretch', undefined, async () => null);
    expect(declined.pixels).toEqual(full.pixels);
    let called = false;
    await renderToModelSize(file, 'a.dcm', 200, 'stretch', undefined, async () => ((called = true), null));
    expect(called).toBe(false);
  });
});
