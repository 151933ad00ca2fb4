/**
 * Conv2D and Conv2DBackpropInput for tfjs-webgpu as implicit GEMMs on the shared tile loop (gemm-tiles.ts).
 *
 * Forward:  y[m, n] = Σ_k A[m, k] · W[k, n]
 *   m = (b · outH + oy) · outW + ox,  k = (r · kw + s) · inC + ci,  n = output channel
 *   A[m, k] = x[b, oy · sh + r − pt, ox · sw + s − pl, ci] (0 in the padding); W as stored, [kh·kw·inC, outC]
 *
 * Input gradient, as stride² sub-convolutions: the input pixels of one parity class
 * (y mod sh, x mod sw) = (py, px) receive gradient only from the taps r ≡ py + pt (mod sh),
 * s ≡ px + pl (mod sw), so each class is its own GEMM over exactly its taps (a 3×3/2 layer does
 * 1, 2, 2 and 4 taps instead of 9 for every pixel, where most would multiply zeros):
 *   dx[m, n] = Σ_k A[m, k] · B[k, n]
 *   m = (b · rowsH + y') · rowsW + x' for y = y' · sh + py, x = x' · sw + px;  n = input channel
 *   k = (tr · tapsS + ts) · outC + co for r = r0 + sh · tr, s = s0 + sw · ts
 *   A[m, k] = dy[b, (y + pt − r) / sh, (x + pl − s) / sw, co] (0 outside dy);  B[k, n] = W[r, s, n, co]
 */
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import { gemmShader, tileCols, tileKey, tileRows, tileShapeFor, type TileShape } from './gemm-tiles';
import { paddedInputLoad } from './padded-input';

type Uniform = { type: string; data: number[] };
const ints = (values: number[]): Uniform[] => values.map((v) => ({ type: 'int32', data: [v] }));

/** The WebGPUProgram fields both GEMMs here share: an NHWC output, a tile shape for M × N, one workgroup per tile. */
abstract class ConvGemmProgram implements WebGPUProgram {
  abstract variableNames: string[];
  abstract uniforms: string;
  workgroupSize: [number, number, number] = [16, 16, 1];
  dispatchLayout = { x: [3], y: [0, 1, 2] };
  dispatch: [number, number, number];
  shaderKey: string;
  tile: TileShape;

  constructor(name: string, public outputShape: number[], M: number, N: number) {
    this.tile = tileShapeFor(M, N);
    this.shaderKey = `${name}${tileKey(this.tile)}`;
    this.dispatch = [Math.ceil(N / tileCols(this.tile)), Math.max(1, Math.ceil(M / tileRows(this.tile))), 1];
  }

  abstract getUserCode(): string;
}

class ConvForwardGemmProgram extends ConvGemmProgram {
  variableNames = ['x', 'w'];
  uniforms = 'M : i32, N : i32, K : i32, inC : i32, kw : i32, outH : i32, outW : i32, inH : i32, inW : i32, strideH : i32, strideW : i32, padTop : i32, padLeft : i32,';

  constructor(convInfo: backend_util.Conv2DInfo) {
    super('studioConv2DGemm', convInfo.outShape, convInfo.batchSize * convInfo.outHeight * convInfo.outWidth, convInfo.outChannels);
  }

  getUserCode(): string {
    return gemmShader({
      aRow: `fn aRow(m : i32) -> vec4<i32> {
        let t = m / uniforms.outW;
        return vec4<i32>((t % uniforms.outH) * uniforms.strideH - uniforms.padTop, (m % uniforms.outW) * uniforms.strideW - uniforms.padLeft, (t / uniforms.outH) * uniforms.inH, 0);
      }`,
      aDepth: `fn aDepth(k : i32) -> vec4<i32> {
        let rs = k / uniforms.inC;
        return vec4<i32>(rs / uniforms.kw, rs % uniforms.kw, k % uniforms.inC, 0);
      }`,
      loadA: paddedInputLoad('row'),
      bDepth: `fn bDepth(k : i32) -> vec4<i32> { return vec4<i32>(k, 0, 0, 0); }`,
      loadB: `fn loadB(depth : vec4<i32>, n : i32) -> f32 { return w[depth.x * uniforms.N + n]; }`,
      store: `fn store(m : i32, n : i32, value : f32) { result[m * uniforms.N + n] = value; }`,
      // consecutive k are consecutive input channels; consecutive n consecutive output channels
      aAlong: 'depth',
      bAlong: 'rows',
    }, this.tile);
  }
}

/** The GEMM of one parity class of the input gradient; every class writes its own pixels of one output. */
class ConvInputGradGemmProgram extends ConvGemmProgram {
  variableNames = ['dy', 'w'];
  uniforms =
    'M : i32, N : i32, K : i32, outC : i32, kw : i32, outH : i32, outW : i32, inH : i32, inW : i32, strideH : i32, strideW : i32, padTop : i32, padLeft : i32, py : i32, px : i32, r0 : i32, s0 : i32, tapsS : i32, rowsH : i32, rowsW : i32, cy : i32, cx : i32,';

  constructor(outputShape: number[], M: number, N: number) {
    super('studioConv2DInputGradGemm', outputShape, M, N);
  }

  getUserCode(): string {
    // y + pt − r = sh · (y' − tr) + (py + pt − r0), the last term a multiple of sh: oy = y' + cy − tr, no division
    const depth = `fn depthOf(k : i32) -> vec4<i32> {
        let t = k / uniforms.outC;
        let tr = t / uniforms.tapsS;
        let ts = t % uniforms.tapsS;
        let tap = (uniforms.r0 + uniforms.strideH * tr) * uniforms.kw + uniforms.s0 + uniforms.strideW * ts;
        return vec4<i32>(tr, ts, k % uniforms.outC, tap);
      }`;
    return gemmShader({
      aRow: `fn aRow(m : i32) -> vec4<i32> {
        let u = m / uniforms.rowsW;
        return vec4<i32>(u % uniforms.rowsH + uniforms.cy, m % uniforms.rowsW + uniforms.cx, (u / uniforms.rowsH) * uniforms.outH, 0);
      }`,
      aDepth: `${depth}
      fn aDepth(k : i32) -> vec4<i32> { return depthOf(k); }`,
      loadA: `fn loadA(row : vec4<i32>, depth : vec4<i32>) -> f32 {
        let oy = row.x - depth.x;
        let ox = row.y - depth.y;
        if (oy < 0 || oy >= uniforms.outH || ox < 0 || ox >= uniforms.outW) { return 0.0; }
        return dy[((row.z + oy) * uniforms.outW + ox) * uniforms.outC + depth.z];
      }`,
      bDepth: `fn bDepth(k : i32) -> vec4<i32> { return depthOf(k); }`,
      // W[r, s, n, co]
      loadB: `fn loadB(depth : vec4<i32>, n : i32) -> f32 { return w[(depth.w * uniforms.N + n) * uniforms.outC + depth.z]; }`,
      store: `fn store(m : i32, n : i32, value : f32) {
        let xp = m % uniforms.rowsW;
        let u = m / uniforms.rowsW;
        let yp = u % uniforms.rowsH;
        let b = u / uniforms.rowsH;
        let y = yp * uniforms.strideH + uniforms.py;
        let x = xp * uniforms.strideW + uniforms.px;
        result[((b * uniforms.inH + y) * uniforms.inW + x) * uniforms.N + n] = value;
      }`,
      // consecutive k are consecutive output channels in dy and in W
      aAlong: 'depth',
      bAlong: 'depth',
    }, this.tile);
  }
}

/** y for NHWC x and an [kh, kw, inC, outC] filter, unit dilation, float32. */
export function conv2DGemm(backend: WebGPUBackend, x: TensorInfo, filter: TensorInfo, c: backend_util.Conv2DInfo): TensorInfo {
  const M = c.batchSize * c.outHeight * c.outWidth;
  const uniforms = ints([
    M, c.outChannels, c.filterHeight * c.filterWidth * c.inChannels, c.inChannels, c.filterWidth, c.outHeight, c.outWidth, c.inHeight, c.inWidth,
    c.strideHeight, c.strideWidth, c.padInfo.top, c.padInfo.left,
  ]);
  return backend.runWebGPUProgram(new ConvForwardGemmProgram(c), [x, filter], 'float32', uniforms);
}

/** One parity class of the input gradient: its pixel grid and its taps. */
export interface ParityClass {
  py: number;
  px: number;
  rowsH: number;
  rowsW: number;
  r0: number;
  s0: number;
  tapsR: number;
  tapsS: number;
}

/** The stride² parity classes of an input gradient (one class, all taps, at stride 1). */
export function parityClasses(c: backend_util.Conv2DInfo): ParityClass[] {
  const classes: ParityClass[] = [];
  const taps = (first: number, kernel: number, stride: number) => Math.max(0, Math.ceil((kernel - first) / stride));
  for (let py = 0; py < Math.min(c.strideHeight, c.inHeight); py++) {
    for (let px = 0; px < Math.min(c.strideWidth, c.inWidth); px++) {
      const r0 = (py + c.padInfo.top) % c.strideHeight;
      const s0 = (px + c.padInfo.left) % c.strideWidth;
      classes.push({
        py, px, r0, s0,
        rowsH: Math.ceil((c.inHeight - py) / c.strideHeight),
        rowsW: Math.ceil((c.inWidth - px) / c.strideWidth),
        tapsR: taps(r0, c.filterHeight, c.strideHeight),
        tapsS: taps(s0, c.filterWidth, c.strideWidth),
      });
    }
  }
  return classes;
}

/** dx for NHWC dy and an [kh, kw, inC, outC] filter, unit dilation, float32: one GEMM per parity class into one output. */
export function conv2DBackpropInputGemm(backend: WebGPUBackend, dy: TensorInfo, filter: TensorInfo, c: backend_util.Conv2DInfo): TensorInfo {
  const outputShape = [c.batchSize, c.inHeight, c.inWidth, c.inChannels];
  let output: TensorInfo | undefined;
  for (const p of parityClasses(c)) {
    const M = c.batchSize * p.rowsH * p.rowsW;
    const K = p.tapsR * p.tapsS * c.outChannels;
    const uniforms = ints([
      M, c.inChannels, K, c.outChannels, c.filterWidth, c.outHeight, c.outWidth, c.inHeight, c.inWidth, c.strideHeight, c.strideWidth,
      c.padInfo.top, c.padInfo.left, p.py, p.px, p.r0, p.s0, Math.max(1, p.tapsS), p.rowsH, p.rowsW,
      (p.py + c.padInfo.top - p.r0) / c.strideHeight, (p.px + c.padInfo.left - p.s0) / c.strideWidth,
    ]);
    output = backend.runWebGPUProgram(new ConvInputGradGemmProgram(outputShape, M, c.inChannels), [dy, filter], 'float32', uniforms, output);
  }
  return output!;
}
