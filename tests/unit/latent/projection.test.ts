import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { project } from '../../../src/lib/latent';
import { gaussian, mulberry32 } from '../../../src/lib/random';

const reference = JSON.parse(readFileSync(path.resolve(__dirname, '../../fixtures/latent/pca-reference.json'), 'utf8')) as {
  input: number[][];
  coords: number[][];
  explainedVarianceRatio: [number, number];
};

function flat(rows: number[][]): { features: Float32Array; dim: number } {
  return { features: Float32Array.from(rows.flat()), dim: rows[0].length };
}

/** two gaussian blobs of `perCluster` points in `dim` dimensions, centres `distance` apart along every axis */
function twoClusters(perCluster: number, dim: number, distance: number, seed: number): number[][] {
  const rng = mulberry32(seed);
  return Array.from({ length: 2 * perCluster }, (_, i) => Array.from({ length: dim }, () => (i < perCluster ? 0 : distance) + gaussian(rng)));
}

describe('PCA projection', () => {
  it("equals scikit-learn's PCA (coordinates up to each axis's sign, explained variance)", async () => {
    const { features, dim } = flat(reference.input);
    const result = await project(features, dim, 'pca');
    expect(result.explainedVariance![0]).toBeCloseTo(reference.explainedVarianceRatio[0], 5);
    expect(result.explainedVariance![1]).toBeCloseTo(reference.explainedVarianceRatio[1], 5);
    for (const axis of [0, 1]) {
      const sign = Math.sign(result.coords[axis]) === Math.sign(reference.coords[0][axis]) ? 1 : -1;
      reference.coords.forEach((row, i) => expect(sign * result.coords[2 * i + axis]).toBeCloseTo(row[axis], 4));
    }
  });
});

describe('UMAP projection', () => {
  const rows = twoClusters(40, 16, 8, 3);
  const { features, dim } = flat(rows);

  it('keeps two well-separated clusters apart: every point is nearer its own cluster centre', async () => {
    const { coords } = await project(features, dim, 'umap', { seed: 7 });
    const centre = (from: number) => {
      let x = 0;
      let y = 0;
      for (let i = from; i < from + 40; i++) [x, y] = [x + coords[2 * i] / 40, y + coords[2 * i + 1] / 40];
      return [x, y];
    };
    const centres = [centre(0), centre(40)];
    for (let i = 0; i < 80; i++) {
      const d = centres.map(([x, y]) => Math.hypot(coords[2 * i] - x, coords[2 * i + 1] - y));
      expect(d[i < 40 ? 0 : 1]).toBeLessThan(d[i < 40 ? 1 : 0]);
    }
  });

  it('gives the same map for the same seed and another for another seed; reports progress up to 1', async () => {
    const progress: number[] = [];
    const a = await project(features, dim, 'umap', { seed: 11, onProgress: (f) => progress.push(f) });
    const b = await project(features, dim, 'umap', { seed: 11 });
    const c = await project(features, dim, 'umap', { seed: 12 });
    expect(Array.from(a.coords)).toEqual(Array.from(b.coords));
    expect(Array.from(a.coords)).not.toEqual(Array.from(c.coords));
    expect(progress.length).toBeGreaterThan(3);
    expect(progress.at(-1)).toBe(1);
    expect([...progress].sort((x, y) => x - y)).toEqual(progress);
  });

  it('stops with a cancelled error when asked between epochs', async () => {
    let steps = 0;
    await expect(project(features, dim, 'umap', { seed: 1, cancelled: () => ++steps > 2 })).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('maps fewer points than neighbours, and two points without failing', async () => {
    const few = flat(twoClusters(4, 5, 6, 2));
    expect((await project(few.features, few.dim, 'umap', { seed: 1 })).coords).toHaveLength(16);
    const two = flat(twoClusters(1, 5, 6, 2));
    expect((await project(two.features, two.dim, 'umap')).coords).toHaveLength(4);
  });
});
