/**
 * Explanation sanity checks, as pure maths around a model the caller runs:
 * - deletion / insertion curves (Petsiuk et al. 2018): remove (replace by a blurred copy) or reveal the most
 *   salient pixels first, a fraction at a time, and follow the class probability; a faithful map makes the
 *   deletion curve fall faster (smaller area) and the insertion curve rise faster than a random order does;
 * - the model-parameter randomisation test (Adebayo et al. 2018): the maps of a model whose top layers were
 *   re-initialised should no longer resemble the originals (Spearman rank correlation).
 */
import { mulberry32, shuffleInPlace } from '../random';

/** Pixel indices, most salient first (ties: lower index first). */
export function saliencyOrder(heat: ArrayLike<number>): Uint32Array {
  const order = Array.from({ length: heat.length }, (_, i) => i).sort((a, b) => heat[b] - heat[a] || a - b);
  return Uint32Array.from(order);
}

export function randomOrder(n: number, seed: number): Uint32Array {
  return Uint32Array.from(shuffleInPlace(Array.from({ length: n }, (_, i) => i), mulberry32(seed)));
}

/** A box blur of `radius` px (separable, edges clamped): the "removed information" baseline. */
export function boxBlur(image: ArrayLike<number>, size: number, radius: number): Float32Array {
  const pass = (src: ArrayLike<number>, horizontal: boolean) => {
    const out = new Float32Array(size * size);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        let s = 0;
        for (let d = -radius; d <= radius; d++) {
          const xx = horizontal ? Math.min(size - 1, Math.max(0, x + d)) : x;
          const yy = horizontal ? y : Math.min(size - 1, Math.max(0, y + d));
          s += src[yy * size + xx];
        }
        out[y * size + x] = s / (2 * radius + 1);
      }
    }
    return out;
  };
  return pass(pass(image, true), false);
}

/**
 * The images of a deletion (start from the image, replace pixels by the baseline in `order`) or insertion
 * (start from the baseline, put the image's pixels back in `order`) curve, at fractions 0, 1/steps, …, 1.
 */
export function perturbationSeries(image: ArrayLike<number>, baseline: ArrayLike<number>, order: Uint32Array, steps: number, mode: 'deletion' | 'insertion'): Float32Array[] {
  const current = Float32Array.from(mode === 'deletion' ? image : baseline);
  const source = mode === 'deletion' ? baseline : image;
  const series = [current.slice()];
  let done = 0;
  for (let s = 1; s <= steps; s++) {
    const until = Math.round((s / steps) * order.length);
    for (; done < until; done++) current[order[done]] = source[order[done]];
    series.push(current.slice());
  }
  return series;
}

/** Area under a curve sampled at equal steps over [0, 1] (trapezoid rule). */
export function curveArea(ys: number[]): number {
  if (ys.length < 2) return NaN;
  let area = 0;
  for (let i = 1; i < ys.length; i++) area += (ys[i] + ys[i - 1]) / 2;
  return area / (ys.length - 1);
}

/** Average ranks (1-based; ties share their mean rank). */
function ranks(values: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const r = new Float64Array(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]] === values[order[i]]) j++;
    for (let k = i; k <= j; k++) r[order[k]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

/** Spearman's rank correlation (Pearson correlation of average ranks, as scipy.stats.spearmanr). NaN for a constant input. */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ra = ranks(a);
  const rb = ranks(b);
  const n = ra.length;
  const mean = (n + 1) / 2;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (ra[i] - mean) * (rb[i] - mean);
    saa += (ra[i] - mean) ** 2;
    sbb += (rb[i] - mean) ** 2;
  }
  return saa === 0 || sbb === 0 ? NaN : sab / Math.sqrt(saa * sbb);
}

export interface DeletionResult {
  map: number;
  random: number;
}

/** Plain-language verdicts for the panel. */
export function deletionVerdict(area: DeletionResult): string {
  return area.map < area.random
    ? `Faithful: removing the pixels the map points at lowers the probability faster than removing random pixels (deletion area ${area.map.toFixed(3)} vs ${area.random.toFixed(3)}).`
    : `Not faithful here: removing the pixels the map points at hurts the prediction no more than random pixels do (deletion area ${area.map.toFixed(3)} vs ${area.random.toFixed(3)}).`;
}

export function insertionVerdict(area: DeletionResult): string {
  return area.map > area.random
    ? `Faithful: revealing the pixels the map points at first restores the probability faster than revealing random pixels (insertion area ${area.map.toFixed(3)} vs ${area.random.toFixed(3)}).`
    : `Not faithful here: revealing the pixels the map points at first restores the probability no faster than random pixels do (insertion area ${area.map.toFixed(3)} vs ${area.random.toFixed(3)}).`;
}

export function randomisationVerdict(correlation: number, layer: string): string {
  if (!Number.isFinite(correlation)) return `Not measured: after re-initialising ${layer} every map was flat (no ranks to compare).`;
  return correlation < 0.5
    ? `Depends on the model: after re-initialising ${layer} the map changes (rank correlation ${correlation.toFixed(2)} with the original).`
    : `Warning: after re-initialising ${layer} the map stays similar (rank correlation ${correlation.toFixed(2)}): it may show the image more than the model.`;
}
