/**
 * This machine's training speed: one training step of a throw-away ResNet-18 per width at the dataset's input
 * size, timed after a warm-up step (which compiles the shaders), on whatever backend is active.
 */
import * as tf from '@tensorflow/tfjs';
import { createResNet18 } from '../lib/model/resnet';
import { Adam } from '../lib/model/adam';
import { trainStep } from '../lib/model/train-step';
import type { StepTiming } from '../lib/train/presets';
import { releasePooledGpuBuffers } from '../lib/tfjs-internals';

/** Two widths: the fixed (dispatch) cost shows at the narrow one, the cost per multiply-add at the wider one. */
export const TIMED_WIDTHS = [0.125, 0.5];
const TIMED_BATCH = 2;

/** ms per image at each width; stops early (returning what it has) when `stop()` turns true between steps. */
export async function measureStepTimes(imageSize: number, stop: () => boolean, widths = TIMED_WIDTHS): Promise<StepTiming[]> {
  const timings: StepTiming[] = [];
  for (const widthMultiplier of widths) {
    if (stop()) break;
    const model = createResNet18({ widthMultiplier, numClasses: 1, inputSize: imageSize }, 3);
    const adam = new Adam({ lr: 1e-4, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 });
    const x = tf.randomNormal([TIMED_BATCH, imageSize, imageSize, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
    const y = tf.tensor2d(Array.from({ length: TIMED_BATCH }, (_, i) => i % 2), [TIMED_BATCH, 1]);
    try {
      await trainStep(model, adam, x, y, { kind: 'bce', posWeight: 1 });
      if (stop()) break;
      const t0 = performance.now();
      await trainStep(model, adam, x, y, { kind: 'bce', posWeight: 1 });
      timings.push({ widthMultiplier, imageSize, msPerImage: (performance.now() - t0) / TIMED_BATCH });
    } finally {
      tf.dispose([x, y]);
      adam.dispose();
      model.dispose();
      releasePooledGpuBuffers();
    }
  }
  return timings;
}
