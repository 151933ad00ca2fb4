/**
 * The linear pipeline (Rescale → min–max → MONOCHROME1 as one affine map, applied after the area resize)
 * gives what the full float pipeline gives: resizing then mapping equals mapping then resizing.
 */
import { describe, expect, it } from 'vitest';
import { renderImageFile } from '../../../src/lib/dicom';
import { renderImageFileForResize } from '../../../src/lib/dicom/render';
import { renderToModelSize, resizeArea, toUint8 } from '../../../src/lib/image';
import { mulberry32 } from '../../../src/lib/random';
import { imageElements, nativePixelData, part10, uint16Bytes, type ElementSpec } from '../dicom/dicom-builder';

const EXPLICIT_LE = '1.2.840.10008.1.2.1';

function file(values: number[] | Uint8Array, rows: number, columns: number, opts: { bits?: 8 | 16; photometric?: string; extra?: ElementSpec[] } = {}): Uint8Array {
  const bits = opts.bits ?? 8;
  const bytes = bits === 16 ? uint16Bytes(Array.from(values)) : Uint8Array.from(values);
  return part10(EXPLICIT_LE, imageElements({ rows, columns, bitsAllocated: bits, photometric: opts.photometric, extra: opts.extra }), nativePixelData(bytes, bits));
}

const rescale = (slope: string, intercept: string): ElementSpec[] => [
  { tag: [0x0028, 0x1053], vr: 'DS', value: slope },
  { tag: [0x0028, 0x1052], vr: 'DS', value: intercept },
];

describe('linear pixel pipeline', () => {
  it('maps min–max by hand: samples 10, 20, 30, 50 → 0, 0.25, 0.5, 1; MONOCHROME1 and a negative slope mirror it', async () => {
    const plain = await renderImageFileForResize(file([10, 20, 30, 50], 2, 2), 'a.dcm');
    expect('linear' in plain && plain.linear).toMatchObject({ scale: 1 / 40, offset: -10 / 40 });
    expect(Array.from((await renderImageFile(file([10, 20, 30, 50], 2, 2), 'a.dcm')).pixels)).toEqual([0, 0.25, 0.5, 1]);
    const mono1 = await renderImageFile(file([10, 20, 30, 50], 2, 2, { photometric: 'MONOCHROME1' }), 'b.dcm');
    expect(Array.from(mono1.pixels)).toEqual([1, 0.75, 0.5, 0]);
    // slope −2, intercept 100: modality values 80, 60, 40, 0 → min–max 1, 0.75, 0.5, 0 (the intercept cancels)
    const negative = await renderImageFile(file([10, 20, 30, 50], 2, 2, { extra: rescale('-2', '100') }), 'c.dcm');
    expect(Array.from(negative.pixels)).toEqual([1, 0.75, 0.5, 0]);
    // a constant image is 0 (MONOCHROME1: 1), as the float path's min–max gives
    expect(Array.from((await renderImageFile(file([7, 7, 7, 7], 2, 2), 'd.dcm')).pixels)).toEqual([0, 0, 0, 0]);
    expect(Array.from((await renderImageFile(file([7, 7, 7, 7], 2, 2, { photometric: 'MONOCHROME1' }), 'e.dcm')).pixels)).toEqual([1, 1, 1, 1]);
  });

  it('takes the float path when a window is present (clamping is not affine)', async () => {
    const windowed = await renderImageFileForResize(
      file([10, 20, 30, 50], 2, 2, { extra: [{ tag: [0x0028, 0x1050], vr: 'DS', value: '30' }, { tag: [0x0028, 0x1051], vr: 'DS', value: '11' }] }),
      'w.dcm',
    );
    expect('pixels' in windowed).toBe(true);
  });

  it.each([
    ['8-bit MONOCHROME2', { bits: 8 as const }],
    ['8-bit MONOCHROME1', { bits: 8 as const, photometric: 'MONOCHROME1' }],
    ['16-bit with rescale', { bits: 16 as const, extra: rescale('0.5', '-1024') }],
    ['16-bit negative slope', { bits: 16 as const, extra: rescale('-3', '7') }],
  ])('resize-then-map equals map-then-resize at 224 px (%s)', async (_, opts) => {
    const rng = mulberry32(11);
    const [rows, columns] = [301, 257];
    const top = opts.bits === 16 ? 65535 : 255;
    const values = Array.from({ length: rows * columns }, (_, i) => Math.round(((Math.sin(i / 97) + 1) / 2) * top * 0.8 + rng() * top * 0.2));
    const bytes = file(values, rows, columns, opts);
    const full = await renderImageFile(bytes, 'x.dcm');
    const viaFloat = toUint8(resizeArea(full.pixels, columns, rows, 224, 224));
    const viaLinear = (await renderToModelSize(bytes, 'x.dcm', 224, 'stretch')).pixels;
    let differing = 0;
    for (let i = 0; i < viaFloat.length; i++) {
      expect(Math.abs(viaFloat[i] - viaLinear[i])).toBeLessThanOrEqual(1); // only a rounding tie may flip
      if (viaFloat[i] !== viaLinear[i]) differing++;
    }
    expect(differing / viaFloat.length).toBeLessThan(0.001);
  });
});
