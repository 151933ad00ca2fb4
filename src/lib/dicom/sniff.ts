import { hasPart10Prefix, looksLikeImplicitVrStart } from './parse';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

/** JPEG files start with SOI (FF D8) followed by another marker. */
export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

/** Detect a file's format from its content, never its name: "DICM" at 128, PNG/JPEG magic, or an implicit-VR data set. */
export function sniffFormat(bytes: Uint8Array): 'dicom' | 'png' | 'jpeg' | null {
  if (hasPart10Prefix(bytes)) return 'dicom';
  if (isPng(bytes)) return 'png';
  if (isJpeg(bytes)) return 'jpeg';
  if (looksLikeImplicitVrStart(bytes)) return 'dicom';
  return null;
}
