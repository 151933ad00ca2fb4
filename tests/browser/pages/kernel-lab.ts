/**
 * Test page for the studio's WebGPU kernels (src/platform/studio-kernels): each against tfjs's CPU
 * backend on the same seeded inputs, and timed against the stock kernel. Exposed as `window.lab`.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { useKernels, type KernelChoice } from '../../../src/platform/studio-kernels';
import { mulberry32 } from '../../../src/lib/random';
import type { ConvShape } from '../../support/resnet-conv-shapes';

type ConvCase = ConvShape;

function inputs(c: ConvCase, seed: number) {
  const outH = Math.floor((c.height + 2 * c.pad - c.kernel) / c.stride) + 1;
  const outW = Math.floor((c.width + 2 * c.pad - c.kernel) / c.stride) + 1;
  const rng = mulberry32(seed);
  const x = Float32Array.from({ length: c.batch * c.height * c.width * c.inC }, () => rng() * 2 - 1);
  const dy = Float32Array.from({ length: c.batch * outH * outW * c.outC }, () => rng() * 2 - 1);
  const w = Float32Array.from({ length: c.kernel * c.kernel * c.inC * c.outC }, () => rng() * 2 - 1);
  return { x, dy, w, xShape: [c.batch, c.height, c.width, c.inC] as const, dyShape: [c.batch, outH, outW, c.outC] as const };
}

function filterGrad(c: ConvCase, x: tf.Tensor4D, dy: tf.Tensor4D): tf.Tensor4D {
  // a numeric pad is torch's symmetric padding, as the model uses it (src/lib/model/conv.ts)
  return tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { strides: [c.stride, c.stride], pad: c.pad, dataFormat: 'NHWC', filterShape: [c.kernel, c.kernel, c.inC, c.outC] }) as tf.Tensor4D;
}

async function convOn(kernel: TimedKernel, backend: string, c: ConvCase, seed: number): Promise<Float32Array> {
  await tf.setBackend(backend);
  const d = inputs(c, seed);
  const x = tf.tensor4d(d.x, [...d.xShape]);
  const dy = tf.tensor4d(d.dy, [...d.dyShape]);
  const w = tf.tensor4d(d.w, [c.kernel, c.kernel, c.inC, c.outC]);
  const out = runConvKernel(kernel, c, x, dy, w);
  const data = (await out.data()) as Float32Array;
  tf.dispose([x, dy, w, out]);
  return data;
}

/** max |studio − cpu| / max |cpu| per case, the studio kernel on WebGPU. */
async function convCheck(kernel: TimedKernel, cases: ConvCase[]) {
  const results = [];
  for (const c of cases) {
    const ref = await convOn(kernel, 'cpu', c, 11);
    useKernels('studio', { gemmMinFlop: 0 });
    const got = await convOn(kernel, 'webgpu', c, 11);
    let maxDiff = 0;
    let maxRef = 0;
    for (let i = 0; i < ref.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(got[i] - ref[i]));
      maxRef = Math.max(maxRef, Math.abs(ref[i]));
    }
    results.push({ name: c.name, size: ref.length, sameLength: got.length === ref.length, relError: maxDiff / (maxRef || 1), twoRunsEqual: (await convOn(kernel, 'webgpu', c, 11)).every((v, i) => v === got[i]) });
  }
  await tf.setBackend('webgpu');
  return results;
}

/** Sum and Mean over every axis but the last (keepDims both ways), studio kernel on WebGPU vs the CPU backend. */
async function reduceCheck(shapes: number[][]) {
  const results = [];
  for (const shape of shapes) {
    for (const kind of ['sum', 'mean'] as const) {
      for (const keepDims of [false, true]) {
        const run = async (backend: string) => {
          await tf.setBackend(backend);
          if (backend === 'webgpu') useKernels('studio');
          const rng = mulberry32(5);
          const x = tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng() * 4 - 1), shape);
          const axes = shape.slice(0, -1).map((_, i) => i);
          const out = kind === 'sum' ? tf.sum(x, axes, keepDims) : tf.mean(x, axes, keepDims);
          const data = { shape: out.shape, values: (await out.data()) as Float32Array };
          tf.dispose([x, out]);
          return data;
        };
        const ref = await run('cpu');
        const got = await run('webgpu');
        const again = await run('webgpu');
        let maxDiff = 0;
        let maxRef = 0;
        for (let i = 0; i < ref.values.length; i++) {
          maxDiff = Math.max(maxDiff, Math.abs(got.values[i] - ref.values[i]));
          maxRef = Math.max(maxRef, Math.abs(ref.values[i]));
        }
        results.push({
          name: `${kind} of [${shape}]${keepDims ? ', keepDims' : ''}`,
          sameShape: got.shape.join() === ref.shape.join(),
          relError: maxDiff / (maxRef || 1),
          twoRunsEqual: again.values.every((v, i) => v === got.values[i]),
        });
      }
    }
  }
  await tf.setBackend('webgpu');
  return results;
}

export type TimedKernel = 'Conv2D' | 'Conv2DBackpropInput' | 'Conv2DBackpropFilter';

function runConvKernel(kernel: TimedKernel, c: ConvCase, x: tf.Tensor4D, dy: tf.Tensor4D, w: tf.Tensor4D): tf.Tensor {
  const strides: [number, number] = [c.stride, c.stride];
  if (kernel === 'Conv2DBackpropFilter') return filterGrad(c, x, dy);
  if (kernel === 'Conv2D') return tf.engine().runKernel(tf.Conv2D, { x, filter: w }, { strides, pad: c.pad, dataFormat: 'NHWC', dilations: [1, 1] }) as tf.Tensor;
  return tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter: w }, { strides, pad: c.pad, dataFormat: 'NHWC', inputShape: [c.batch, c.height, c.width, c.inC] }) as tf.Tensor;
}

/**
 * Median ms of `reps` calls of one kernel on one backend (each fenced by reading one value back, so
 * the GPU work is done), after one warm-up that compiles the shader.
 */
async function timeKernel(kernel: TimedKernel, c: ConvCase, backend: 'webgpu' | 'webgl', choice: KernelChoice, reps: number, naiveTranspose?: boolean) {
  await tf.setBackend(backend);
  const used = backend === 'webgpu' ? useKernels(choice, { gemmMinFlop: 0 }) : 'stock';
  const flagBefore = tf.env().getBool('WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE');
  if (naiveTranspose !== undefined) tf.env().set('WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE', naiveTranspose);
  const d = inputs(c, 3);
  const x = tf.tensor4d(d.x, [...d.xShape]);
  const dy = tf.tensor4d(d.dy, [...d.dyShape]);
  const w = tf.tensor4d(d.w, [c.kernel, c.kernel, c.inC, c.outC]);
  const times: number[] = [];
  for (let i = 0; i <= reps; i++) {
    const t0 = performance.now();
    const out = runConvKernel(kernel, c, x, dy, w);
    const probe = out.reshape([-1]).slice([0], [1]);
    await probe.data();
    if (i > 0) times.push(performance.now() - t0);
    tf.dispose([out, probe]);
  }
  tf.dispose([x, dy, w]);
  tf.env().set('WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE', flagBefore);
  times.sort((a, b) => a - b);
  return { used, ms: times[Math.floor(times.length / 2)] };
}

const ready = (async () => {
  if (!(await tf.setBackend('webgpu'))) throw new Error('WebGPU backend unavailable');
  await tf.ready();
  return tf.getBackend();
})();

/** shader keys of the studio's programs the WebGPU backend has compiled so far (each key starts with the program's name) */
function studioPrograms(): string[] {
  const backend = tf.findBackend('webgpu') as unknown as { pipelineCache: Record<string, unknown> };
  return Object.keys(backend.pipelineCache).filter((k) => k.startsWith('studio'));
}

const lab = { tf, ready, convCheck, reduceCheck, timeKernel, studioPrograms };
(window as unknown as { lab: typeof lab }).lab = lab;
export type KernelLab = typeof lab;
