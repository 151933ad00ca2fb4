/**
 * GPU memory of tfjs's GPU backends, read from their allocators. tfjs-backend-webgpu 4.22's BufferManager
 * pools every released GPUBuffer by exact (size, usage) and never destroys one; tfjs-backend-webgl's
 * TextureManager pools textures by shape the same way. So "allocated" only grows: a batch of a new shape
 * (validation's last partial batch, a different micro-batch) adds buffers that stay for good.
 * releasePooledGpuBuffers() destroys the idle pooled buffers / textures; this module also measures what one
 * training step needs per image, which the trainer uses to split a batch into micro-batches.
 */
import * as tf from '@tensorflow/tfjs';
import { Adam } from '../lib/model/adam';
import { createResNet18, type ResNetConfig } from '../lib/model/resnet';
import { gradientsOf, trainStep, trainingLoss, type LossSpec } from '../lib/model/train-step';
import { fittingMicroBatchSize, largestActivationBytes } from '../lib/model/micro-batch';
import type { TrainConfig } from '../lib/train/config';
import type { GpuMemoryHooks } from '../lib/train/trainer';

export interface GpuBufferStats {
  /** bytes held by live tensors (and, on WebGPU, in-flight uniforms/staging) */
  usedBytes: number;
  /** bytes of all GPU buffers / textures the backend holds: used + pooled idle ones */
  allocatedBytes: number;
}

/** A backend's pooling allocator, seen from outside. */
interface GpuPool {
  stats(): GpuBufferStats;
  /** destroys every idle pooled buffer / texture; returns the bytes given back */
  release(): number;
}

interface WebGpuBackendLike {
  bufferManager?: {
    numBytesUsed: number;
    numBytesAllocated: number;
    numFreeBuffers: number;
    freeBuffers: Map<string, { size: number; destroy(): void }[]>;
  };
  device?: { limits?: { maxBufferSize?: number; maxStorageBufferBindingSize?: number } };
}

interface WebGlBackendLike {
  numBytesInGPU?: number;
  textureManager?: {
    numBytesAllocated: number;
    _numBytesAllocated: number;
    _numBytesFree: number;
    numFreeTextures: number;
    freeTextures: Record<string, { texture: unknown }[]> | null;
    gpgpu: { deleteMatrixTexture(texture: unknown): void };
  };
}

function webGpuPool(): GpuPool | null {
  const bm = (tf.backend() as unknown as WebGpuBackendLike).bufferManager;
  if (!bm || !(bm.freeBuffers instanceof Map)) return null;
  return {
    stats: () => ({ usedBytes: bm.numBytesUsed, allocatedBytes: bm.numBytesAllocated }),
    // The per-key arrays are emptied in place, not replaced: BufferManager.releaseBuffer silently does
    // nothing when its freeBuffers map is empty, which would leak every buffer released afterwards.
    release: () => {
      let freed = 0;
      for (const buffers of bm.freeBuffers.values()) {
        for (const b of buffers) {
          freed += b.size;
          b.destroy();
        }
        bm.numFreeBuffers -= buffers.length;
        buffers.length = 0;
      }
      bm.numBytesAllocated -= freed;
      return freed;
    },
  };
}

function webGlPool(): GpuPool | null {
  const backend = tf.backend() as unknown as WebGlBackendLike;
  const tm = backend.textureManager;
  if (!tm || typeof tm._numBytesFree !== 'number' || typeof tm._numBytesAllocated !== 'number') return null;
  return {
    stats: () => ({ usedBytes: backend.numBytesInGPU ?? 0, allocatedBytes: tm.numBytesAllocated }),
    // _numBytesFree is exactly the bytes of the textures in freeTextures (TextureManager keeps both in step)
    release: () => {
      if (!tm.freeTextures) return 0;
      for (const textures of Object.values(tm.freeTextures)) {
        for (const t of textures) tm.gpgpu.deleteMatrixTexture(t.texture);
        textures.length = 0;
      }
      const freed = tm._numBytesFree;
      tm._numBytesAllocated -= freed;
      tm._numBytesFree = 0;
      tm.numFreeTextures = 0;
      return freed;
    },
  };
}

function gpuPool(): GpuPool | null {
  const name = tf.getBackend();
  return name === 'webgpu' ? webGpuPool() : name === 'webgl' ? webGlPool() : null;
}

/** null when the backend is neither WebGPU nor WebGL. */
export function gpuBufferStats(): GpuBufferStats | null {
  return gpuPool()?.stats() ?? null;
}

/** Destroys every idle pooled GPU buffer (WebGPU) or texture (WebGL); returns the bytes given back (0 elsewhere). */
export function releasePooledGpuBuffers(): number {
  return gpuPool()?.release() ?? 0;
}

export interface GpuLimits {
  /** largest single GPUBuffer, bytes */
  maxBufferBytes: number;
  /** largest storage-buffer binding (one tensor in a shader), bytes */
  maxBindingBytes: number;
}

/** The limits of the device tfjs opened (it asks for the adapter's maxima); null off WebGPU. */
export function gpuLimits(): GpuLimits | null {
  if (tf.getBackend() !== 'webgpu') return null;
  const limits = (tf.backend() as unknown as WebGpuBackendLike).device?.limits;
  if (!limits?.maxBufferSize || !limits.maxStorageBufferBindingSize) return null;
  return { maxBufferBytes: limits.maxBufferSize, maxBindingBytes: limits.maxStorageBufferBindingSize };
}

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
  let base = 0;
  let peak = 0;
  const sample = () => {
    const s = gpuBufferStats();
    if (s) peak = Math.max(peak, s.allocatedBytes);
    return s;
  };
  return {
    release: () => {
      sample();
      releasePooledGpuBuffers();
    },
    begin: () => {
      releasePooledGpuBuffers();
      base = peak = gpuBufferStats()?.allocatedBytes ?? 0;
    },
    growth: () => (sample() ? peak - base : undefined),
    base: () => base,
    allocated: () => gpuBufferStats()?.allocatedBytes,
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

export interface TrainMemoryModel {
  /** step bytes that do not scale with the batch (weight gradients, optimizer temporaries) */
  fixedBytes: number;
  /** forward + backward bytes per additional image: (gradientBytes at 3 images − at 1 image) / 2 */
  bytesPerImage: number;
}

/** Fits stepBytes(b) ≈ fixed + b · perImage from measured steps at 1 and 3 images. */
export async function fitTrainMemory(config: Omit<ResNetConfig, 'numClasses'> & { numClasses?: number }): Promise<TrainMemoryModel> {
  const one = await measureTrainStepMemory(config, 1);
  const three = await measureTrainStepMemory(config, 3);
  const bytesPerImage = Math.max((three.gradientBytes - one.gradientBytes) / 2, 1);
  return { fixedBytes: Math.max(Math.max(one.stepBytes, three.stepBytes) - 3 * bytesPerImage, 0), bytesPerImage };
}

/** A generous bound on the bytes per 224 px width-1 training image (stock tfjs ops were reported at ≈ 180 MB). */
export const UPPER_BOUND_BYTES_PER_224PX_IMAGE = 250e6;

/** Budget when the user sets none: WebGPU does not expose the GPU's memory size, so stay modest. */
export const DEFAULT_GPU_BUDGET_BYTES = 2e9;

export interface TrainMemoryPlan {
  /** images per forward/backward pass when the batch must be split (gradient accumulation); undefined: the whole batch */
  microBatchSize?: number;
  /**
   * Empty the pool inside every step as well (at the backward pass's stage boundaries, after it, after each
   * parameter's Adam update): keeps the step's peak near what its live tensors need, but every step then
   * re-creates its buffers (≈ 20 % slower on SwiftShader). Off when memory is plentiful.
   */
  releaseWithinSteps: boolean;
}

/**
 * How a training run uses GPU memory, from the budget (cfg.gpuBudgetMB or DEFAULT_GPU_BUDGET_BYTES). When a
 * generous bound of the batch's footprint fits half the budget, nothing is measured, split or released
 * within steps (the pool is still emptied after each epoch). Otherwise the pool is emptied within steps and,
 * on WebGPU, the step is measured (1 and 3 images) and the batch split into the largest micro-batches that
 * fit the budget and the adapter's binding limit. A micro-batch size the user set is kept (and then the
 * pool is emptied within steps too).
 */
export async function planTrainMemory(cfg: TrainConfig, numClasses: number): Promise<TrainMemoryPlan> {
  if (!gpuPool()) return { microBatchSize: cfg.microBatchSize, releaseWithinSteps: false };
  if (cfg.microBatchSize !== undefined) return { microBatchSize: cfg.microBatchSize, releaseWithinSteps: true };
  const budget = cfg.gpuBudgetMB !== undefined ? cfg.gpuBudgetMB * 1e6 : DEFAULT_GPU_BUDGET_BYTES;
  const bound = UPPER_BOUND_BYTES_PER_224PX_IMAGE * (cfg.imageSize / 224) ** 2 * Math.max(cfg.widthMultiplier, 0.25);
  if (cfg.batchSize * bound <= budget / 2) return { releaseWithinSteps: false };
  const limits = gpuLimits();
  if (!limits) return { releaseWithinSteps: true };
  const fit = await fitTrainMemory({ widthMultiplier: cfg.widthMultiplier, inputSize: cfg.imageSize, numClasses });
  const micro = fittingMicroBatchSize(cfg.batchSize, {
    bytesPerImage: fit.bytesPerImage,
    budgetBytes: Math.max(budget - fit.fixedBytes, fit.bytesPerImage),
    largestTensorBytesPerImage: largestActivationBytes(cfg.imageSize, cfg.widthMultiplier),
    maxBindingBytes: limits.maxBindingBytes,
  });
  return { microBatchSize: micro < cfg.batchSize ? micro : undefined, releaseWithinSteps: true };
}
