/**
 * The latent map's projection in its own worker (UMAP takes seconds on a thousand points; the page and the training
 * worker stay free). One projection at a time; cancel() stops the running one between UMAP's epochs.
 */
import { project as projectFeatures, type Projection, type ProjectionMethod } from '../lib/latent/projection';

let asked = 0;
let cancelledUpTo = 0;

/** `features`: n rows of `dim` values; `onProgress(fraction)` as UMAP's epochs go by. */
export async function project(features: Float32Array, dim: number, method: ProjectionMethod, seed: number, onProgress?: (fraction: number) => void): Promise<Projection> {
  const id = ++asked;
  return projectFeatures(features, dim, method, { seed, onProgress, cancelled: () => id <= cancelledUpTo });
}

/** Stops the projection running now (it fails with 'cancelled'). */
export function cancel(): void {
  cancelledUpTo = asked;
}
