/**
 * Pointing game (Zhang et al. 2016): an explanation "hits" when the peak of its heat map lies inside the
 * ground-truth region. The demo datasets store the planted opacity as a lesion mask.
 */
import { StudioError } from '../errors';

/**
 * Row-major index of the heat-map peak. Bilinear upsampling turns a border cell into a flat plateau that
 * reaches the image edge, so among pixels tied at the maximum take the one nearest their centroid (for a
 * single maximum, that pixel).
 */
export function peakIndex(heat: ArrayLike<number>, size = Math.round(Math.sqrt(heat.length))): number {
  let max = -Infinity;
  for (let i = 0; i < heat.length; i++) if (heat[i] > max) max = heat[i];
  const tied: number[] = [];
  for (let i = 0; i < heat.length; i++) if (heat[i] === max) tied.push(i);
  const cy = tied.reduce((s, i) => s + Math.floor(i / size), 0) / tied.length;
  const cx = tied.reduce((s, i) => s + (i % size), 0) / tied.length;
  let best = tied[0];
  let bestD = Infinity;
  for (const i of tied) {
    const d = (Math.floor(i / size) - cy) ** 2 + ((i % size) - cx) ** 2;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

/**
 * Hit iff the heat-map peak lies in the mask, or within `tolerancePx` (Chebyshev distance) of a mask pixel —
 * the original protocol allows 15 px at 224 px. heat and mask are size × size, row-major.
 */
export function pointingHit(heat: ArrayLike<number>, mask: ArrayLike<number>, size: number, tolerancePx = 0): boolean {
  if (heat.length !== size * size || mask.length !== size * size) {
    throw new StudioError('internal', `pointing game: heat (${heat.length}) and mask (${mask.length}) must both be ${size}²`);
  }
  const peak = peakIndex(heat, size);
  const py = Math.floor(peak / size);
  const px = peak % size;
  for (let y = Math.max(0, py - tolerancePx); y <= Math.min(size - 1, py + tolerancePx); y++) {
    for (let x = Math.max(0, px - tolerancePx); x <= Math.min(size - 1, px + tolerancePx); x++) {
      if (mask[y * size + x]) return true;
    }
  }
  return false;
}

export interface PointingGameResult {
  hits: number;
  /** images with a non-empty mask (images without a lesion cannot be scored) */
  total: number;
  /** hits / total; NaN when nothing could be scored */
  accuracy: number;
}

/** Zhang et al.'s 15 px tolerance at 224 px, scaled to the image side. */
export function standardTolerancePx(size: number): number {
  return Math.round((15 * size) / 224);
}

export function pointingGame(items: Array<{ heat: ArrayLike<number>; mask: ArrayLike<number> }>, size: number, tolerancePx = 0): PointingGameResult {
  let hits = 0;
  let total = 0;
  for (const { heat, mask } of items) {
    if (!Array.prototype.some.call(mask, (v: number) => v > 0)) continue;
    total++;
    if (pointingHit(heat, mask, size, tolerancePx)) hits++;
  }
  return { hits, total, accuracy: total > 0 ? hits / total : NaN };
}
