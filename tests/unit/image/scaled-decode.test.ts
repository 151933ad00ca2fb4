/** The plumbing of the browser's JPEG decoding, full size or DCT-scaled (the decoder itself is Chromium's: tests/browser/scaled-decode.test.ts). */
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
    const { pixels, info } = await renderToModelSize(file, 'a.dcm', 32, 'stretch', undefined, { decoder: flat, dctScale: true });
    expect(asked).toEqual([[32, 32]]); // 256 / 8 = 32 still covers 32 px
    expect([info.columns, info.rows]).toEqual([SOURCE, SOURCE]);
    expect([pixels[0], pixels[31]]).toEqual([0, 255]); // min–max of what the decoder gave
  });

  it('asks for the full size without DCT scaling, or when the target is more than half the source', async () => {
    const asked: Array<[number, number]> = [];
    const declining = async (_stream: Uint8Array, width: number, height: number) => (asked.push([width, height]), null);
    await renderToModelSize(file, 'a.dcm', 32, 'stretch', undefined, { decoder: declining, dctScale: false });
    await renderToModelSize(file, 'a.dcm', 200, 'stretch', undefined, { decoder: declining, dctScale: true });
    expect(asked).toEqual([
      [SOURCE, SOURCE],
      [SOURCE, SOURCE],
    ]);
  });

  it("takes the decoder's full-size samples, and falls back to the WASM decode when it declines", async () => {
    const full = await renderToModelSize(file, 'a.dcm', 32, 'stretch');
    const declined = await renderToModelSize(file, 'a.dcm', 32, 'stretch', undefined, { decoder: async () => null, dctScale: true });
    expect(declined.pixels).toEqual(full.pixels);
    const inverted = await renderToModelSize(file, 'a.dcm', 32, 'stretch', undefined, {
      decoder: async (_stream, width, height) => new Uint8Array(width * height).fill(7).map((v, i) => (i % 3 === 0 ? 250 : v)),
      dctScale: false,
    });
    expect(inverted.pixels).not.toEqual(full.pixels); // the decoder's samples are used, not the WASM decode's
  });
});
