import { resizeArea } from '../image/resize';

/** side of the map's hover thumbnails, px */
export const THUMBNAIL_SIDE = 48;

/** A size×size grey image shrunk to side×side by area averaging. */
export function thumbnail(pixels: Uint8Array, size: number, side = THUMBNAIL_SIDE): Uint8Array {
  const small = resizeArea(pixels, size, size, Math.min(side, size), Math.min(side, size));
  const out = new Uint8Array(small.length);
  for (let i = 0; i < small.length; i++) out[i] = Math.round(Math.min(255, Math.max(0, small[i])));
  return out;
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
