/**
 * What a training step costs in GPU memory, measured on the active backend: a meter over the backend's pool
 * (lib/tfjs-internals/gpu-pools) and a throw-away model's step at 1 and 3 images, which the memory plan
 * (lib/train/memory-plan) uses to split a batch into micro-batches.
 */
import * as tf from '@tensorflow/tfjs';
import { Adam } from '../lib/model/adam';
import { createResNet18, type ResNetConfig } from '../lib/model/resnet';
import { gradientsOf, trainStep, trainingLoss, type LossSpec } from '../lib/model/train-step';
import type { TrainConfig } from '../lib/train/config';
import type { GpuMemoryHooks } from '../lib/train/trainer';
import { gpuBufferStats, gpuLimits, gpuPool, releasePooledGpuBuffers } from '../lib/tfjs-internals';
import { planTrainMemory as planFromBudget, type TrainMemoryModel, type TrainMemoryPlan } from '../lib/train/memory-plan';

export interface TrainStepMemory {
  batch: number;
  inputSize: number;
  widthMultiplier: number;
  /** GPU bytes the forward + backward pass allocates (activations kept for the backward pass, backward
   * temporaries, the weight gradients), on top of what was allocated before it */
  gradientBytes: number;
  /** peak for a whole train step (forward, backward, Adam update) with the pool emptied after the
   * backward pass and after each parameter's update, as the trainer does */
  stepBytes: number;
  /** stepBytes / batch */
  bytesPerImage: number;
  /** bytes of weights, Adam moments and the input batch, allocated before the measured passes */
  baselineBytes: number;
  /** live tfjs tensors before and after the measured step (a leak check) */
  tensorsBefore: number;
  tensorsAfter: number;
  stepMs: number;
}

export interface GpuAllocationMeter {
  /** empties the pool (as releasePooledGpuBuffers), after noting the allocation just before */
  release(): void;
  /** empties the pool and starts measuring from the allocation left (the live tensors) */
  begin(): void;
  /** the largest allocation since begin() minus the allocation at begin(); undefined off WebGPU/WebGL */
  growth(): number | undefined;
  /** the allocation at begin() */
  base(): number;
  /** bytes of every buffer / texture the backend holds now, pool included; undefined off WebGPU/WebGL */
  allocated(): number | undefined;
}

/**
 * Peak growth of the backend's allocation. Allocation only grows between releases (freed buffers stay
 * pooled), so the peak is the largest allocation seen just before a release or when growth() is asked.
 */
export function gpuAllocationMeter(): GpuAllocationMeter {
  // resolved once: release() runs many times per step (releaseWithinSteps)
  const pool = gpuPool();
  let base = 0;
  let peak = 0;
  const sample = () => {
    const s = pool?.stats();
    if (s) peak = Math.max(peak, s.allocatedBytes);
    return s;
  };
  return {
    release: () => {
      sample();
      pool?.release();
    },
    begin: () => {
      pool?.release();
      base = peak = pool?.stats().allocatedBytes ?? 0;
    },
    growth: () => (sample() ? peak - base : undefined),
    base: () => base,
    allocated: () => pool?.stats().allocatedBytes,
  };
}

/** The trainer's gpuMemory hook for a run planned by planTrainMemory: a fresh meter, in-step releases as planned. */
export function gpuMemoryHooks(plan: TrainMemoryPlan): GpuMemoryHooks {
  return { ...gpuAllocationMeter(), releaseWithinSteps: plan.releaseWithinSteps };
}

/** Peak allocation growth of `run`, starting from an empty pool: the GPU footprint of what it does. */
async function footprint(run: (release: () => void) => Promise<void>): Promise<{ bytes: number; before: number }> {
  if (!gpuBufferStats()) throw new Error('GPU memory measurement needs the WebGPU or WebGL backend');
  const meter = gpuAllocationMeter();
  meter.begin();
  await run(meter.release);
  return { bytes: meter.growth()!, before: meter.base() };
}

/**
 * What one training step at `batch` images costs in GPU memory. A throw-away model of the same shape
 * (random weights, its own Adam) takes one warm-up step (creates the Adam moments, compiles the shaders).
 * Each measured pass starts from an emptied pool, so the allocation before it is exactly the live tensors
 * (weights, moments, x, y), and after it the pool holds every buffer the pass needed at its peak, pooled
 * by exact size: allocatedAfter − allocatedBefore is the real GPU footprint, including buffers the pool
 * could not reuse because their sizes differ. WebGPU or WebGL.
 */
export async function measureTrainStepMemory(
  config: Omit<ResNetConfig, 'numClasses'> & { numClasses?: number },
  batch: number,
  options: { microBatchSize?: number } = {},
): Promise<TrainStepMemory> {
  const numClasses = config.numClasses ?? 1;
  const model = createResNet18({ ...config, numClasses }, 1);
  const adam = new Adam({ lr: 1e-4, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 });
  const s = config.inputSize;
  const x = tf.randomNormal([batch, s, s, 1], 0, 1, 'float32', 7) as tf.Tensor4D;
  const binary = numClasses === 1;
  const y = binary
    ? tf.tensor2d(Array.from({ length: batch }, (_, i) => i % 2), [batch, 1])
    : tf.tensor1d(Array.from({ length: batch }, (_, i) => i % numClasses), 'int32');
  const loss: LossSpec = binary ? { kind: 'bce', posWeight: 1 } : { kind: 'ce' };
  try {
    await trainStep(model, adam, x, y, loss, options);
    const variables = model.trainable.map((k) => model.params.get(k)!);
    const gradient = await footprint(async (release) => {
      const { value, grads } = gradientsOf(() => trainingLoss(model, x, y, loss), variables, release);
      await value.data();
      tf.dispose([value, ...grads]);
    });
    const tensorsBefore = tf.memory().numTensors;
    const t0 = performance.now();
    const step = await footprint(async (release) => void (await trainStep(model, adam, x, y, loss, { ...options, releaseMemory: release })));
    const stepMs = performance.now() - t0;
    return {
      batch,
      inputSize: s,
      widthMultiplier: config.widthMultiplier,
      gradientBytes: gradient.bytes,
      stepBytes: step.bytes,
      bytesPerImage: step.bytes / batch,
      baselineBytes: step.before,
      tensorsBefore,
      tensorsAfter: tf.memory().numTensors,
      stepMs,
    };
  } finally {
    tf.dispose([x, y]);
    adam.dispose();
    model.dispose();
    releasePooledGpuBuffers();
  }
}

/** Fits stepBytes(b) ≈ fixed + b · perImage from measured steps at 1 and 3 images. */
export async function fitTrainMemory(config: Omit<ResNetConfig, 'numClasses'> & { numClasses?: number }): Promise<TrainMemoryModel> {
  const one = await measureTrainStepMemory(config, 1);
  const three = await measureTrainStepMemory(config, 3);
  const bytesPerImage = Math.max((three.gradientBytes - one.gradientBytes) / 2, 1);
  return { fixedBytes: Math.max(Math.max(one.stepBytes, three.stepBytes) - 3 * bytesPerImage, 0), bytesPerImage };
}

/** How this run uses GPU memory (lib/train/memory-plan), with the active backend's pool and limits and a measured step. */
export function planTrainMemory(cfg: TrainConfig, numClasses: number): Promise<TrainMemoryPlan> {
  return planFromBudget(cfg, {
    pooled: gpuPool() !== null,
    limits: gpuLimits(),
    measure: () => fitTrainMemory({ widthMultiplier: cfg.widthMultiplier, inputSize: cfg.imageSize, numClasses }),
  });
}
