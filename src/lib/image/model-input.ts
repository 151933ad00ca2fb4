import type { ImageInfo } from '../dicom/render';
import { renderImageFile } from '../dicom/render';
import { letterboxArea, resizeArea, toUint8 } from './resize';

export type ModelFit = 'stretch' | 'letterbox';

/**
 * A file → the model's size×size 8-bit grey input. The display values are resized in floating point by area
 * averaging and quantised to 8 bits last.
 */
export async function renderToModelSize(
  bytes: Uint8Array,
  name: string,
  size: number,
  fit: ModelFit,
): Promise<{ pixels: Uint8Array; info: ImageInfo }> {
  const image = await renderImageFile(bytes, name);
  const resized =
    fit === 'letterbox'
      ? letterboxArea(image.pixels, image.width, image.height, size)
      : resizeArea(image.pixels, image.width, image.height, size, size);
  return { pixels: toUint8(resized), info: image.info };
}
