/**
 * Sum and Mean over every axis but the last (BatchNorm's per-channel statistics and gradient sums on NHWC)
 * without a transpose. tfjs-webgpu reduces only innermost axes, so it first copies the whole activation
 * into [C, N·H·W] order: one extra pass per reduction, ~6 per BatchNorm in a training step.
 *
 * Pass 1: a 64 × 4 workgroup owns 64 channels and one range of rows (N·H·W positions); consecutive threads
 * read consecutive channels of a row, 4 rows at a time, and the 4 partial sums meet in workgroup memory.
 * Pass 2 adds the ranges (sum-splits.ts). Summation order is fixed: the result is the same bits run to run.
 */
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { sumSplits } from './sum-splits';

/** rows a workgroup sums: enough work per thread, enough workgroups to fill a GPU, short sequential sums */
export function planRowSplits(rows: number, targetRowsPerSplit = 512): { splits: number; rowsPerSplit: number } {
  const splits = Math.max(1, Math.ceil(rows / targetRowsPerSplit));
  const rowsPerSplit = Math.ceil(rows / splits);
  return { splits: Math.ceil(rows / rowsPerSplit), rowsPerSplit };
}

class ChannelPartialSumsProgram implements WebGPUProgram {
  variableNames = ['x'];
  uniforms = 'P : i32, C : i32, rowsPerSplit : i32,';
  workgroupSize: [number, number, number] = [64, 4, 1];
  outputShape: number[];
  dispatchLayout = { x: [1], y: [0] };
  dispatch: [number, number, number];
  shaderKey = 'studioChannelPartialSums';

  constructor(splits: number, channels: number) {
    this.outputShape = [splits, channels];
    this.dispatch = [Math.ceil(channels / 64), splits, 1];
  }

  getUserCode(): string {
    return `
      var<workgroup> partial : array<array<f32, 64>, 4>;

      fn main() {
        let lx = i32(localId.x);
        let ly = i32(localId.y);
        let c = i32(workgroupId.x) * 64 + lx;
        let split = i32(workgroupId.y);
        let p0 = split * uniforms.rowsPerSplit;
        let p1 = min(p0 + uniforms.rowsPerSplit, uniforms.P);
        var sum = 0.0;
        if (c < uniforms.C) {
          for (var p = p0 + ly; p < p1; p = p + 4) {
            sum = sum + x[p * uniforms.C + c];
          }
        }
        partial[ly][lx] = sum;
        workgroupBarrier();
        if (ly == 0 && c < uniforms.C) {
          result[split * uniforms.C + c] = (partial[0][lx] + partial[1][lx]) + (partial[2][lx] + partial[3][lx]);
        }
      }
    `;
  }
}

/** Σ (or mean) of a float32 tensor over all axes but its last, in `outShape` (the last axis' length of values). */
export function reduceLeadingAxes(backend: WebGPUBackend, x: TensorInfo, kind: 'sum' | 'mean', outShape: number[]): TensorInfo {
  const channels = x.shape[x.shape.length - 1];
  const rows = x.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const { splits, rowsPerSplit } = planRowSplits(rows);
  const partial = backend.runWebGPUProgram(new ChannelPartialSumsProgram(splits, channels), [x], 'float32', [
    { type: 'int32', data: [rows] },
    { type: 'int32', data: [channels] },
    { type: 'int32', data: [rowsPerSplit] },
  ]);
  const out = sumSplits(backend, partial, [channels], splits, kind === 'mean' ? 1 / rows : 1);
  return { dataId: out.dataId, shape: outShape, dtype: 'float32' };
}
