/**
 * The studio's own WebGPU kernels, registered over tfjs-webgpu's stock ones with tf.registerKernel
 * (the engine looks kernels up per call, so the switch takes effect at the next op). They rely on
 * tfjs-webgpu's program interface (WebGPUProgram, runWebGPUProgram), so they are used only with the
 * pinned tfjs version: another version keeps the stock kernels, and a unit test fails on it.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { Conv2DBackpropFilterAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterGemm } from './conv2d-backprop-filter';

export const PINNED_TFJS_VERSION = '4.22.0';

export type KernelChoice = 'studio' | 'stock';

const stockKernels = new Map<string, KernelConfig>();

/**
 * Below this much work (2·M·N·K) a filter gradient takes ~10–30 ms either way on SwiftShader, dispatch-bound, and
 * tfjs's one-pass kernel wins; above it (ResNet-18 at 224 px) the GEMM is 8–16× faster (README, bench:kernels).
 */
export const GEMM_MIN_FLOP = 100e6;
let gemmMinFlop = GEMM_MIN_FLOP;

const conv2DBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
  const format = tf.backend_util.convertConv2DDataFormat(dataFormat);
  const convInfo = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, format);
  const flop = 2 * convInfo.filterHeight * convInfo.filterWidth * convInfo.inChannels * convInfo.outChannels * convInfo.batchSize * convInfo.outHeight * convInfo.outWidth;
  if (format !== 'channelsLast' || x.dtype !== 'float32' || flop < gemmMinFlop) return stockKernels.get(tf.Conv2DBackpropFilter)!.kernelFunc({ inputs, backend, attrs });
  return conv2DBackpropFilterGemm(backend as WebGPUBackend, x, dy, convInfo);
};

const STUDIO_KERNELS: KernelConfig[] = [{ kernelName: tf.Conv2DBackpropFilter, backendName: 'webgpu', kernelFunc: conv2DBackpropFilter }];

export function tfjsVersionMatches(): boolean {
  return tf.version_core === PINNED_TFJS_VERSION;
}

/**
 * Use the studio's kernels or tfjs's stock ones on WebGPU; returns what is in use. `gemmMinFlop`: the
 * smallest filter gradient the GEMM takes (tests and benches set 0 to run it on every shape).
 */
export function useKernels(choice: KernelChoice, options: { gemmMinFlop?: number } = {}): KernelChoice {
  gemmMinFlop = options.gemmMinFlop ?? GEMM_MIN_FLOP;
  const wanted = choice === 'studio' && tfjsVersionMatches() ? 'studio' : 'stock';
  for (const studio of STUDIO_KERNELS) {
    const current = tf.getKernel(studio.kernelName, studio.backendName);
    if (!stockKernels.has(studio.kernelName)) {
      if (!current) continue;
      stockKernels.set(studio.kernelName, current);
    }
    const next = wanted === 'studio' ? studio : stockKernels.get(studio.kernelName)!;
    if (current === next) continue;
    tf.unregisterKernel(studio.kernelName, studio.backendName);
    tf.registerKernel(next);
  }
  return wanted;
}
