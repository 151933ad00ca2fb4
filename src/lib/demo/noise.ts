import type { Rng } from '../random';

/** Smooth value noise on the unit square: random lattice values, bicubic-eased bilinear blend, range [0, 1]. */
export interface ValueNoise {
  (x: number, y: number): number;
}

export function valueNoise(rng: Rng, cells: number): ValueNoise {
  const stride = cells + 1;
  const lattice = new Float32Array(stride * stride);
  for (let i = 0; i < lattice.length; i++) lattice[i] = rng();
  return (x, y) => {
    const gx = Math.min(Math.max(x, 0), 1) * cells;
    const gy = Math.min(Math.max(y, 0), 1) * cells;
    const ix = Math.min(Math.floor(gx), cells - 1);
    const iy = Math.min(Math.floor(gy), cells - 1);
    const fx = gx - ix;
    const fy = gy - iy;
    const sx = fx * fx * (3 - 2 * fx);
    const sy = fy * fy * (3 - 2 * fy);
    const i = iy * stride + ix;
    const top = lattice[i] + (lattice[i + 1] - lattice[i]) * sx;
    const bottom = lattice[i + stride] + (lattice[i + stride + 1] - lattice[i + stride]) * sx;
    return top + (bottom - top) * sy;
  };
}

/** 0 below edge0, 1 above edge1, smooth (Hermite) in between. */
export function smoothstep(edge0: number, edge1: number, x: number): number {
  const t = Math.min(Math.max((x - edge0) / (edge1 - edge0), 0), 1);
  return t * t * (3 - 2 * t);
}

/** Uniform float in [lo, hi). */
export function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng();
}
