/** The second pass of split reductions: out[i] = scale · Σ_s partial[s · size + i], summed in split order (deterministic). */
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { TensorInfo } from '@tensorflow/tfjs-core';

class SumSplitsProgram implements WebGPUProgram {
  variableNames = ['partial'];
  uniforms = 'splits : i32, scale : f32,';
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
          result[index] = sum * uniforms.scale;
        }
      }
    `;
  }
}

/** Sums `splits` partial results of `outputShape` each (and scales them); disposes the partials. */
export function sumSplits(backend: WebGPUBackend, partial: TensorInfo, outputShape: number[], splits: number, scale = 1): TensorInfo {
  const out = backend.runWebGPUProgram(new SumSplitsProgram(outputShape), [partial], 'float32', [
    { type: 'int32', data: [splits] },
    { type: 'float32', data: [scale] },
  ]);
  backend.disposeData(partial.dataId);
  return out;
}
