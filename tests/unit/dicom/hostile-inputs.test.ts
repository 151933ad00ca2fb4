/**
 * Hostile headers: a deflate bomb is refused early and cheaply, and Number of Frames, High Bit / Bits Stored and
 * Rescale Slope / Intercept that do not fit the data are refused with the element named. Well-formed deflated
 * files (sequences of undefined length, elements after Pixel Data, bytes after the deflate stream) still parse.
 */
import { createInflateRaw } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { StudioError } from '../../../src/lib/errors';
import { renderImageFile } from '../../../src/lib/dicom';
import { INFLATE_MARGIN, MAX_INFLATED_BYTES } from '../../../src/lib/dicom/inflate';
import { DEFLATED_EXPLICIT_LE, deflateBomb, deflatedDicom, deflatedPart10, deflateWithZeros } from '../../support/deflate-bomb';
import { encapsulatedPixelData, explicitElement, imageElements, nativePixelData, part10, rleFrame, uint16Bytes, withValue, type ElementSpec } from './dicom-builder';
import { expectRefused } from './refusal';

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const MiB = 2 ** 20;


/** Bytes a raw deflate stream inflates to, counted by Node's zlib (an independent inflater) without keeping them. */
function inflatedLength(deflated: Uint8Array): Promise<number> {
  return new Promise((resolve, reject) => {
    let n = 0;
    const z = createInflateRaw();
    z.on('data', (chunk: Buffer) => (n += chunk.length));
    z.on('end', () => resolve(n));
    z.on('error', reject);
    z.end(Buffer.from(deflated.buffer, deflated.byteOffset, deflated.byteLength));
  });
}

const metaLength = part10(DEFLATED_EXPLICIT_LE, []).length;
const MB = (bytes: number) => bytes / 1e6;

describe('deflate bomb', () => {
  const spec = imageElements({ rows: 512, columns: 512, bitsAllocated: 16, bitsStored: 12 });

  it('a 1 GiB bomb declaring 512×512×16-bit is refused with < 200 MB more memory (timings printed; npm run bench:hostile measures them)', async () => {
    const started = performance.now();
    const bomb = deflateBomb(spec, 1024);
    const generatedMs = performance.now() - started;
    expect(bomb.inflatedLength).toBeGreaterThanOrEqual(2 ** 30);
    // the generator is checked by another inflater: the stream really inflates to the header + 1 GiB of zeros
    const zlibStarted = performance.now();
    expect(await inflatedLength(bomb.bytes.subarray(metaLength))).toBe(bomb.inflatedLength);
    const zlibMs = performance.now() - zlibStarted;

    const before = process.memoryUsage();
    const parseStarted = performance.now();
    const error = await renderImageFile(bomb.bytes, 'bomb.dcm').catch((e: unknown) => e);
    const parseMs = performance.now() - parseStarted;
    const after = process.memoryUsage();
    const rssMb = MB(after.rss - before.rss);
    const arrayBuffersMb = MB(after.arrayBuffers - before.arrayBuffers);
    console.log(
      `deflate bomb: ${bomb.bytes.length.toLocaleString('en-US')} bytes inflating to ${bomb.inflatedLength.toLocaleString('en-US')}; ` +
        `generated in ${generatedMs.toFixed(0)} ms, zlib count ${zlibMs.toFixed(0)} ms; refused in ${parseMs.toFixed(0)} ms, ` +
        `rss ${rssMb >= 0 ? '+' : ''}${rssMb.toFixed(1)} MB, arrayBuffers ${arrayBuffersMb >= 0 ? '+' : ''}${arrayBuffersMb.toFixed(1)} MB\n` +
        `  ${(error as Error).message}`,
    );
    expect(error).toBeInstanceOf(StudioError);
    expect((error as StudioError).code).toBe('inflated-too-large');
    expect((error as StudioError).message).toMatch(
      /^bomb\.dcm: the deflated data set inflates to more than [\d,]+ bytes, but its pixel module declares 512×512 pixels × 1 sample\(s\) × 16 bits allocated × 1 frame\(s\) = 524,288 bytes of Pixel Data/,
    );
    expect(rssMb).toBeLessThan(200);
    expect(arrayBuffersMb).toBeLessThan(200);
  }, 30_000);

  it('finds the pixel module past sequences of undefined length, and refuses as soon as the limit is passed', async () => {
    const item = (elements: ElementSpec[]) =>
      new Uint8Array([0xfe, 0xff, 0x00, 0xe0, 0xff, 0xff, 0xff, 0xff, ...elements.flatMap((e) => [...explicitElement(e)]), 0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0]);
    // (0008,1140) SQ of undefined length: one item holding a Rows of 60000 that must not count (it is nested)
    const sequence = new Uint8Array([
      ...[0x08, 0x00, 0x40, 0x11, 0x53, 0x51, 0, 0, 0xff, 0xff, 0xff, 0xff],
      ...item([{ tag: [0x0028, 0x0010], vr: 'US', value: [60000] }]),
      ...[0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0],
    ]);
    const small = imageElements({ rows: 64, columns: 64 });
    const before = small.filter((e) => e.tag[0] < 0x0008 || (e.tag[0] === 0x0008 && e.tag[1] < 0x1140));
    const after = small.filter((e) => !before.includes(e));
    const pixelHeader = new Uint8Array([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 0, 0, 0, 0x10]); // OB, 256 MiB
    const dataSet = new Uint8Array([
      ...before.flatMap((e) => [...explicitElement(e)]),
      ...sequence,
      ...after.flatMap((e) => [...explicitElement(e)]),
      ...pixelHeader,
    ]);
    const bytes = new Uint8Array([...part10(DEFLATED_EXPLICIT_LE, []), ...deflateWithZeros(dataSet, 256)]);
    await expectRefused(bytes, 'inflated-too-large', /declares 64×64 pixels × 1 sample\(s\) × 8 bits allocated × 1 frame\(s\) = 4,096 bytes of Pixel Data/);
  });

  it(`holds a Number of Frames the data cannot back to the ${MAX_INFLATED_BYTES / MiB} MiB ceiling`, async () => {
    const frames = withValue(spec, [0x0028, 0x0008], 'IS', '100000');
    const bomb = deflateBomb(frames, 1024);
    const before = process.memoryUsage();
    const started = performance.now();
    await expectRefused(
      bomb.bytes,
      'inflated-too-large',
      /more than 134,217,728 bytes \(128 MiB\), the most this studio inflates \(its pixel module declares 512×512 .* × 100,000 frame\(s\) = 52,428,800,000 bytes/,
    );
    const ms = performance.now() - started;
    const after = process.memoryUsage();
    const arrayBuffersMb = MB(after.arrayBuffers - before.arrayBuffers);
    console.log(`ceiling: refused in ${ms.toFixed(0)} ms, rss +${MB(after.rss - before.rss).toFixed(1)} MB, arrayBuffers +${arrayBuffersMb.toFixed(1)} MB`);
    // the ceiling plus fflate's transient buffers not yet collected: bounded by the ceiling, not by the 1 GiB bomb
    expect(arrayBuffersMb).toBeLessThan(MB(4 * MAX_INFLATED_BYTES));
  }, 30_000);
});

describe('well-formed deflated files still parse', () => {
  const pixels = uint16Bytes(Array.from({ length: 512 * 512 }, (_, i) => (i * 7) & 0xfff));
  const spec = imageElements({ rows: 512, columns: 512, bitsAllocated: 16, bitsStored: 12 });

  it('a 512×512 16-bit deflated file decodes like its explicit VR twin', async () => {
    const deflated = await renderImageFile(deflatedDicom(spec, pixels), 'deflated.dcm');
    const plain = await renderImageFile(part10(EXPLICIT_LE, spec, nativePixelData(pixels, 16)), 'plain.dcm');
    expect(deflated.info.transferSyntax).toBe(DEFLATED_EXPLICIT_LE);
    expect(Array.from(deflated.pixels)).toEqual(Array.from(plain.pixels));
  });

  it('allows elements after Pixel Data within the margin and ignores bytes after the deflate stream', async () => {
    // (FFFC,FFFC) Data Set Trailing Padding of 1 MiB after Pixel Data; then 3 MiB of junk after the stream's end
    const padding = { tag: [0xfffc, 0xfffc] as [number, number], vr: 'OB', value: new Uint8Array(MiB) };
    expect(MiB).toBeLessThan(INFLATE_MARGIN);
    const file = deflatedDicom([...spec, padding], pixels);
    const junk = new Uint8Array(3 * MiB).map((_, i) => (i * 31) & 0xff);
    const image = await renderImageFile(new Uint8Array([...file, ...junk]), 'padded.dcm');
    expect(image.width).toBe(512);
  });

  it('parses a file whose header the walk cannot size (UN of undefined length, 120,000 elements) under the ceiling', async () => {
    // 120,000 empty private LO elements in group 0009: the walk stops at 100,000 and the ceiling holds instead
    const many = new Uint8Array(120_000 * 8);
    for (let i = 0; i < 120_000; i++) many.set([0x09, 0x00, i & 0xff, (i >> 8) & 0xff, 0x4c, 0x4f, 0, 0], i * 8);
    // a private (0011,1010) UN of undefined length holding no items: the walk cannot step over it
    const un = new Uint8Array([0x11, 0x00, 0x10, 0x10, 0x55, 0x4e, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);
    for (const [label, extra] of [['many elements', many], ['UN of undefined length', un]] as const) {
      const dataSet = new Uint8Array([...extra, ...spec.flatMap((e) => [...explicitElement(e)]), ...explicitElement({ tag: [0x7fe0, 0x0010], vr: 'OW', value: pixels })]);
      const image = await renderImageFile(deflatedPart10(dataSet), 'unsized.dcm');
      expect(image.width, label).toBe(512);
    }
  });

  it('refuses a deflate stream cut short as decode-failed', async () => {
    const file = deflatedDicom(spec, pixels);
    await expectRefused(file.subarray(0, file.length - 200), 'decode-failed', /deflated data set could not be inflated/);
  });
});

describe('Number of Frames beyond the pixel data', () => {
  it('refuses NumberOfFrames=100000 on a one-frame native file', async () => {
    const elements = imageElements({ rows: 8, columns: 8, bitsAllocated: 16, frames: 100000 });
    await expectRefused(
      part10(EXPLICIT_LE, elements, nativePixelData(new Uint8Array(128), 16)),
      'pixel-data-too-short',
      /Number of Frames \(0028,0008\) is 100,000, but Pixel Data holds 128 bytes, enough for 1 frame\(s\) of 128 bytes \(12,800,000 needed\)/,
    );
  });

  it('refuses more frames than encapsulated fragments', async () => {
    const frame = rleFrame([new Uint8Array([0, 50, 100, 200])]);
    await expectRefused(
      part10('1.2.840.10008.1.2.5', imageElements({ rows: 2, columns: 2, frames: 3 }), encapsulatedPixelData([frame, frame])),
      'pixel-data-too-short',
      /Number of Frames \(0028,0008\) is 3, but the encapsulated Pixel Data holds 2 fragment\(s\)/,
    );
  });

  it('accepts a native file holding every frame it declares (1-bit frames packed across byte boundaries)', async () => {
    const two = await renderImageFile(part10(EXPLICIT_LE, imageElements({ rows: 2, columns: 2, frames: 2 }), nativePixelData(new Uint8Array([0, 50, 100, 200, 1, 2, 3, 4]))), 'two.dcm');
    expect(two.info.frames).toBe(2);
    // 3×3 pixels × 1 bit × 3 frames = 27 bits: 4 bytes hold all three frames
    const bits = imageElements({ rows: 3, columns: 3, bitsAllocated: 1, frames: 3 });
    const packed = await renderImageFile(part10(EXPLICIT_LE, bits, nativePixelData(new Uint8Array([0x55, 0x01, 0, 0]))), 'bits.dcm');
    expect(packed.info.frames).toBe(3);
  });
});

describe('bit positions outside Bits Allocated', () => {
  const elements = imageElements({ rows: 2, columns: 2, bitsAllocated: 16, bitsStored: 12 });
  const pixelData = nativePixelData(uint16Bytes([0, 1, 2, 3]), 16);

  it('refuses HighBit=40 with 16 bits allocated', async () => {
    await expectRefused(
      part10(EXPLICIT_LE, withValue(elements, [0x0028, 0x0102], 'US', [40]), pixelData),
      'bad-bit-layout',
      /High Bit \(0028,0102\) = 40 lies outside the 16 bits allocated \(0028,0100\): it must be at most 15/,
    );
  });

  it('refuses HighBit = BitsAllocated', async () => {
    await expectRefused(part10(EXPLICIT_LE, withValue(elements, [0x0028, 0x0102], 'US', [16]), pixelData), 'bad-bit-layout', /High Bit \(0028,0102\) = 16/);
  });

  it('refuses BitsStored > BitsAllocated', async () => {
    await expectRefused(
      part10(EXPLICIT_LE, withValue(elements, [0x0028, 0x0101], 'US', [20]), pixelData),
      'bad-bit-layout',
      /Bits Stored \(0028,0101\) = 20 is more than Bits Allocated \(0028,0100\) = 16/,
    );
  });

  it('still reads 12 bits stored at High Bit 15 (shifted), and takes a High Bit below Bits Stored − 1 as Bits Stored − 1', async () => {
    const plain = await renderImageFile(part10(EXPLICIT_LE, elements, pixelData), 'plain.dcm');
    const shiftedPixels = nativePixelData(uint16Bytes([0x0000, 0x0010, 0x0020, 0x0030]), 16);
    const shifted = await renderImageFile(part10(EXPLICIT_LE, withValue(elements, [0x0028, 0x0102], 'US', [15]), shiftedPixels), 'shifted.dcm');
    expect(Array.from(shifted.pixels)).toEqual(Array.from(plain.pixels));
    const low = await renderImageFile(part10(EXPLICIT_LE, withValue(elements, [0x0028, 0x0102], 'US', [3]), pixelData), 'low.dcm');
    expect(Array.from(low.pixels)).toEqual(Array.from(plain.pixels));
  });
});

describe('rescale values that do not fit', () => {
  const elements = imageElements({ rows: 2, columns: 2, bitsAllocated: 16, bitsStored: 12 });
  const pixelData = nativePixelData(uint16Bytes([0, 1, 2, 4095]), 16);
  const withRescale = (slope?: string, intercept?: string) => {
    let list = elements;
    if (slope !== undefined) list = withValue(list, [0x0028, 0x1053], 'DS', slope);
    if (intercept !== undefined) list = withValue(list, [0x0028, 0x1052], 'DS', intercept);
    return part10(EXPLICIT_LE, list, pixelData);
  };

  it('refuses RescaleSlope=1e308: slope × the largest stored value overflows', async () => {
    await expectRefused(
      withRescale('1e308'),
      'bad-rescale',
      /Rescale Slope \(0028,1053\) = 1e308 and Rescale Intercept \(0028,1052\) = 0 map the stored values 0…4095 to 0…Infinity/,
    );
  });

  it('refuses a slope of 0, and a slope or intercept that is not a finite number', async () => {
    await expectRefused(withRescale('0'), 'bad-rescale', /Rescale Slope \(0028,1053\) is 0/);
    await expectRefused(withRescale('1e400'), 'bad-rescale', /Rescale Slope \(0028,1053\) = "1e400" is not a finite number/);
    await expectRefused(withRescale('abc'), 'bad-rescale', /Rescale Slope \(0028,1053\) = "abc" is not a finite number/);
    await expectRefused(withRescale('1', '-1e309'), 'bad-rescale', /Rescale Intercept \(0028,1052\) = "-1e309" is not a finite number/);
    await expectRefused(withRescale('-1e305', '-1e308'), 'bad-rescale', /map the stored values 0…4095 to -1e\+308…-Infinity/);
  });

  it('still accepts ordinary, negative and blank rescale values', async () => {
    for (const [slope, intercept] of [['2.5', '-1024'], ['-1', '0'], [' ', ' ']]) {
      const image = await renderImageFile(withRescale(slope, intercept), 'ok.dcm');
      expect(image.pixels.every((v) => v >= 0 && v <= 1)).toBe(true);
    }
  });
});
