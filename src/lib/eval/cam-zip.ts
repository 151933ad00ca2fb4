/** CAM overlays as PNG files in one zip (fast-png + fflate; pure, runs in the training worker). */
import { encode as encodePng } from 'fast-png';
import { zipSync } from 'fflate';
import { colormapOverlay } from '../cam/colormap';

export interface CamImage {
  /** file name inside the zip, without extension */
  name: string;
  size: number;
  pixels: Uint8Array;
  heat: Float32Array;
}

/** A name safe as a zip entry: path separators and odd characters become '_'. */
export function zipEntryName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || 'image';
}

export function camOverlayPng(image: CamImage, opacity: number): Uint8Array {
  const rgba = colormapOverlay(image.pixels, image.heat, image.size, opacity);
  return encodePng({ width: image.size, height: image.size, data: new Uint8Array(rgba.buffer), channels: 4, depth: 8 });
}

/** Names are made unique by a numeric suffix. Already-compressed PNGs are stored (level 0). */
export function camZip(images: CamImage[], opacity: number): Uint8Array {
  const files: Record<string, [Uint8Array, { level: 0 }]> = {};
  for (const image of images) {
    const base = zipEntryName(image.name);
    let name = `${base}.png`;
    for (let k = 2; name in files; k++) name = `${base}-${k}.png`;
    files[name] = [camOverlayPng(image, opacity), { level: 0 }];
  }
  return zipSync(files);
}
