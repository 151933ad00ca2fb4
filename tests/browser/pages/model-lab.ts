/**
 * Test page served by the Vite dev server (tests/browser/pages/harness.ts): puts tfjs on WebGPU and
 * exposes the model code to page.evaluate as `window.lab`. Shared files reach it through page.route().
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { runResNetOracle, type OracleExpected } from '../../../src/lib/model/oracle-check';
import { createResNet18 } from '../../../src/lib/model/resnet';
import { Adam } from '../../../src/lib/model/adam';
import * as gpuMemory from '../../../src/platform/gpu-memory';

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

const ready = (async () => {
  if (!(await tf.setBackend('webgpu'))) throw new Error('WebGPU backend unavailable');
  await tf.ready();
  return tf.getBackend();
})();

const lab = { tf, ready, oracle, createResNet18, Adam, gpuMemory };
(window as unknown as { lab: typeof lab }).lab = lab;
export type Lab = typeof lab;
