/** The audit's DICOM attributes of one decoded file (undefined ones left out, so records stay small). */
import type { ImageInfo } from '../dicom/render';
import type { ImageTags } from './types';

export function imageTags(info: ImageInfo): ImageTags | undefined {
  if (info.format !== 'dicom') return undefined;
  const tags: ImageTags = {
    viewPosition: info.viewPosition,
    modality: info.modality,
    manufacturer: info.manufacturer,
    photometric: info.photometric,
    bitsStored: info.bitsStored,
    pixelSpacing: info.pixelSpacing,
    transferSyntax: info.transferSyntax,
  };
  for (const key of Object.keys(tags) as Array<keyof ImageTags>) if (tags[key] === undefined) delete tags[key];
  return tags;
}
