/**
 * 2-D projections of feature vectors: UMAP (umap-js) with a seeded random, so the same features give the same map,
 * or PCA (ml-pca: the first two principal components of the centred features).
 */
import { UMAP } from 'umap-js';
import { PCA } from 'ml-pca';
import { mulberry32 } from '../random';
import { StudioError } from '../errors';

export type ProjectionMethod = 'umap' | 'pca';

export const PROJECTION_METHODS: ReadonlyArray<{ method: ProjectionMethod; name: string }> = [
  { method: 'umap', name: 'UMAP' },
  { method: 'pca', name: 'PCA' },
];

export interface ProjectionOptions {
  seed?: number;
  /** fraction done, 0..1 */
  onProgress?: (fraction: number) => void;
  /** asked between UMAP's epochs: true stops the projection with a 'cancelled' error */
  cancelled?: () => boolean;
}

export interface Projection {
  /** x0, y0, x1, y1, … one pair per input row */
  coords: Float64Array;
  /** PCA: share of the variance each of the two axes explains */
  explainedVariance?: [number, number];
}

/** UMAP's neighbourhood size; fewer points than this + 1 take a smaller one */
const UMAP_NEIGHBOURS = 15;
/** optimisation epochs done between two yields to the event loop (where a cancel can arrive) */
const EPOCHS_PER_YIELD = 25;

const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function rowsOf(features: Float32Array, dim: number): number[][] {
  if (dim < 1 || features.length % dim !== 0) throw new StudioError('internal', `projection: ${features.length} values are not rows of ${dim}`);
  const rows: number[][] = [];
  for (let i = 0; i < features.length; i += dim) rows.push(Array.from(features.subarray(i, i + dim)));
  return rows;
}

function flatten(points: number[][]): Float64Array {
  const out = new Float64Array(points.length * 2);
  points.forEach((p, i) => {
    out[2 * i] = p[0] ?? 0;
    out[2 * i + 1] = p[1] ?? 0;
  });
  return out;
}

export function pcaProjection(rows: number[][]): Projection {
  const pca = new PCA(rows, { center: true, scale: false });
  const coords = flatten(pca.predict(rows, { nComponents: 2 }).to2DArray());
  const variance = pca.getExplainedVariance();
  return { coords, explainedVariance: [variance[0] ?? 0, variance[1] ?? 0] };
}

async function umapProjection(rows: number[][], options: ProjectionOptions): Promise<Projection> {
  const umap = new UMAP({ nComponents: 2, nNeighbors: Math.min(UMAP_NEIGHBOURS, rows.length - 1), random: mulberry32(options.seed ?? 0) });
  const epochs = umap.initializeFit(rows);
  options.onProgress?.(0);
  for (let epoch = 0; epoch < epochs; ) {
    const until = Math.min(epochs, epoch + EPOCHS_PER_YIELD);
    while (epoch < until) epoch = umap.step();
    options.onProgress?.(epoch / epochs);
    await yieldToEvents();
    if (options.cancelled?.()) throw new StudioError('cancelled', 'The map was cancelled.');
  }
  return { coords: flatten(umap.getEmbedding()) };
}

/** `features`: n rows of `dim` values, row-major. Fewer than 3 points have no shape to project: they sit at the origin. */
export async function project(features: Float32Array, dim: number, method: ProjectionMethod, options: ProjectionOptions = {}): Promise<Projection> {
  const rows = rowsOf(features, dim);
  if (rows.length === 0) return { coords: new Float64Array(0) };
  if (rows.length < 3) return { coords: new Float64Array(rows.length * 2) };
  const result = method === 'pca' ? pcaProjection(rows) : await umapProjection(rows, options);
  options.onProgress?.(1);
  return result;
}
