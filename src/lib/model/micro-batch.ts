import { StudioError } from '../errors';

/**
 * Splits a batch of n images into the fewest micro-batches of at most `maxSize` images, as equal as
 * possible (sizes differ by at most one: 10 by 4 → [4, 3, 3]), so BatchNorm never sees a tiny remainder
 * and at most two shapes reach the GPU buffer pool.
 */
export function microBatchSizes(n: number, maxSize: number): number[] {
  if (!Number.isInteger(n) || n < 1) throw new StudioError('bad-config', `batch must hold at least one image, got ${n}`);
  if (!Number.isInteger(maxSize) || maxSize < 1) throw new StudioError('bad-config', `micro-batch size must be a whole number ≥ 1, got ${maxSize}`);
  const count = Math.ceil(n / Math.min(maxSize, n));
  const base = Math.floor(n / count);
  const larger = n - base * count;
  return Array.from({ length: count }, (_, i) => (i < larger ? base + 1 : base));
}

export interface MicroBatchLimits {
  /** GPU bytes one training image needs (measured: see src/platform/gpu-memory.ts) */
  bytesPerImage: number;
  /** GPU bytes the step may use (adapter maxBufferSize-based budget or the user's) */
  budgetBytes: number;
  /** the largest single tensor per image and the largest storage binding the adapter allows, bytes */
  largestTensorBytesPerImage?: number;
  maxBindingBytes?: number;
}

/**
 * The largest micro-batch (≤ batch) that fits: micro × bytesPerImage ≤ budget and, when given,
 * micro × largestTensorBytesPerImage ≤ maxBindingBytes. At least 1 (one image always gets a try).
 */
export function fittingMicroBatchSize(batch: number, limits: MicroBatchLimits): number {
  let fit = Math.floor(limits.budgetBytes / Math.max(limits.bytesPerImage, 1));
  if (limits.largestTensorBytesPerImage && limits.maxBindingBytes)
    fit = Math.min(fit, Math.floor(limits.maxBindingBytes / limits.largestTensorBytesPerImage));
  return Math.max(1, Math.min(batch, fit));
}

/** Bytes of the largest activation of one image in ResNet-18 (stem conv output, (S/2)² × 64·width floats). */
export function largestActivationBytes(inputSize: number, widthMultiplier: number): number {
  const side = Math.floor((inputSize + 1) / 2);
  return side * side * Math.max(1, Math.round(64 * widthMultiplier)) * 4;
}
