import * as tf from '@tensorflow/tfjs';
import { backbone, head, layer4, type ResNet } from '../model/resnet';
import type { CamLayer } from './layers';

export { camToHeatmap } from './heatmap';
export { colormapOverlay, turbo } from './colormap';
export * from './layers';

/**
 * Class activation map (Zhou et al. 2016): Σ_k w_k·A_k over the layer4 channels, raw (no relu, no bias).
 * features NHWC [N,h,w,C]; fcWeight in torch layout [out,in] (as stored in ResNet.params 'fc.weight').
 * sign −1 gives the map of the negative class of a single binary logit. Returns [N,h,w].
 */
export function classActivationMap(features: tf.Tensor4D, fcWeight: tf.Tensor2D, classIndex: number, sign: 1 | -1 = 1): tf.Tensor3D {
  return tf.tidy(() => {
    const w = fcWeight.slice([classIndex, 0], [1, -1]).reshape([-1]).mul(sign);
    return tf.sum(features.mul(w), 3) as tf.Tensor3D;
  });
}

/**
 * Eval-mode activations A [N,h,w,C] of layer3 or layer4 and d(sign·logit_class)/dA (for layer3 through
 * layer4 and the head). Caller disposes both.
 */
function featuresAndGradients(model: ResNet, x: tf.Tensor4D, classIndex: number, sign: 1 | -1, layer: CamLayer) {
  const features = tf.tidy(() => backbone(model, x, false, layer));
  const above = (a: tf.Tensor4D) => (layer === 4 ? a : layer4(model, a, false));
  // Images are independent in eval mode, so the gradient of the summed score is per-image.
  const score = (a: tf.Tensor) => head(model, above(a as tf.Tensor4D)).slice([0, classIndex], [-1, 1]).sum().mul(sign) as tf.Scalar;
  const grads = tf.grad(score)(features) as tf.Tensor4D;
  return { features, grads };
}

async function perImageMaps(maps: tf.Tensor3D): Promise<Float32Array[]> {
  const [n, h, w] = maps.shape;
  const flat = await maps.data<'float32'>();
  maps.dispose();
  return Array.from({ length: n }, (_, i) => flat.slice(i * h * w, (i + 1) * h * w));
}

/**
 * Grad-CAM (Selvaraju et al.): relu(Σ_k α_k·A_k), α_k = spatial mean of d score / dA_k, A from `layer`.
 * One h·w map per image, row-major.
 */
export async function gradCam(model: ResNet, x: tf.Tensor4D, classIndex: number, sign: 1 | -1 = 1, layer: CamLayer = 4): Promise<Float32Array[]> {
  const { features, grads } = featuresAndGradients(model, x, classIndex, sign, layer);
  const maps = tf.tidy(() => {
    const alpha = tf.mean(grads, [1, 2], true);
    return tf.relu(tf.sum(features.mul(alpha), 3)) as tf.Tensor3D;
  });
  features.dispose();
  grads.dispose();
  return perImageMaps(maps);
}

/**
 * Grad-CAM++ (Chattopadhyay et al.), in the closed form used by pytorch-grad-cam:
 * a = g² / (2g² + Σ_ij A·g³), zero where g = 0; α_k = Σ_ij a·relu(g); map = relu(Σ_k α_k·A_k).
 */
export async function gradCamPlusPlus(model: ResNet, x: tf.Tensor4D, classIndex: number, sign: 1 | -1 = 1, layer: CamLayer = 4): Promise<Float32Array[]> {
  const { features, grads } = featuresAndGradients(model, x, classIndex, sign, layer);
  const maps = tf.tidy(() => {
    const g2 = grads.square();
    const g3 = g2.mul(grads);
    const sumA = tf.sum(features, [1, 2], true);
    const a = tf.where(tf.notEqual(grads, 0), g2.div(g2.mul(2).add(sumA.mul(g3)).add(1e-7)), tf.zerosLike(grads));
    const alpha = tf.sum(a.mul(tf.relu(grads)), [1, 2], true);
    return tf.relu(tf.sum(features.mul(alpha), 3)) as tf.Tensor3D;
  });
  features.dispose();
  grads.dispose();
  return perImageMaps(maps);
}
