import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '../random';

export interface AugmentConfig {
  rotationDeg: number; // angle ~ U(−r, r), counter-clockwise as displayed
  translateFrac: number; // shift ~ U(−t, t)·size per axis
  scaleMin: number; // zoom factor ~ U(min, max) (> 1 enlarges)
  scaleMax: number;
  cropAreaMin: number; // random-resized-crop: square crop of area fraction ~ U(min, max), resized to full size
  cropAreaMax: number;
  enabled: boolean;
}

/** One image's draw. Centre offsets are in pixels. */
export interface AugmentParams {
  angleDeg: number;
  scale: number;
  translatePx: [number, number];
  cropArea: number;
  cropOffsetPx: [number, number];
}

/** Per-image parameters, drawn in image order from one seeded stream (same seed, same batch, same draw). */
export function sampleAugmentParams(cfg: AugmentConfig, seed: number, count: number, size: number): AugmentParams[] {
  const rng = mulberry32(seed);
  const uniform = (lo: number, hi: number) => lo + (hi - lo) * rng();
  return Array.from({ length: count }, () => {
    const angleDeg = uniform(-cfg.rotationDeg, cfg.rotationDeg);
    const translatePx: [number, number] = [uniform(-1, 1) * cfg.translateFrac * size, uniform(-1, 1) * cfg.translateFrac * size];
    const scale = uniform(cfg.scaleMin, cfg.scaleMax);
    const cropArea = uniform(cfg.cropAreaMin, cfg.cropAreaMax);
    const slack = (size - Math.sqrt(cropArea) * size) / 2; // the crop must stay inside the image
    const cropOffsetPx: [number, number] = [uniform(-slack, slack), uniform(-slack, slack)];
    return { angleDeg, scale, translatePx, cropArea, cropOffsetPx };
  });
}

/**
 * Inverse map output pixel -> source pixel, [a, b, c, d, e, f]: sx = a·x + b·y + c, sy = d·x + e·y + f
 * (pixel-index coordinates, centre ce = (size − 1)/2). Forward pipeline: crop (side √area·size around
 * ce + offset, resized to size), then rotate by θ, zoom by s and shift by t about the centre. Inverse:
 * src = ce + offset + (√area / s)·R(−θ)·(dst − ce − t). Identity parameters give exactly [1,0,0,0,1,0].
 */
export function inverseAffine(p: AugmentParams, size: number): number[] {
  const theta = (p.angleDeg * Math.PI) / 180;
  const k = Math.sqrt(p.cropArea) / p.scale;
  // R(−θ) in image axes (y down): a counter-clockwise on-screen rotation by θ maps (x, y) -> (x cosθ + y sinθ, −x sinθ + y cosθ).
  const [a, b, d, e] = [k * Math.cos(theta), -k * Math.sin(theta), k * Math.sin(theta), k * Math.cos(theta)];
  const ce = (size - 1) / 2;
  const [tx, ty] = p.translatePx;
  const [ox, oy] = p.cropOffsetPx;
  const cx = ce + tx;
  const cy = ce + ty;
  return [a, b, ce + ox - (a * cx + b * cy), d, e, ce + oy - (d * cx + e * cy)];
}

/**
 * Resamples each image of an NHWC batch with its own inverse affine map: bilinear, zero fill outside
 * (0 = the mean grey of z-scored input). Gather-based, so every backend treats every image (unlike
 * tf.image.transform on the CPU backend).
 */
export function warpBatch(x: tf.Tensor4D, inverseMaps: number[][]): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  return tf.tidy(() => {
    const coeff = (i: number) => tf.tensor2d(inverseMaps.map((m) => m[i]), [n, 1]);
    const gx = tf.range(0, w, 1, 'float32').reshape([1, 1, w]).tile([1, h, 1]).reshape([1, h * w]);
    const gy = tf.range(0, h, 1, 'float32').reshape([1, h, 1]).tile([1, 1, w]).reshape([1, h * w]);
    const sx = coeff(0).mul(gx).add(coeff(1).mul(gy)).add(coeff(2)); // [n, h·w]
    const sy = coeff(3).mul(gx).add(coeff(4).mul(gy)).add(coeff(5));
    const x0 = tf.floor(sx);
    const y0 = tf.floor(sy);
    const fx = sx.sub(x0);
    const fy = sy.sub(y0);
    const imageBase = tf.range(0, n, 1, 'float32').mul(h * w).reshape([n, 1]);
    const flat = x.reshape([n * h * w, c]);
    let out: tf.Tensor = tf.zeros([n * h * w, c]);
    for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
      const xi = x0.add(dx);
      const yi = y0.add(dy);
      const weight = (dx ? fx : tf.sub(1, fx)).mul(dy ? fy : tf.sub(1, fy));
      const inside = xi.greaterEqual(0).logicalAnd(xi.lessEqual(w - 1)).logicalAnd(yi.greaterEqual(0)).logicalAnd(yi.lessEqual(h - 1));
      const index = imageBase.add(yi.clipByValue(0, h - 1).mul(w)).add(xi.clipByValue(0, w - 1)).toInt().reshape([-1]);
      const mask = weight.mul(inside.toFloat()).reshape([-1, 1]);
      out = out.add(tf.gather(flat, index).mul(mask));
    }
    return out.reshape([n, h, w, c]) as tf.Tensor4D;
  });
}

/** Seeded, batched augmentation with per-image parameters; disabled -> a copy of the input. */
export function augmentBatch(x: tf.Tensor4D, cfg: AugmentConfig, seed: number): tf.Tensor4D {
  if (!cfg.enabled) return x.clone();
  const [n, h] = x.shape;
  return warpBatch(x, sampleAugmentParams(cfg, seed, n, h).map((p) => inverseAffine(p, h)));
}
