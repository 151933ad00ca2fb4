import type { ImageInfo } from '../dicom/render';
import { renderImageFileForResize, type Lap } from '../dicom/render';
import type { ScaledJpegDecoder } from '../dicom/decode';
import { letterboxArea, resizeArea, toUint8 } from './resize';

export type ModelFit = 'stretch' | 'letterbox';

/**
 * A file → the model's size×size 8-bit grey input. The display values are resized in floating point by area
 * averaging and quantised to 8 bits last (toUint8 clamps to [0, 1] first).
 */
export async function renderToModelSize(
  bytes: Uint8Array,
  name: string,
  size: number,
  fit: ModelFit,
  lap?: (stage: Parameters<Lap>[0] | 'resize') => void,
  /** decode 8-bit grey JPEG at a DCT scale when the size allows it (≤ half the source), then area-resize */
  scaledJpeg?: ScaledJpegDecoder,
): Promise<{ pixels: Uint8Array; info: ImageInfo }> {
  const image = await renderImageFileForResize(bytes, name, lap, scaledJpeg && { decoder: scaledJpeg, size, fit });
  // linear renderings: resize the stored samples, then map them to display values (exact, and cheaper)
  const [src, affine] = 'pixels' in image ? [image.pixels, undefined] : [image.linear.samples, image.linear];
  const resized =
    fit === 'letterbox'
      ? letterboxArea(src, image.width, image.height, size, affine)
      : resizeArea(src, image.width, image.height, size, size, affine);
  const pixels = toUint8(resized);
  lap?.('resize');
  return { pixels, info: image.info };
}
