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
 * A 16 × 16 workgroup computes a 64 × 64 tile of dW, 4 × 4 values per thread, over a K range of
 * its split; with several splits a second pass adds the partial tiles.
 */
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';

const TILE = 64;
const TILE_K = 32;
/** rows of the A and B tiles each of the 256 threads loads per step */
const LOADS = (TILE_K * TILE) / 256;

export interface SplitPlan {
  M: number;
  N: number;
  K: number;
  splits: number;
  /** K values per split, a multiple of TILE_K */
  kPerSplit: number;
}

/**
 * Enough workgroups to fill a GPU (≥ 256 when K allows) without splitting K below 512 per split,
 * where the second pass would cost more than it saves.
 */
export function planSplitK(convInfo: backend_util.Conv2DInfo, targetWorkgroups = 256, minKPerSplit = 512): SplitPlan {
  const M = convInfo.filterHeight * convInfo.filterWidth * convInfo.inChannels;
  const N = convInfo.outChannels;
  const K = convInfo.batchSize * convInfo.outHeight * convInfo.outWidth;
  const tiles = Math.ceil(M / TILE) * Math.ceil(N / TILE);
  const wanted = Math.ceil(targetWorkgroups / tiles);
  const most = Math.max(1, Math.floor(K / minKPerSplit));
  let splits = Math.max(1, Math.min(wanted, most));
  const kPerSplit = Math.ceil(K / splits / TILE_K) * TILE_K;
  splits = Math.ceil(K / kPerSplit);
  return { M, N, K, splits, kPerSplit };
}

class FilterGradGemmProgram implements WebGPUProgram {
  variableNames = ['x', 'dy'];
  uniforms =
    'M : i32, N : i32, K : i32, kPerSplit : i32, inC : i32, kw : i32, outH : i32, outW : i32, inH : i32, inW : i32, strideH : i32, strideW : i32, padTop : i32, padLeft : i32,';
  workgroupSize: [number, number, number] = [16, 16, 1];
  outputShape: number[];
  // output [splits, M, N]: x runs over N tiles, y over M tiles, z over splits
  dispatchLayout = { x: [2], y: [1], z: [0] };
  dispatch: [number, number, number];
  shaderKey = 'studioConv2DBackpropFilterGemm';

  constructor(plan: SplitPlan) {
    this.outputShape = [plan.splits, plan.M, plan.N];
    this.dispatch = [Math.ceil(plan.N / TILE), Math.ceil(plan.M / TILE), plan.splits];
  }

  getUserCode(): string {
    return `
      // tileA[kk][r] holds rows r, r + 16, r + 32, r + 48 of the A tile at depth kk (the 4 rows one thread
      // accumulates), tileB[kk][c] columns c, c + 16, c + 32, c + 48: one vec4 load each per depth
      var<workgroup> tileA : array<array<vec4<f32>, 16>, ${TILE_K}>;
      var<workgroup> tileB : array<array<vec4<f32>, 16>, ${TILE_K}>;

      // A[m, k] and B[k, n] into row kk of the tiles (zero outside the matrices and the image)
      fn loadTiles(kk : i32, k : i32, kEnd : i32, col : i32, m : i32, n : i32, ci : i32, fcol : i32, frow : i32) {
        var a = 0.0;
        var b = 0.0;
        if (k < kEnd) {
          let ox = k % uniforms.outW;
          let t = k / uniforms.outW;
          let oy = t % uniforms.outH;
          let bi = t / uniforms.outH;
          let xr = oy * uniforms.strideH + frow - uniforms.padTop;
          let xc = ox * uniforms.strideW + fcol - uniforms.padLeft;
          if (m < uniforms.M && xr >= 0 && xr < uniforms.inH && xc >= 0 && xc < uniforms.inW) {
            a = x[((bi * uniforms.inH + xr) * uniforms.inW + xc) * uniforms.inC + ci];
          }
          if (n < uniforms.N) {
            b = dy[k * uniforms.N + n];
          }
        }
        tileA[kk][col % 16][col / 16] = a;
        tileB[kk][col % 16][col / 16] = b;
      }

      fn main() {
        let tx = i32(localId.x);
        let ty = i32(localId.y);
        let tid = ty * 16 + tx;
        let m0 = i32(workgroupId.y) * ${TILE};
        let n0 = i32(workgroupId.x) * ${TILE};
        let split = i32(workgroupId.z);
        let kBegin = split * uniforms.kPerSplit;
        let kEnd = min(kBegin + uniforms.kPerSplit, uniforms.K);

        // each thread loads one column of the A and B tiles: element (kk, col) for kk = tid / 64 + 4 i, i < LOADS
        let col = tid % ${TILE};
        let row0 = tid / ${TILE};
        let m = m0 + col;
        let ci = m % uniforms.inC;
        let rs = m / uniforms.inC;
        let fcol = rs % uniforms.kw;
        let frow = rs / uniforms.kw;
        let n = n0 + col;

        // 4 × 4 accumulators in registers: row i of the thread's block is acc{i}, its 4 columns a vec4
        var acc0 = vec4<f32>(0.0);
        var acc1 = vec4<f32>(0.0);
        var acc2 = vec4<f32>(0.0);
        var acc3 = vec4<f32>(0.0);
        // the loop bound must be uniform for the barriers (workgroupId is read through a private variable)
        let steps = uniforms.kPerSplit / ${TILE_K};
        for (var step = 0; step < steps; step = step + 1) {
          let k0 = kBegin + step * ${TILE_K};
          ${Array.from({ length: LOADS }, (_, i) => `loadTiles(row0 + ${4 * i}, k0 + row0 + ${4 * i}, kEnd, col, m, n, ci, fcol, frow);`).join('\n          ')}
          workgroupBarrier();
          for (var kk = 0; kk < ${TILE_K}; kk = kk + 1) {
            let a = tileA[kk][ty];
            let b = tileB[kk][tx];
            acc0 = fma(vec4<f32>(a.x), b, acc0);
            acc1 = fma(vec4<f32>(a.y), b, acc1);
            acc2 = fma(vec4<f32>(a.z), b, acc2);
            acc3 = fma(vec4<f32>(a.w), b, acc3);
          }
          workgroupBarrier();
        }

        let base = split * uniforms.M * uniforms.N;
        let rows = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
        for (var i = 0; i < 4; i = i + 1) {
          let om = m0 + ty + 16 * i;
          for (var j = 0; j < 4; j = j + 1) {
            let on = n0 + tx + 16 * j;
            if (om < uniforms.M && on < uniforms.N) {
              result[base + om * uniforms.N + on] = rows[i][j];
            }
          }
        }
      }
    `;
  }
}

/** Adds `splits` partial M × N results: out[i] = Σ_s partial[s · size + i]. */
class SumSplitsProgram implements WebGPUProgram {
  variableNames = ['partial'];
  uniforms = 'splits : i32,';
  workgroupSize: [number, number, number] = [64, 1, 1];
  outputShape: number[];
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  size = true;
  shaderKey = 'studioSumSplits';

  constructor(outputShape: number[]) {
    this.outputShape = outputShape;
    this.dispatchLayout = { x: outputShape.map((_, i) => i) };
    const size = outputShape.reduce((a, b) => a * b, 1);
    this.dispatch = [Math.ceil(size / 64), 1, 1];
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          var sum = 0.0;
          for (var s = 0; s < uniforms.splits; s = s + 1) {
            sum = sum + partial[s * uniforms.size + index];
          }
          result[index] = sum;
        }
      }
    `;
  }
}

/** dW for NHWC x and dy, unit dilation, float32: what ResNet-18 needs. */
export function conv2DBackpropFilterGemm(backend: WebGPUBackend, x: TensorInfo, dy: TensorInfo, convInfo: backend_util.Conv2DInfo): TensorInfo {
  const plan = planSplitK(convInfo);
  const uniforms = [
    plan.M, plan.N, plan.K, plan.kPerSplit, convInfo.inChannels, convInfo.filterWidth, convInfo.outHeight, convInfo.outWidth,
    convInfo.inHeight, convInfo.inWidth, convInfo.strideHeight, convInfo.strideWidth, convInfo.padInfo.top, convInfo.padInfo.left,
  ].map((v) => ({ type: 'int32', data: [v] }));
  const partial = backend.runWebGPUProgram(new FilterGradGemmProgram(plan), [x, dy], 'float32', uniforms);
  let out = partial;
  if (plan.splits > 1) {
    out = backend.runWebGPUProgram(new SumSplitsProgram([plan.M, plan.N]), [partial], 'float32', [{ type: 'int32', data: [plan.splits] }]);
    backend.disposeData(partial.dataId);
  }
  // [M, N] row-major is the filter's [kh, kw, inC, outC]: same data, the filter's shape (as tfjs's reshape does)
  return { dataId: out.dataId, shape: [...convInfo.filterShape], dtype: 'float32' };
}
