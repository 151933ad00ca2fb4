/** How a training run uses GPU memory: pure policy over a budget, the device's limits and a measured step. */
import { fittingMicroBatchSize, largestActivationBytes } from '../model/micro-batch';
import type { GpuLimits } from '../tfjs-internals/gpu-pools';
import type { TrainConfig } from './config';

export interface TrainMemoryModel {
  /** step bytes that do not scale with the batch (weight gradients, optimizer temporaries) */
  fixedBytes: number;
  /** forward + backward bytes per additional image */
  bytesPerImage: number;
}

/** A generous bound on the bytes per 224 px width-1 training image: above the worst measured, stock tfjs ops (README, "GPU memory of training"). */
export const UPPER_BOUND_BYTES_PER_224PX_IMAGE = 250e6;

/** Budget when the user sets none: WebGPU does not expose the GPU's memory size, so stay modest. */
export const DEFAULT_GPU_BUDGET_BYTES = 2e9;

export interface TrainMemoryPlan {
  /** images per forward/backward pass when the batch must be split (gradient accumulation); undefined: the whole batch */
  microBatchSize?: number;
  /**
   * Empty the pool inside every step as well (at the backward pass's stage boundaries, after it, after each
   * parameter's Adam update): keeps the step's peak near what its live tensors need, but every step then
   * re-creates its buffers (README, "GPU memory of training"). Off when memory is plentiful.
   */
  releaseWithinSteps: boolean;
}

export interface TrainMemoryEnv {
  /** the backend pools GPU buffers the studio can empty (WebGPU, WebGL); false on the CPU backend */
  pooled: boolean;
  /** the WebGPU device's limits; null on WebGL */
  limits: GpuLimits | null;
  /** measures what a step costs at this config (only called when the plan needs it) */
  measure(): Promise<TrainMemoryModel>;
}

/**
 * From the budget (cfg.gpuBudgetMB or DEFAULT_GPU_BUDGET_BYTES): when a generous bound of the batch's
 * footprint fits half the budget, nothing is measured, split or released within steps (the pool is still
 * emptied after each epoch). Otherwise the pool is emptied within steps and, on WebGPU, the step is measured
 * and the batch split into the largest micro-batches that fit the budget and the binding limit. A
 * micro-batch size the user set is kept (and then the pool is emptied within steps too).
 */
export async function planTrainMemory(cfg: TrainConfig, env: TrainMemoryEnv): Promise<TrainMemoryPlan> {
  if (!env.pooled) return { microBatchSize: cfg.microBatchSize, releaseWithinSteps: false };
  if (cfg.microBatchSize !== undefined) return { microBatchSize: cfg.microBatchSize, releaseWithinSteps: true };
  const budget = cfg.gpuBudgetMB !== undefined ? cfg.gpuBudgetMB * 1e6 : DEFAULT_GPU_BUDGET_BYTES;
  const bound = UPPER_BOUND_BYTES_PER_224PX_IMAGE * (cfg.imageSize / 224) ** 2 * Math.max(cfg.widthMultiplier, 0.25);
  if (cfg.batchSize * bound <= budget / 2) return { releaseWithinSteps: false };
  if (!env.limits) return { releaseWithinSteps: true };
  const fit = await env.measure();
  const micro = fittingMicroBatchSize(cfg.batchSize, {
    bytesPerImage: fit.bytesPerImage,
    budgetBytes: Math.max(budget - fit.fixedBytes, fit.bytesPerImage),
    largestTensorBytesPerImage: largestActivationBytes(cfg.imageSize, cfg.widthMultiplier),
    maxBindingBytes: env.limits.maxBindingBytes,
  });
  return { microBatchSize: micro < cfg.batchSize ? micro : undefined, releaseWithinSteps: true };
}
