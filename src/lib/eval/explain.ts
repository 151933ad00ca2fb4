/**
 * Explanations of a batch of images: eval-mode forward (BN running stats are read, never written; no variable
 * is assigned), then CAM / Grad-CAM / Grad-CAM++ per image, relu + normalise + bilinear upsampling to the
 * input size. Every tensor made here is freed before returning, so a call may interleave with training.
 */
import * as tf from '@tensorflow/tfjs';
import { forward, type ResNet } from '../model/resnet';
import { classActivationMap, gradCam, gradCamPlusPlus, camToHeatmap, checkMethodOnLayer, type CamLayer, type CamMethod } from '../cam/cam';
import { toInputTensor } from '../model/input-tensor';
import { classProbabilities } from './summary';

export type { CamLayer, CamMethod } from '../cam/cam';

export interface Explanation {
  imageId: string;
  /** model input side, px */
  size: number;
  /** the model's input, size × size grey */
  pixels: Uint8Array;
  /** [0,1] heat at size × size */
  heat: Float32Array;
  logits: number[];
  /** class probabilities ([p0, p1] for the single-logit head) */
  probabilities: number[];
  /** the class explained */
  classIndex: number;
  method: CamMethod;
  /** the ResNet stage the map was read from, and that map's side before upsampling */
  layer: CamLayer;
  camSize: number;
}

function defaultClass(logits: number[]): number {
  const probs = classProbabilities(logits);
  return probs.indexOf(Math.max(...probs));
}

/**
 * Explain images (one batch) for `classIndex`, or each image's predicted class when omitted. For the single
 * binary logit, class 1 explains the raw logit and class 0 its negative.
 */
export async function explainPixels(model: ResNet, mean: number, std: number, images: Uint8Array[], method: CamMethod, classIndex?: number, layer: CamLayer = 4): Promise<Omit<Explanation, 'imageId'>[]> {
  checkMethodOnLayer(method, layer);
  const size = model.config.inputSize;
  const binary = model.config.numClasses === 1;
  const x = toInputTensor(images, size, mean, std);
  try {
    const { logits, features } = tf.tidy(() => forward(model, x, { training: false }));
    const flat = Array.from((await logits.data()) as Float32Array);
    logits.dispose();
    const k = model.config.numClasses;
    const perImageLogits = images.map((_, i) => flat.slice(i * k, (i + 1) * k));
    const results: Omit<Explanation, 'imageId'>[] = [];
    try {
      for (let i = 0; i < images.length; i++) {
        const cls = classIndex ?? defaultClass(perImageLogits[i]);
        const column = binary ? 0 : cls;
        const sign = binary && cls === 0 ? -1 : 1;
        let map: Float32Array;
        if (method === 'cam') {
          const one = features.slice([i, 0, 0, 0], [1, -1, -1, -1]);
          const cam = classActivationMap(one, model.params.get('fc.weight') as unknown as tf.Tensor2D, column, sign);
          one.dispose();
          map = (await cam.data()) as Float32Array;
          cam.dispose();
        } else {
          const xi = x.slice([i, 0, 0, 0], [1, -1, -1, -1]);
          try {
            [map] = await (method === 'gradcam' ? gradCam : gradCamPlusPlus)(model, xi, column, sign, layer);
          } finally {
            xi.dispose();
          }
        }
        const camSize = Math.round(Math.sqrt(map.length));
        results.push({
          size,
          pixels: images[i],
          heat: camToHeatmap(map, camSize, size),
          logits: perImageLogits[i],
          probabilities: classProbabilities(perImageLogits[i]),
          classIndex: cls,
          method,
          layer,
          camSize,
        });
      }
    } finally {
      features.dispose();
    }
    return results;
  } finally {
    x.dispose();
  }
}

