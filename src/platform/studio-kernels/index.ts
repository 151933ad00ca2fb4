/**
 * The studio's own WebGPU kernels, registered over tfjs-webgpu's stock ones with tf.registerKernel
 * (the engine looks kernels up per call, so the switch takes effect at the next op). They rely on
 * tfjs-webgpu's program interface (WebGPUProgram, runWebGPUProgram), so they are used only with the
 * pinned tfjs version: another version keeps the stock kernels, and a unit test fails on it.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { Conv2DAttrs, Conv2DBackpropFilterAttrs, Conv2DBackpropInputAttrs, KernelConfig, KernelFunc, SumAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterGemm } from './conv2d-backprop-filter';
import { conv2DBackpropInputGemm, conv2DGemm } from './conv2d-gemm';
import { reduceLeadingAxes } from './channel-reduce';
import { tfjsVersionMatches } from '../../lib/tfjs-internals';


export type KernelChoice = 'studio' | 'stock';

const stockKernels = new Map<string, KernelConfig>();

/**
 * Below this much work (2 · multiply-adds) an input or filter gradient is dispatch-bound and tfjs's one-pass kernels
 * win; above it (ResNet-18 at 224 px) the GEMMs do. The forward GEMM runs at every size: tfjs's forward conv is slower
 * at all but one of ResNet-18's shapes even at the software preset. Measured with bench:kernels on SwiftShader:
 * README, "The studio's own WebGPU kernels".
 */
export const GEMM_MIN_FLOP = 100e6;
let gemmMinFlop = GEMM_MIN_FLOP;
let forwardGemmMinFlop = 0;

type Conv4D = [number, number, number, number];

const convFlop = (c: tf.backend_util.Conv2DInfo) =>
  2 * c.filterHeight * c.filterWidth * c.inChannels * c.outChannels * c.batchSize * c.outHeight * c.outWidth;

/** What the GEMMs cover: NHWC, float32, no dilation, enough work to beat the stock kernel. */
const gemmTakes = (c: tf.backend_util.Conv2DInfo, dtypes: string[], minFlop = gemmMinFlop) =>
  c.dataFormat === 'channelsLast' && dtypes.every((d) => d === 'float32') && c.dilationHeight === 1 && c.dilationWidth === 1 && convFlop(c) >= minFlop;

const stock = (name: string): KernelFunc => stockKernels.get(name)!.kernelFunc;

const conv2D: KernelFunc = (args) => {
  const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
  const { strides, pad, dataFormat, dilations, dimRoundingMode } = args.attrs as unknown as Conv2DAttrs;
  const c = tf.backend_util.computeConv2DInfo(x.shape as Conv4D, filter.shape as Conv4D, strides, dilations, pad, dimRoundingMode, false, tf.backend_util.convertConv2DDataFormat(dataFormat));
  if (!gemmTakes(c, [x.dtype, filter.dtype], forwardGemmMinFlop)) return stock(tf.Conv2D)(args);
  return conv2DGemm(args.backend as WebGPUBackend, x, filter, c);
};

const conv2DBackpropInput: KernelFunc = (args) => {
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const { inputShape, strides, pad, dataFormat, dimRoundingMode } = args.attrs as unknown as Conv2DBackpropInputAttrs;
  const c = tf.backend_util.computeConv2DInfo(inputShape, filter.shape as Conv4D, strides, 1, pad, dimRoundingMode, false, tf.backend_util.convertConv2DDataFormat(dataFormat));
  if (!gemmTakes(c, [dy.dtype, filter.dtype])) return stock(tf.Conv2DBackpropInput)(args);
  return conv2DBackpropInputGemm(args.backend as WebGPUBackend, dy, filter, c);
};

const conv2DBackpropFilter: KernelFunc = (args) => {
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs as unknown as Conv2DBackpropFilterAttrs;
  const c = tf.backend_util.computeConv2DInfo(x.shape as Conv4D, filterShape, strides, 1, pad, dimRoundingMode, false, tf.backend_util.convertConv2DDataFormat(dataFormat));
  if (!gemmTakes(c, [x.dtype, dy.dtype])) return stock(tf.Conv2DBackpropFilter)(args);
  return conv2DBackpropFilterGemm(args.backend as WebGPUBackend, x, dy, c);
};

/** Sum / Mean over every axis but the last of a float32 tensor (BatchNorm's reductions) go to reduceLeadingAxes. */
function leadingAxesReduce(kind: 'sum' | 'mean', name: string): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as SumAttrs;
    const rank = x.shape.length;
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    const leading = rank >= 2 && axes.length === rank - 1 && axes.every((a, i) => a === i);
    if (!leading || x.dtype !== 'float32') return stock(name)(args);
    const channels = x.shape[rank - 1];
    return reduceLeadingAxes(args.backend as WebGPUBackend, x, kind, keepDims ? [...x.shape.slice(0, -1).map(() => 1), channels] : [channels]);
  };
}

const STUDIO_KERNELS: KernelConfig[] = [
  { kernelName: tf.Sum, backendName: 'webgpu', kernelFunc: leadingAxesReduce('sum', tf.Sum) },
  { kernelName: tf.Mean, backendName: 'webgpu', kernelFunc: leadingAxesReduce('mean', tf.Mean) },
  { kernelName: tf.Conv2D, backendName: 'webgpu', kernelFunc: conv2D },
  { kernelName: tf.Conv2DBackpropInput, backendName: 'webgpu', kernelFunc: conv2DBackpropInput },
  { kernelName: tf.Conv2DBackpropFilter, backendName: 'webgpu', kernelFunc: conv2DBackpropFilter },
];


/**
 * Use the studio's kernels or tfjs's stock ones on WebGPU; returns what is in use. `gemmMinFlop`: the
 * smallest convolution the GEMMs take, forward included (tests and benches set 0 to run it on every shape).
 */
export function useKernels(choice: KernelChoice, options: { gemmMinFlop?: number } = {}): KernelChoice {
  gemmMinFlop = options.gemmMinFlop ?? GEMM_MIN_FLOP;
  forwardGemmMinFlop = options.gemmMinFlop ?? 0;
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
