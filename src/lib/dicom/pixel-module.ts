import type { DataSet } from 'dicom-parser';
import { StudioError } from '../errors';

/** The Image Pixel Module attributes the decoder needs (PS3.3 C.7.6.3), validated. */
export interface PixelModule {
  rows: number;
  columns: number;
  samplesPerPixel: 1 | 3;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  /** 0 unsigned, 1 two's complement */
  pixelRepresentation: 0 | 1;
  photometric: string;
  /** 0: R1G1B1R2G2B2…, 1: R1R2…G1G2…B1B2… */
  planarConfiguration: 0 | 1;
  frames: number;
}

/** Refuse anything above 2^28 pixels before a single byte is allocated for it. */
export const MAX_PIXELS = 2 ** 28;

const GREY = ['MONOCHROME1', 'MONOCHROME2'];
const COLOUR = ['RGB', 'YBR_FULL', 'YBR_FULL_422', 'YBR_PARTIAL_422', 'YBR_PARTIAL_420', 'YBR_ICT', 'YBR_RCT'];

export function isMonochrome(module: PixelModule): boolean {
  return GREY.includes(module.photometric);
}

/** Check rows/columns before allocating: a wrong header must not make us allocate gigabytes. */
export function assertSaneDimensions(rows: number, columns: number, name: string): void {
  if (!Number.isInteger(rows) || !Number.isInteger(columns) || rows <= 0 || columns <= 0) {
    throw new StudioError('absurd-dimensions', `${name}: the image size ${columns}×${rows} is not a usable size.`);
  }
  if (rows * columns > MAX_PIXELS) {
    throw new StudioError(
      'absurd-dimensions',
      `${name}: the image claims ${columns}×${rows} pixels, more than the ${MAX_PIXELS.toLocaleString('en-US')} this studio accepts.`,
    );
  }
}

export function readPixelModule(ds: DataSet, name: string): PixelModule {
  const rows = ds.uint16('x00280010') ?? 0;
  const columns = ds.uint16('x00280011') ?? 0;
  assertSaneDimensions(rows, columns, name);

  const photometric = (ds.string('x00280004') ?? 'MONOCHROME2').trim().toUpperCase();
  const samples = ds.uint16('x00280002') ?? (GREY.includes(photometric) ? 1 : 3);
  if (photometric === 'PALETTE COLOR') {
    throw new StudioError('unsupported-photometric', `${name}: PALETTE COLOR images are not supported (a chest X-ray is greyscale).`);
  }
  if (!GREY.includes(photometric) && !COLOUR.includes(photometric)) {
    throw new StudioError('unsupported-photometric', `${name}: Photometric Interpretation "${photometric}" is not supported.`);
  }
  if (samples !== 1 && samples !== 3) {
    throw new StudioError('unsupported-photometric', `${name}: ${samples} samples per pixel are not supported (1 or 3 are).`);
  }
  if (GREY.includes(photometric) !== (samples === 1)) {
    throw new StudioError('unsupported-photometric', `${name}: ${photometric} with ${samples} samples per pixel is inconsistent.`);
  }

  const bitsAllocated = ds.uint16('x00280100') ?? 0;
  if (![1, 8, 16, 32].includes(bitsAllocated)) {
    throw new StudioError('decode-failed', `${name}: Bits Allocated (0028,0100) = ${bitsAllocated} is not supported (1, 8, 16 or 32 are).`);
  }
  // Bits that cannot lie inside the Bits Allocated container are refused (the samples cannot be read as declared);
  // a missing or zero Bits Stored and a High Bit below Bits Stored − 1 keep their earlier lenient defaults.
  let bitsStored = ds.uint16('x00280101') ?? bitsAllocated;
  if (bitsStored > bitsAllocated) {
    throw new StudioError(
      'bad-bit-layout',
      `${name}: Bits Stored (0028,0101) = ${bitsStored} is more than Bits Allocated (0028,0100) = ${bitsAllocated}.`,
    );
  }
  if (bitsStored < 1) bitsStored = bitsAllocated;
  let highBit = ds.uint16('x00280102') ?? bitsStored - 1;
  if (highBit >= bitsAllocated) {
    throw new StudioError(
      'bad-bit-layout',
      `${name}: High Bit (0028,0102) = ${highBit} lies outside the ${bitsAllocated} bits allocated (0028,0100): it must be at most ${bitsAllocated - 1}.`,
    );
  }
  if (highBit < bitsStored - 1) highBit = bitsStored - 1;

  const frames = Math.max(1, ds.intString('x00280008') ?? 1);
  return {
    rows,
    columns,
    samplesPerPixel: samples,
    bitsAllocated,
    bitsStored,
    highBit,
    pixelRepresentation: ds.uint16('x00280103') === 1 ? 1 : 0,
    photometric,
    planarConfiguration: ds.uint16('x00280006') === 1 ? 1 : 0,
    frames: Number.isFinite(frames) ? frames : 1,
  };
}
