import { resizeArea, toUint8 } from '../image/resize';

/** side of the map's hover thumbnails, px */
export const THUMBNAIL_SIDE = 48;

/** A size×size grey image shrunk to side×side by area averaging. */
export function thumbnail(pixels: Uint8Array, size: number, side = THUMBNAIL_SIDE): Uint8Array {
  // averaged in [0, 1] (the affine map), quantised back to 8 bits as the import does
  return toUint8(resizeArea(pixels, size, size, Math.min(side, size), Math.min(side, size), { scale: 1 / 255, offset: 0 }));
}

/** Up to `limit` of `items`, a seeded-random sample in their original order (all of them when there are fewer). */
export function sampleInOrder<T>(items: T[], limit: number, rng: () => number): T[] {
  if (items.length <= limit) return items;
  const picked = new Set<number>();
  const indices = items.map((_, i) => i);
  for (let i = 0; i < limit; i++) {
    const j = i + Math.floor(rng() * (indices.length - i));
    [indices[i], indices[j]] = [indices[j], indices[i]];
    picked.add(indices[i]);
  }
  return items.filter((_, i) => picked.has(i));
}
