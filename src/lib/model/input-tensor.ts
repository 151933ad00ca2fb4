import * as tf from '@tensorflow/tfjs';

/** uint8 images (S×S each) → z-scored NHWC float tensor: x = (v/255 − mean) / std. */
export function toInputTensor(images: Uint8Array[], size: number, mean: number, std: number): tf.Tensor4D {
  const n = images.length;
  const plane = size * size;
  const out = new Float32Array(n * plane);
  const scale = 1 / (255 * std);
  const offset = mean / std;
  for (let i = 0; i < n; i++) {
    const img = images[i];
    for (let p = 0; p < plane; p++) out[i * plane + p] = img[p] * scale - offset;
  }
  return tf.tensor4d(out, [n, size, size, 1]);
}
