/** Small DICOM files built in the test: layouts, encodings and every refusal code. */
import { describe, expect, it } from 'vitest';
import { renderImageFile, sniffFormat } from '../../../src/lib/dicom';
import {
  encapsulatedPixelData,
  imageElements,
  implicitElement,
  nativePixelData,
  part10,
  rleFrame,
  uint16Bytes,
} from './dicom-builder';
import { expectRefused, refusal } from './refusal';

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const RLE = '1.2.840.10008.1.2.5';

describe('native pixel data end to end', () => {
  it('renders 12-bit signed CT with rescale and window, and MONOCHROME1', async () => {
    // stored −1024, 0, 1000, 2047 (sign-extended in 16 bits), no rescale; window c 0, w 2001 → c' = −0.5, w' = 2000:
    // −1024 ≤ −1000.5 → 0;  0 → (0 + 0.5)/2000 + 0.5 = 0.50025;  1000 and 2047 > 999.5 → 1
    const extra = [
      { tag: [0x0028, 0x1050] as [number, number], vr: 'DS', value: '0' },
      { tag: [0x0028, 0x1051] as [number, number], vr: 'DS', value: '2001' },
    ];
    const pixels = uint16Bytes([-1024, 0, 1000, 2047]);
    const spec = { rows: 2, columns: 2, bitsAllocated: 16, bitsStored: 12, pixelRepresentation: 1, extra };
    const mono2 = await renderImageFile(part10(EXPLICIT_LE, imageElements(spec), nativePixelData(pixels, 16)), 'a.dcm');
    expect(mono2.info.voi).toBe('window');
    expect(Array.from(mono2.pixels)).toEqual([0, 0.5 + 0.5 / 2000, 1, 1].map(Math.fround));
    const mono1 = await renderImageFile(
      part10(EXPLICIT_LE, imageElements({ ...spec, photometric: 'MONOCHROME1' }), nativePixelData(pixels, 16)),
      'b.dcm',
    );
    expect(Array.from(mono1.pixels)).toEqual(Array.from(mono2.pixels).map((v) => Math.fround(1 - v)));
  });

  it('reads a raw implicit-VR data set without preamble, detected by content', async () => {
    const elements = imageElements({ rows: 1, columns: 3 }).map(implicitElement);
    const pixel = implicitElement({ tag: [0x7fe0, 0x0010], vr: 'OB', value: new Uint8Array([0, 100, 200, 0]) });
    const bytes = new Uint8Array([...elements.flatMap((e) => [...e]), ...pixel]);
    expect(sniffFormat(bytes)).toBe('dicom');
    const image = await renderImageFile(bytes, 'NOEXT');
    expect(Array.from(image.pixels)).toEqual([0, 0.5, 1]);
    expect(image.info.transferSyntax).toBe('1.2.840.10008.1.2');
  });

  it('turns RGB (interleaved and planar) and native YBR_FULL_422 into grey', async () => {
    const colour = { rows: 1, columns: 2, samplesPerPixel: 3 };
    const planarFlag = { tag: [0x0028, 0x0006] as [number, number], vr: 'US', value: [1] };
    // a red and a green pixel: R G B R G B interleaved, R R G G B B planar
    const rgb = await renderImageFile(part10(EXPLICIT_LE, imageElements({ ...colour, photometric: 'RGB' }), nativePixelData(new Uint8Array([255, 0, 0, 0, 255, 0]))), 'rgb.dcm');
    const planar = await renderImageFile(
      part10(EXPLICIT_LE, imageElements({ ...colour, photometric: 'RGB', extra: [planarFlag] }), nativePixelData(new Uint8Array([255, 0, 0, 255, 0, 0]))),
      'planar.dcm',
    );
    expect(Array.from(rgb.pixels)).toEqual([0.299, 0.587].map(Math.fround));
    expect(Array.from(planar.pixels)).toEqual(Array.from(rgb.pixels));
    expect(rgb.info.voi).toBe('none');
    // Y1 Y2 Cb Cr = 0, 255, 128, 128: grey is Y
    const ybr = await renderImageFile(part10(EXPLICIT_LE, imageElements({ ...colour, photometric: 'YBR_FULL_422' }), nativePixelData(new Uint8Array([0, 255, 128, 128]))), 'ybr.dcm');
    expect(Array.from(ybr.pixels)).toEqual([0, 1]);
  });

  it('lists text elements with keywords, as plain strings', async () => {
    const extra = [{ tag: [0x0010, 0x0010] as [number, number], vr: 'PN', value: '<b>Doe^Jane</b>' }];
    const image = await renderImageFile(part10(EXPLICIT_LE, imageElements({ rows: 1, columns: 2, extra }), nativePixelData(new Uint8Array([0, 255]))), 'x.dcm');
    expect(image.info.textElements).toContainEqual(['(0010,0020)', 'PatientID', 'PAT-1']);
    expect(image.info.textElements).toContainEqual(['(0010,0010)', 'PatientName', '<b>Doe^Jane</b>']);
    expect(image.info.textElements).toContainEqual(['(0002,0010)', 'TransferSyntaxUID', EXPLICIT_LE]);
    expect(image.info.patientId).toBe('PAT-1');
    expect(image.info.modality).toBe('DX');
  });
});

describe('RLE Lossless and encapsulated frames', () => {
  const frameA = rleFrame([new Uint8Array([0, 50, 100, 200])]);
  const frameB = rleFrame([new Uint8Array([200, 100, 50, 0])]);
  const spec = { rows: 2, columns: 2, frames: 2 };

  it('decodes 8-bit RLE, first frame of two, with and without a Basic Offset Table', async () => {
    // offsets in the table count from the first fragment's item tag; each item has an 8-byte header
    const withTable = encapsulatedPixelData([frameA, frameB], [0, frameA.length + 8]);
    const withoutTable = encapsulatedPixelData([frameA, frameB]);
    for (const pixelData of [withTable, withoutTable]) {
      const image = await renderImageFile(part10(RLE, imageElements(spec), pixelData), 'rle.dcm');
      expect(Array.from(image.pixels)).toEqual([0, 0.25, 0.5, 1]);
      expect(image.info.frames).toBe(2);
    }
  });

  it('decodes 16-bit RLE (high bytes in segment 0, low bytes in segment 1)', async () => {
    // values 0x0100 = 256, 0x0200 = 512, 0x0001 = 1, 0x0000 = 0 → min–max over [0, 512]
    const frame = rleFrame([new Uint8Array([1, 2, 0, 0]), new Uint8Array([0, 0, 1, 0])]);
    const bytes = part10(RLE, imageElements({ rows: 2, columns: 2, bitsAllocated: 16 }), encapsulatedPixelData([frame]));
    const image = await renderImageFile(bytes, 'rle16.dcm');
    expect(Array.from(image.pixels)).toEqual([0.5, 1, 1 / 512, 0].map(Math.fround));
  });
});

describe('refusals', () => {
  it('empty-file', async () => {
    await expectRefused(new Uint8Array(0), 'empty-file', /empty \(0 bytes\)/);
  });
  it('not-dicom for text and for random bytes', async () => {
    await expectRefused(new TextEncoder().encode('# notes\nnot an image at all'), 'not-dicom', /neither DICOM/);
    expect(sniffFormat(new TextEncoder().encode('hello'))).toBeNull();
  });
  it('no-pixel-data', async () => {
    await expectRefused(part10(EXPLICIT_LE, imageElements({ rows: 2, columns: 2 })), 'no-pixel-data', /no Pixel Data \(7FE0,0010\) element: this DICOM file holds no image/);
  });
  it('absurd-dimensions before allocating, and for 0 rows', async () => {
    const huge = part10(EXPLICIT_LE, imageElements({ rows: 65535, columns: 65535 }), nativePixelData(new Uint8Array(16)));
    await expectRefused(huge, 'absurd-dimensions', /65535×65535/);
    const empty = part10(EXPLICIT_LE, imageElements({ rows: 0, columns: 4 }), nativePixelData(new Uint8Array(16)));
    await expectRefused(empty, 'absurd-dimensions', /not a usable size/);
  });
  it('pixel-data-too-short', async () => {
    const bytes = part10(EXPLICIT_LE, imageElements({ rows: 4, columns: 4, bitsAllocated: 16 }), nativePixelData(new Uint8Array(10), 16));
    await expectRefused(bytes, 'pixel-data-too-short', /holds 10 bytes .* need 32/);
  });
  it('pixel-data-too-short for a file cut inside Pixel Data, truncated for one cut inside the header', async () => {
    const whole = part10(EXPLICIT_LE, imageElements({ rows: 4, columns: 4, bitsAllocated: 16 }), nativePixelData(new Uint8Array(32), 16));
    await expectRefused(whole.subarray(0, whole.length - 6), 'pixel-data-too-short', /holds 26 bytes .* need 32/);
    await expectRefused(whole.subarray(0, 200), 'truncated', /cut short or damaged/);
  });
  it('unsupported-transfer-syntax names the syntax', async () => {
    const bytes = part10('1.2.840.10008.1.2.4.100', imageElements({ rows: 2, columns: 2 }), encapsulatedPixelData([new Uint8Array(8)]));
    await expectRefused(bytes, 'unsupported-transfer-syntax', /1\.2\.840\.10008\.1\.2\.4\.100 \(MPEG2 Main Profile/);
  });
  it.each([
    ['1.2.840.10008.1.2.4.50', 'JPEG Baseline'],
    ['1.2.840.10008.1.2.4.70', 'JPEG Lossless'],
    ['1.2.840.10008.1.2.4.80', 'JPEG-LS'],
    ['1.2.840.10008.1.2.4.90', 'JPEG 2000'],
    ['1.2.840.10008.1.2.4.201', 'High-Throughput JPEG 2000'],
    ['1.2.840.10008.1.2.5', 'RLE'],
  ])('corrupt-compressed-stream for garbage in %s', async (ts, name) => {
    const garbage = new Uint8Array(64).map((_, i) => (i * 37 + 11) & 0xff);
    const bytes = part10(ts, imageElements({ rows: 8, columns: 8 }), encapsulatedPixelData([garbage]));
    const error = await refusal(bytes);
    expect(error.code).toBe('corrupt-compressed-stream');
    expect(error.message).toContain(name);
  });
});

describe('sniffFormat', () => {
  it('recognises PNG and JPEG magic bytes', () => {
    expect(sniffFormat(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('png');
    expect(sniffFormat(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))).toBe('jpeg');
    expect(sniffFormat(part10(EXPLICIT_LE, []))).toBe('dicom');
  });
});
