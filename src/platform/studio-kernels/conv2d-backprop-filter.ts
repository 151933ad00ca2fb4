/**
 * Conv2DBackpropFilter for tfjs-webgpu as an implicit GEMM with workgroup-memory tiles, register
 * blocking and split-K. tfjs's stock kernel gives each weight one thread that loops serially over
 * batch × output height × output width (conv1 at batch 16: 3,136 threads × 200,704 iterations).
 *
 *   dW[m, n] = Σ_k A[m, k] · B[k, n]
 *   m = (r · kw + s) · inC + ci   (the filter's [kh, kw, inC, outC] layout, row-major: dW is the output as is)
 *   k = (b · outH + oy) · outW + ox
 *   A[m, k] = x[b, oy · sh + r − pt, ox · sw + s − pl, ci]   (0 outside the image: padding)
 *   B[k, n] = dy[b, oy, ox, n]                              (dy is already a K × outC matrix)
 *
 * Each workgroup computes a 64 × 64 tile of dW (gemm-tiles.ts) over the K range of its split; with
 * several splits a second pass adds the partial tiles.
 */
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import { gemmShader, tileCols, tileDepth, tileKey, tileRows, tileShapeFor, type LoadOrder, type TileShape } from './gemm-tiles';
import { paddedInputLoad } from './padded-input';
import { sumSplits } from './sum-splits';
import { submitRecorded } from '../../lib/tfjs-internals';

export interface SplitPlan {
  M: number;
  N: number;
  K: number;
  splits: number;
  /** K values per split, a multiple of the tile's depth */
  kPerSplit: number;
  tile: TileShape;
}

/**
 * Every split-K partial result lives in one buffer of this many floats (4 MiB), whatever the layer, so that the
 * buffer pool (which reuses buffers of equal size only) can hand the same one to every layer; it gets it back only
 * at a submit, hence submitRecorded after the partials are summed (README, "GPU memory", has the figures).
 */
export const PARTIAL_FLOATS = 1 << 20;

/**
 * Enough workgroups to fill a GPU (≥ 256 when K allows) without splitting K below 512 per split,
 * where the second pass would cost more than it saves, nor beyond what fits PARTIAL_FLOATS.
 */
export function planSplitK(convInfo: backend_util.Conv2DInfo, targetWorkgroups = 256, minKPerSplit = 512): SplitPlan {
  const M = convInfo.filterHeight * convInfo.filterWidth * convInfo.inChannels;
  const N = convInfo.outChannels;
  const K = convInfo.batchSize * convInfo.outHeight * convInfo.outWidth;
  const tile = tileShapeFor(M, N);
  const tiles = Math.ceil(M / tileRows(tile)) * Math.ceil(N / tileCols(tile));
  const wanted = Math.ceil(targetWorkgroups / tiles);
  const most = Math.max(1, Math.floor(K / minKPerSplit));
  let splits = Math.max(1, Math.min(wanted, most, Math.floor(PARTIAL_FLOATS / (M * N))));
  const kPerSplit = Math.ceil(K / splits / tileDepth(tile)) * tileDepth(tile);
  splits = Math.ceil(K / kPerSplit);
  return { M, N, K, splits, kPerSplit, tile };
}

class FilterGradGemmProgram implements WebGPUProgram {
  variableNames = ['x', 'dy'];
  uniforms =
    'M : i32, N : i32, K : i32, kPerSplit : i32, inC : i32, kw : i32, outH : i32, outW : i32, inH : i32, inW : i32, strideH : i32, strideW : i32, padTop : i32, padLeft : i32,';
  workgroupSize: [number, number, number] = [16, 16, 1];
  outputShape: number[];
  // output: [M, N], or the splits' [splits, M, N] at the start of a PARTIAL_FLOATS buffer;
  // x runs over N tiles, y over M tiles, z over splits
  dispatchLayout = { x: [2], y: [1], z: [0] };
  dispatch: [number, number, number];
  shaderKey: string;
  /**
   * Which index consecutive threads walk when loading A: channels ('rows', contiguous in x) when there are enough of them;
   * output positions ('depth') for conv1's single channel, where a row is one tap and decoding a position per load costs
   * more than the load (three integer divisions, emulated per lane on SwiftShader).
   */
  aAlong: LoadOrder;

  tile: TileShape;

  constructor(plan: SplitPlan, inChannels: number) {
    this.aAlong = inChannels < 16 ? 'depth' : 'rows';
    this.tile = plan.tile;
    this.shaderKey = `studioConv2DBackpropFilterGemm${this.aAlong}${tileKey(this.tile)}`;
    this.outputShape = plan.splits > 1 ? [PARTIAL_FLOATS] : [plan.M, plan.N];
    this.dispatch = [Math.ceil(plan.N / tileCols(this.tile)), Math.ceil(plan.M / tileRows(this.tile)), plan.splits];
  }

  getUserCode(): string {
    return gemmShader({
      // A[m, k] = x[b, oy · sh + r − pt, ox · sw + s − pl, ci]; consecutive m are consecutive ci
      aRow: `fn aRow(m : i32) -> vec4<i32> {
        let rs = m / uniforms.inC;
        return vec4<i32>(rs / uniforms.kw - uniforms.padTop, rs % uniforms.kw - uniforms.padLeft, m % uniforms.inC, 0);
      }`,
      aDepth: `fn aDepth(k : i32) -> vec4<i32> {
        let t = k / uniforms.outW;
        return vec4<i32>((t % uniforms.outH) * uniforms.strideH, (k % uniforms.outW) * uniforms.strideW, (t / uniforms.outH) * uniforms.inH, 0);
      }`,
      loadA: paddedInputLoad('depth'),
      // B[k, n] = dy[b, oy, ox, n]: dy is already a K × outC matrix
      bDepth: `fn bDepth(k : i32) -> vec4<i32> { return vec4<i32>(k, 0, 0, 0); }`,
      loadB: `fn loadB(depth : vec4<i32>, n : i32) -> f32 { return dy[depth.x * uniforms.N + n]; }`,
      store: `fn store(m : i32, n : i32, value : f32) {
        result[i32(workgroupId.z) * uniforms.M * uniforms.N + m * uniforms.N + n] = value;
      }`,
      aAlong: this.aAlong,
      bAlong: 'rows',
      kRange: { begin: 'split * uniforms.kPerSplit', end: 'min(split * uniforms.kPerSplit + uniforms.kPerSplit, uniforms.K)', length: 'uniforms.kPerSplit' },
    }, this.tile);
  }
}

/** dW for NHWC x and dy, unit dilation, float32: what ResNet-18 needs. */
export function conv2DBackpropFilterGemm(backend: WebGPUBackend, x: TensorInfo, dy: TensorInfo, convInfo: backend_util.Conv2DInfo): TensorInfo {
  const plan = planSplitK(convInfo);
  const uniforms = [
    plan.M, plan.N, plan.K, plan.kPerSplit, convInfo.inChannels, convInfo.filterWidth, convInfo.outHeight, convInfo.outWidth,
    convInfo.inHeight, convInfo.inWidth, convInfo.strideHeight, convInfo.strideWidth, convInfo.padInfo.top, convInfo.padInfo.left,
  ].map((v) => ({ type: 'int32', data: [v] }));
  const partial = backend.runWebGPUProgram(new FilterGradGemmProgram(plan, convInfo.inChannels), [x, dy], 'float32', uniforms);
  let out = partial;
  if (plan.splits > 1) {
    out = sumSplits(backend, partial, [plan.M, plan.N], plan.splits);
    submitRecorded(backend);
  }
  // [M, N] row-major is the filter's [kh, kw, inC, outC]: same data, the filter's shape (as tfjs's reshape does)
  return { dataId: out.dataId, shape: [...convInfo.filterShape], dtype: 'float32' };
}
