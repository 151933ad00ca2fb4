import type { DataSource } from '../../src/lib/train/trainer';
import { mulberry32 } from '../../src/lib/random';

/** Seeded random square images with alternating labels: a trainer input with no I/O. */
export function syntheticSource(size: number, nTrain: number, nVal: number, seed = 5): DataSource {
  const rng = mulberry32(seed);
  const pixels = new Map<string, Uint8Array>();
  const make = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => {
      const id = `${prefix}${i}`;
      pixels.set(id, Uint8Array.from({ length: size * size }, () => Math.floor(rng() * 256)));
      return { id, label: i % 2 };
    });
  return { mean: 0.5, std: 0.25, train: make('t', nTrain), val: make('v', nVal), load: async (ids) => ids.map((id) => pixels.get(id)!) };
}
