/** PNG and JPEG files import through the same RenderedImage as DICOM. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as dicomParser from 'dicom-parser';
import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { renderImageFile } from '../../../src/lib/dicom';
import { renderToModelSize } from '../../../src/lib/image';

const png = (width: number, height: number, channels: number, data: Uint8Array | Uint16Array, depth: 8 | 16 = 8) =>
  encode({ width, height, channels, data, depth });

describe('PNG', () => {
  it('8-bit grey: value / 255', async () => {
    const image = await renderImageFile(png(2, 1, 1, new Uint8Array([0, 51])), 'a.png');
    expect(image.info).toMatchObject({ format: 'png', rows: 1, columns: 2, voi: 'none' });
    expect(Array.from(image.pixels)).toEqual([0, 0.2].map(Math.fround));
  });
  it('16-bit grey: value / 65535', async () => {
    const image = await renderImageFile(png(2, 1, 1, new Uint16Array([65535, 13107]), 16), 'b.png');
    expect(Array.from(image.pixels)).toEqual([1, 0.2].map(Math.fround));
  });
  it('1-bit grey: packed rows, most significant bit first', async () => {
    // row 0: 1 0 1 → 0b1010_0000; row 1: 0 1 1 → 0b0110_0000
    const bytes = encode({ width: 3, height: 2, channels: 1, depth: 1, data: new Uint8Array([0xa0, 0x60]) });
    const image = await renderImageFile(bytes, 'bits.png');
    expect(Array.from(image.pixels)).toEqual([1, 0, 1, 0, 1, 1]);
  });
  it('RGB and RGBA: BT.601 luma, alpha ignored', async () => {
    const rgb = await renderImageFile(png(1, 1, 3, new Uint8Array([255, 255, 0])), 'c.png');
    const rgba = await renderImageFile(png(1, 1, 4, new Uint8Array([255, 255, 0, 7])), 'd.png');
    expect(rgb.pixels[0]).toBeCloseTo(0.299 + 0.587, 6);
    expect(rgba.pixels[0]).toBeCloseTo(0.299 + 0.587, 6);
  });
  it('renders to model size: stretch and letterbox', async () => {
    const wide = png(4, 2, 1, new Uint8Array([255, 255, 255, 255, 255, 255, 255, 255]));
    const stretched = await renderToModelSize(wide, 'w.png', 4, 'stretch');
    expect(Array.from(stretched.pixels)).toEqual(new Array(16).fill(255));
    const boxed = await renderToModelSize(wide, 'w.png', 4, 'letterbox');
    expect(Array.from(boxed.pixels)).toEqual([...new Array(4).fill(0), ...new Array(8).fill(255), ...new Array(4).fill(0)]);
  });
});

const cxrFile = path.resolve(__dirname, '../../../../shared/data/cxr-dicom/NORMAL/IM-0115-0001.dcm');

describe.skipIf(!existsSync(cxrFile))('JPEG files (a JPEG baseline frame taken out of a shared-data DICOM)', () => {
  it('decode like the same frame inside DICOM, up to the DICOM min–max scaling', async () => {
    const dicomBytes = new Uint8Array(readFileSync(cxrFile));
    const ds = dicomParser.parseDicom(dicomBytes);
    const pixel = ds.elements.x7fe00010;
    const jpegBytes = dicomParser.readEncapsulatedPixelDataFromFragments(ds, pixel, 0, pixel.fragments!.length).slice();
    const asJpeg = await renderImageFile(jpegBytes, 'frame.jpg');
    const asDicom = await renderImageFile(dicomBytes, 'frame.dcm');
    expect(asJpeg.info.format).toBe('jpeg');
    expect([asJpeg.width, asJpeg.height]).toEqual([asDicom.width, asDicom.height]);
    expect(asDicom.info.voi).toBe('minmax');
    // DICOM display = (v − min)/(max − min) of the same 8-bit samples v = 255 · JPEG display
    const v = Array.from(asJpeg.pixels, (p) => Math.round(p * 255));
    const min = Math.min(...v);
    const max = Math.max(...v);
    v.forEach((x, i) => expect(asDicom.pixels[i]).toBeCloseTo((x - min) / (max - min), 5));
  });
});

describe('JPEG safety', () => {
  it('refuses a JPEG whose frame header claims absurd dimensions before decoding', async () => {
    // SOI, SOF0 (length 11, precision 8, 65535 × 65535, 1 component), EOI
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xc0, 0, 11, 8, 0xff, 0xff, 0xff, 0xff, 1, 1, 0x11, 0, 0xff, 0xd9]);
    const error = await renderImageFile(bytes, 'huge.jpg').catch((e: unknown) => e);
    expect((error as { code: string }).code).toBe('absurd-dimensions');
  });
});
