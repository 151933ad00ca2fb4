import type { DataSet } from 'dicom-parser';
import { StudioError } from '../errors';
import { decodeJpegGrey, decodePngGrey, type GreyRaster } from '../image/raster';
import { decodeFirstFrame } from './decode';
import { parseDataSet } from './parse';
import { isMonochrome, readPixelModule } from './pixel-module';
import { applyModality, applyVoi, colourToGrey, invert, storedValues } from './pixel-values';
import { sniffFormat } from './sniff';
import { textElements } from './text-elements';
import { describeTransferSyntax, findTransferSyntax } from './transfer-syntax';
import { readModalityTransform, readVoiTransform } from './transforms';

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
  /** every text element as [tag, keyword-or-tag, value] for the metadata viewer (strings only, never HTML) */
  textElements: Array<[string, string, string]>;
}

export interface RenderedImage {
  width: number;
  height: number;
  /** display values in [0,1], row-major */
  pixels: Float32Array;
  info: ImageInfo;
}

const VOI_KIND = { window: 'window', lut: 'voi-lut', minmax: 'minmax' } as const;

function trimmed(ds: DataSet, tag: string): string | undefined {
  const value = ds.string(tag)?.trim();
  return value ? value : undefined;
}

/** DICOM → display values: stored values → Modality LUT → VOI → MONOCHROME1 inversion (PS3.4 N.2.1). */
async function renderDicom(bytes: Uint8Array, name: string): Promise<RenderedImage> {
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
  const m = readPixelModule(ds, name);
  const raw = await decodeFirstFrame(ds, pixel, m, ts, name);
  const pixelCount = m.rows * m.columns;

  let pixels: Float32Array;
  let voi: ImageInfo['voi'];
  if (isMonochrome(m)) {
    const signed = m.pixelRepresentation === 1;
    pixels = storedValues(raw.samples, pixelCount, m.bitsStored, signed, raw.shift);
    const modality = readModalityTransform(ds, signed);
    applyModality(pixels, modality);
    const modalitySigned = modality.kind === 'rescale' ? signed || modality.intercept < 0 || modality.slope < 0 : false;
    const voiTransform = readVoiTransform(ds, modalitySigned);
    applyVoi(pixels, voiTransform);
    voi = VOI_KIND[voiTransform.kind];
    if (m.photometric === 'MONOCHROME1') invert(pixels);
  } else {
    pixels = colourToGrey(raw.samples, pixelCount, raw.planar, raw.photometric, m.bitsStored);
    voi = 'none';
  }

  return {
    width: m.columns,
    height: m.rows,
    pixels,
    info: {
      format: 'dicom',
      transferSyntax: tsUid,
      photometric: m.photometric,
      rows: m.rows,
      columns: m.columns,
      bitsAllocated: m.bitsAllocated,
      bitsStored: m.bitsStored,
      pixelRepresentation: m.pixelRepresentation,
      frames: m.frames,
      voi,
      patientId: trimmed(ds, 'x00100020'),
      studyInstanceUid: trimmed(ds, 'x0020000d'),
      sopInstanceUid: trimmed(ds, 'x00080018'),
      modality: trimmed(ds, 'x00080060'),
      textElements: textElements(ds),
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

async function renderByFormat(bytes: Uint8Array, name: string): Promise<RenderedImage> {
  if (bytes.length === 0) throw new StudioError('empty-file', `${name} is empty (0 bytes).`);
  const format = sniffFormat(bytes);
  if (format === 'png') return fromRaster(decodePngGrey(bytes, name), 'png');
  if (format === 'jpeg') return fromRaster(await decodeJpegGrey(bytes, name), 'jpeg');
  if (format === 'dicom') return renderDicom(bytes, name);
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
  return assertDisplayValues(await renderByFormat(bytes, name), name);
}
