/** Penultimate-layer features: the global average pool of layer 4's output, the vector the fc layer reads. */
import * as tf from '@tensorflow/tfjs';
import { backbone, head, type ResNet } from './resnet';
import { toInputTensor } from './input-tensor';

export interface FeaturesAndLogits {
  /** [n, channels of layer 4] */
  features: Float32Array[];
  /** [n, classes] */
  logits: Float32Array[];
}

/** Eval mode (BN's running statistics, nothing updated); every tensor made here is freed before it returns. */
export async function pooledFeatures(model: ResNet, images: Uint8Array[], mean: number, std: number): Promise<FeaturesAndLogits> {
  const [pooled, logits] = tf.tidy(() => {
    const maps = backbone(model, toInputTensor(images, model.config.inputSize, mean, std), false);
    return [tf.mean(maps, [1, 2]) as tf.Tensor2D, head(model, maps)];
  });
  try {
    const [f, l] = (await Promise.all([pooled.data(), logits.data()])) as Float32Array[];
    const channels = pooled.shape[1];
    const classes = logits.shape[1];
    return {
      features: images.map((_, i) => f.slice(i * channels, (i + 1) * channels)),
      logits: images.map((_, i) => l.slice(i * classes, (i + 1) * classes)),
    };
  } finally {
    pooled.dispose();
    logits.dispose();
  }
}
