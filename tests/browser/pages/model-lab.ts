/**
 * Test page served by the Vite dev server (tests/browser/pages/harness.ts): puts tfjs on WebGPU and
 * exposes the model code to page.evaluate as `window.lab`. Shared files reach it through page.route().
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { runResNetOracle, type OracleExpected } from '../../support/oracle-check';
import { createResNet18 } from '../../../src/lib/model/resnet';
import { Adam } from '../../../src/lib/model/adam';
import * as gpuMemory from '../../../src/platform/gpu-memory';
import { releasePooledGpuBuffers } from '../../../src/lib/tfjs-internals';
import { train, type DataSource } from '../../../src/lib/train/trainer';
import { RECIPE, validateConfig } from '../../../src/lib/train/config';
import { mulberry32 } from '../../../src/lib/random';
import { useKernels, type KernelChoice } from '../../../src/platform/studio-kernels';

async function fetchBytes(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

async function oracle(parts: ('cam' | 'train')[]) {
  const pth = await fetchBytes('/__shared/resnet18-oracle/resnet18-imagenet-layout.pth');
  const raw = await fetchBytes('/__shared/resnet18-oracle/inputs.f32');
  const inputs = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  const expected = (await (await fetch('/__shared/resnet18-oracle/expected.json')).json()) as OracleExpected;
  return runResNetOracle(tf, pth, inputs, expected, { parts });
}

/**
 * A short run of the real trainer on random 0–255 images (labels alternate): per-epoch records (numTensors,
 * gpuBytes, gpuBytesPerImage, microBatches, seconds, imagesPerSecond) with the platform's pool release after each epoch (and within
 * steps when micro-batched), as the training service does; on WebGPU (default; `kernels` switches studio/stock) or WebGL.
 */
async function trainSynthetic(opts: { size: number; width: number; epochs: number; batchSize: number; nTrain: number; nVal: number; microBatchSize?: number; release: boolean; backend?: 'webgpu' | 'webgl'; kernels?: KernelChoice }) {
  if (!(await tf.setBackend(opts.backend ?? 'webgpu'))) throw new Error(`${opts.backend} backend unavailable`);
  if (opts.kernels && tf.getBackend() === 'webgpu') useKernels(opts.kernels);
  const rng = mulberry32(9);
  const pixels = new Map<string, Uint8Array>();
  const make = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => {
      const id = `${prefix}${i}`;
      pixels.set(id, Uint8Array.from({ length: opts.size * opts.size }, () => Math.floor(rng() * 256)));
      return { id, label: i % 2 };
    });
  const data: DataSource = { mean: 0.5, std: 0.25, train: make('t', opts.nTrain), val: make('v', opts.nVal), load: async (ids) => ids.map((id) => pixels.get(id)!) };
  const cfg = validateConfig({ ...RECIPE, epochs: opts.epochs, batchSize: opts.batchSize, imageSize: opts.size, widthMultiplier: opts.width, lr: 1e-3, microBatchSize: opts.microBatchSize });
  const model = createResNet18({ widthMultiplier: opts.width, numClasses: 1, inputSize: opts.size }, 4);
  const adam = new Adam({ lr: cfg.lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 });
  try {
    const plan = await gpuMemory.planTrainMemory(cfg, 1);
    const outcome = await train(model, adam, data, { ...cfg, microBatchSize: plan.microBatchSize }, opts.release ? { gpuMemory: gpuMemory.gpuMemoryHooks(plan) } : {});
    return outcome.history.map(({ epoch, numTensors, gpuBytes, gpuBytesPerImage, microBatches, seconds, imagesPerSecond }) => ({ epoch, numTensors, gpuBytes, gpuBytesPerImage, microBatches, seconds, imagesPerSecond }));
  } finally {
    adam.dispose();
    model.dispose();
    releasePooledGpuBuffers();
  }
}

const ready = (async () => {
  if (!(await tf.setBackend('webgpu'))) throw new Error('WebGPU backend unavailable');
  // as the training worker does (training-service init): the studio's kernels; ?kernels=stock for tfjs's own
  useKernels(new URLSearchParams(location.search).get('kernels') === 'stock' ? 'stock' : 'studio');
  await tf.ready();
  return tf.getBackend();
})();

const lab = { tf, ready, oracle, trainSynthetic, gpuMemory };
(window as unknown as { lab: typeof lab }).lab = lab;
export type Lab = typeof lab;
