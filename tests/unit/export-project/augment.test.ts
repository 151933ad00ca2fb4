/**
 * train.py's augmentation resamples exactly as the studio's augment.ts: the same inverse affine map (crop,
 * rotation, zoom, shift about the centre) and the same bilinear zero-fill warp give the same image within 1e-4 (float32 coordinates).
 * Skips, saying why, without python3 + torch.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { inverseAffine, warpBatch, type AugmentParams } from '../../../src/lib/model/augment';
import { TRAIN_PY } from '../../../src/lib/export-project/project';
import { mulberry32 } from '../../../src/lib/random';
import { PYTHON, runIn, torchMissing } from './fixture';

const skipReason = torchMissing();
if (skipReason) console.warn(`skipping train.py's augmentation check: ${skipReason}`);

const PROBE = `
import json, sys, numpy as np, torch
sys.path.insert(0, sys.argv[1])
import train
size, params = int(sys.argv[2]), json.loads(sys.argv[3])
x = torch.from_numpy(np.fromfile(sys.argv[4], dtype="<f4").reshape(len(params), 1, size, size))
col = lambda k, i=None: torch.tensor([p[k] if i is None else p[k][i] for p in params], dtype=torch.float64)
maps = train.inverse_affine(col("angleDeg"), col("scale"), col("translatePx", 0), col("translatePx", 1), col("cropArea"), col("cropOffsetPx", 0), col("cropOffsetPx", 1), size)
print(json.dumps({"maps": maps.tolist(), "out": train.warp(x, maps).flatten().tolist()}))
`;

describe.skipIf(skipReason !== null)("train.py's augmentation vs augment.ts", () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('maps and resamples identically (rotation, zoom, shift, crop; identity too)', async () => {
    const size = 32;
    const params: AugmentParams[] = [
      { angleDeg: 0, scale: 1, translatePx: [0, 0], cropArea: 1, cropOffsetPx: [0, 0] },
      { angleDeg: 4.3, scale: 1.07, translatePx: [1.2, -0.7], cropArea: 0.6, cropOffsetPx: [2.1, -3.3] },
      { angleDeg: -5, scale: 0.9, translatePx: [-1.6, 1.6], cropArea: 0.35, cropOffsetPx: [-4.9, 4.4] },
    ];
    const rng = mulberry32(9);
    const pixels = Float32Array.from({ length: params.length * size * size }, () => rng() * 4 - 2);
    const dir = mkdtempSync(path.join(tmpdir(), 'augment-'));
    writeFileSync(path.join(dir, 'train.py'), TRAIN_PY);
    writeFileSync(path.join(dir, 'x.f32'), Buffer.from(pixels.buffer));
    const torch = JSON.parse(runIn(dir, PYTHON, ['-c', PROBE, dir, String(size), JSON.stringify(params), path.join(dir, 'x.f32')])) as { maps: number[][]; out: number[] };

    const maps = params.map((p) => inverseAffine(p, size));
    maps.forEach((m, i) => m.forEach((v, k) => expect(torch.maps[i][k]).toBeCloseTo(v, 10)));
    const x = tf.tensor4d(pixels, [params.length, size, size, 1]);
    const warped = warpBatch(x, maps);
    const ours = await warped.data();
    tf.dispose([x, warped]);
    const deviation = Math.max(...torch.out.map((v, i) => Math.abs(v - ours[i])));
    console.log(`augmentation: train.py vs augment.ts, max |Δ| ${deviation.toExponential(2)} over ${ours.length} values`);
    expect(deviation).toBeLessThan(1e-4);
    expect(Math.max(...Array.from(pixels.slice(0, size * size), (v, i) => Math.abs(v - ours[i])))).toBeLessThan(1e-6); // identity
  });
});
