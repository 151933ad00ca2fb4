import type { DataSet } from 'dicom-parser';
import { StudioError } from '../errors';
import { decodeFirstFrame, decodeFirstFrameScaled, type RawFrame, type ScaledDecodeTarget } from './decode';
import { parseDataSet } from './parse';
import { decodeJpegGrey, decodePngGrey, type GreyRaster } from './raster';
import { isMonochrome, readPixelModule, type PixelModule } from './pixel-module';
import { applyModality, applyVoi, colourToGrey, invert, mapAffine, storedValues, type ModalityTransform, type VoiTransform } from './pixel-values';
import { sniffFormat } from './sniff';
import { textElements } from './text-elements';
import { describeTransferSyntax, findTransferSyntax } from './transfer-syntax';
import { readModalityTransform, readVoiTransform, storedValueRange } from './transforms';

export { sniffFormat } from './sniff';

export interface ImageInfo {
  format: 'dicom' | 'png' | 'jpeg';
  transferSyntax?: string;
  photometric?: string;
  rows: number;
  columns: number;
  bitsAllocated?: number;
  bitsStored?: number;
  pixelRepresentation?: number;
  frames?: number;
  voi: 'window' | 'voi-lut' | 'minmax' | 'none';
  patientId?: string;
  studyInstanceUid?: string;
  sopInstanceUid?: string;
  modality?: string;
  /** ViewPosition (0018,5101): PA, AP, LL … */
  viewPosition?: string;
  manufacturer?: string;
  /** PixelSpacing (0028,0030) as written: "row\\column" in mm */
  pixelSpacing?: string;
  /** every text element as [tag, keyword-or-tag, value] for the metadata viewer (strings only, never HTML) */
  textElements: Array<[string, string, string]>;
  /** what a structural pre-check found in a file the codec decoded anyway */
  warnings?: string[];
}

export interface RenderedImage {
  width: number;
  height: number;
  /** display values in [0,1], row-major */
  pixels: Float32Array;
  info: ImageInfo;
}

/** Display values as one affine map of the stored samples: display = scale · sample + offset, in [0, 1]. */
export interface LinearSamples {
  samples: Uint8Array | Uint8ClampedArray | Uint16Array;
  scale: number;
  offset: number;
}

/** Charges the time since the last call to a stage of the import (see StageClock); optional everywhere. */
export type Lap = (stage: 'parse' | 'decode' | 'pipeline') => void;
const noLap: Lap = () => {};

/** A rendering whose display values may still be in their linear form (see linearPipeline). */
export type RenderedForResize = Omit<RenderedImage, 'pixels'> & ({ pixels: Float32Array } | { linear: LinearSamples });

const VOI_KIND = { window: 'window', lut: 'voi-lut', minmax: 'minmax' } as const;

function trimmed(ds: DataSet, tag: string): string | undefined {
  const value = ds.string(tag)?.trim();
  return value ? value : undefined;
}

/**
 * When Rescale (Modality) → min–max (VOI) → MONOCHROME1 inversion is a single affine map of unsigned,
 * unmasked samples (the usual 8-bit JPEG chest film), that map; else null. Min–max of slope·v + intercept
 * is min–max of v (mirrored for a negative slope): the intercept cancels. A constant image maps to 0
 * (MONOCHROME1: 1), as normaliseMinMax does. Resizing the samples and mapping after is exact (an area
 * average commutes with an affine map) and skips three full-resolution float passes.
 */
function linearPipeline(raw: RawFrame, m: PixelModule, modality: ModalityTransform, voi: VoiTransform): LinearSamples | null {
  // (libjpeg-turbo's 8-bit output arrives as a Uint8ClampedArray)
  const samples: unknown = raw.samples;
  if (!(samples instanceof Uint8Array || samples instanceof Uint8ClampedArray || samples instanceof Uint16Array)) return null;
  if (m.pixelRepresentation !== 0 || raw.shift !== 0 || m.bitsStored !== samples.BYTES_PER_ELEMENT * 8) return null;
  if (modality.kind !== 'rescale' || voi.kind !== 'minmax') return null;
  const count = m.rows * m.columns;
  if (samples.length < count) return null;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < count; i++) {
    const v = samples[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // the float32 path clamps huge rescaled values; leave such files to it
  if (Math.abs(modality.slope) * max + Math.abs(modality.intercept) > 1e30) return null;
  const span = max - min;
  let scale = span > 0 ? (modality.slope > 0 ? 1 / span : -1 / span) : 0;
  let offset = span > 0 ? (modality.slope > 0 ? -min / span : max / span) : 0;
  if (m.photometric === 'MONOCHROME1') [scale, offset] = [-scale, 1 - offset];
  return { samples: samples.subarray(0, count), scale, offset };
}

/** DICOM → display values: stored values → Modality LUT → VOI → MONOCHROME1 inversion (PS3.4 N.2.1). */
async function renderDicom(bytes: Uint8Array, name: string, lap: Lap, scaled?: ScaledDecodeTarget): Promise<RenderedForResize> {
  const ds = parseDataSet(bytes, name);
  const pixel = ds.elements.x7fe00010;
  if (!pixel || pixel.length === 0) {
    const other = ds.elements.x7fe00008 || ds.elements.x7fe00009 ? ' (it has float pixel data, which is not supported)' : '';
    throw new StudioError('no-pixel-data', `${name}: no Pixel Data (7FE0,0010) element: this DICOM file holds no image${other}.`);
  }
  const tsUid = trimmed(ds, 'x00020010') ?? '1.2.840.10008.1.2';
  const ts = findTransferSyntax(tsUid);
  if (!ts) {
    throw new StudioError(
      'unsupported-transfer-syntax',
      `${name}: transfer syntax ${describeTransferSyntax(tsUid)} is not supported.`,
    );
  }
  const header = readPixelModule(ds, name);
  lap('parse');
  const smaller = scaled && isMonochrome(header) ? await decodeFirstFrameScaled(ds, pixel, header, ts, name, scaled) : null;
  const raw = smaller?.frame ?? (await decodeFirstFrame(ds, pixel, header, ts, name));
  lap('decode');
  // the pixel module of the decoded frame: a scaled decoding has fewer rows and columns than the file
  const m = smaller ? { ...header, rows: smaller.rows, columns: smaller.columns } : header;
  const pixelCount = m.rows * m.columns;

  let pixels: Float32Array | null = null;
  let linear: LinearSamples | null = null;
  let voi: ImageInfo['voi'];
  if (isMonochrome(m)) {
    const signed = m.pixelRepresentation === 1;
    const modality = readModalityTransform(ds, signed, storedValueRange(m), name);
    const modalitySigned = modality.kind === 'rescale' ? signed || modality.intercept < 0 || modality.slope < 0 : false;
    const voiTransform = readVoiTransform(ds, modalitySigned);
    voi = VOI_KIND[voiTransform.kind];
    linear = linearPipeline(raw, m, modality, voiTransform);
    if (!linear) {
      pixels = storedValues(raw.samples, pixelCount, m.bitsStored, signed, raw.shift);
      applyModality(pixels, modality);
      applyVoi(pixels, voiTransform);
      if (m.photometric === 'MONOCHROME1') invert(pixels);
    }
  } else {
    pixels = colourToGrey(raw.samples, pixelCount, raw.planar, raw.photometric, m.bitsStored);
    voi = 'none';
  }
  lap('pipeline');
  const texts = textElements(ds);
  lap('parse');
  return {
    width: m.columns,
    height: m.rows,
    ...(linear ? { linear } : { pixels: pixels! }),
    info: {
      format: 'dicom',
      transferSyntax: tsUid,
      photometric: m.photometric,
      rows: header.rows,
      columns: header.columns,
      bitsAllocated: m.bitsAllocated,
      bitsStored: m.bitsStored,
      pixelRepresentation: m.pixelRepresentation,
      frames: m.frames,
      voi,
      patientId: trimmed(ds, 'x00100020'),
      studyInstanceUid: trimmed(ds, 'x0020000d'),
      sopInstanceUid: trimmed(ds, 'x00080018'),
      modality: trimmed(ds, 'x00080060'),
      viewPosition: trimmed(ds, 'x00185101'),
      manufacturer: trimmed(ds, 'x00080070'),
      pixelSpacing: trimmed(ds, 'x00280030'),
      textElements: texts,
      ...(raw.warnings ? { warnings: raw.warnings } : {}),
    },
  };
}

function fromRaster(raster: GreyRaster, format: 'png' | 'jpeg'): RenderedImage {
  return {
    width: raster.width,
    height: raster.height,
    pixels: raster.pixels,
    info: { format, rows: raster.height, columns: raster.width, bitsStored: raster.depth, voi: 'none', textElements: [] },
  };
}

async function renderByFormat(bytes: Uint8Array, name: string, lap: Lap = noLap, scaled?: ScaledDecodeTarget): Promise<RenderedForResize> {
  if (bytes.length === 0) throw new StudioError('empty-file', `${name} is empty (0 bytes).`);
  const format = sniffFormat(bytes);
  if (format === 'png' || format === 'jpeg') {
    const raster = format === 'png' ? decodePngGrey(bytes, name) : await decodeJpegGrey(bytes, name);
    lap('decode');
    return fromRaster(raster, format);
  }
  if (format === 'dicom') return renderDicom(bytes, name, lap, scaled);
  throw new StudioError(
    'not-dicom',
    `${name} is neither DICOM (no "DICM" marker at byte 128, no data-set start) nor a PNG or JPEG image.`,
  );
}

/** The contract of renderImageFile: width×height display values, each finite and in [0, 1]. A breach is a bug. */
function assertDisplayValues(image: RenderedImage, name: string): RenderedImage {
  const { pixels, width, height } = image;
  if (pixels.length !== width * height) {
    throw new StudioError('internal', `${name}: the pixel pipeline produced ${pixels.length} values for ${width}×${height} pixels.`);
  }
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i];
    if (!(v >= 0 && v <= 1)) throw new StudioError('internal', `${name}: the pixel pipeline produced the display value ${v} at pixel ${i}.`);
  }
  return image;
}

/** Decode a DICOM, PNG or JPEG file (detected by content) to display values in [0, 1]. Throws StudioError. */
export async function renderImageFile(bytes: Uint8Array, name: string): Promise<RenderedImage> {
  const image = await renderByFormat(bytes, name);
  if ('pixels' in image) return assertDisplayValues(image, name);
  const pixels = mapAffine(image.linear.samples, image.linear, true);
  return assertDisplayValues({ width: image.width, height: image.height, info: image.info, pixels }, name);
}

/**
 * renderImageFile for callers that resize next: display values, or their linear form (resize the samples,
 * then map). The caller checks the display-value contract on what it makes of it.
 */
export async function renderImageFileForResize(bytes: Uint8Array, name: string, lap?: Lap, scaled?: ScaledDecodeTarget): Promise<RenderedForResize> {
  const image = await renderByFormat(bytes, name, lap, scaled);
  return 'pixels' in image ? assertDisplayValues(image, name) : image;
}
