/**
 * The studio's WebGPU kernels against tfjs's CPU backend on the same seeded inputs: every ResNet-18
 * convolution shape at a small input and batch, and odd cases (batch 1, odd sizes, channel counts not
 * divisible by 4). Relative error = max |studio − cpu| / max |cpu| ≤ 1e-4, and two runs give the same bits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openModelLab, type Lab } from './pages/harness';
import type { KernelLab } from './pages/kernel-lab';
import { resnet18ConvShapes, type ConvShape } from '../support/resnet-conv-shapes';

const ODD: ConvShape[] = [
  { name: 'batch 1, 7×7/2 pad 3, odd size', batch: 1, height: 13, width: 11, inC: 1, outC: 5, kernel: 7, stride: 2, pad: 3 },
  { name: 'channels 3 → 5, 3×3', batch: 2, height: 9, width: 7, inC: 3, outC: 5, kernel: 3, stride: 1, pad: 1 },
  { name: '1×1/2, odd size, 6 → 70', batch: 3, height: 7, width: 7, inC: 6, outC: 70, kernel: 1, stride: 2, pad: 0 },
  { name: '3×3/2, 67 → 65 (tiles and splits cut short)', batch: 2, height: 15, width: 15, inC: 67, outC: 65, kernel: 3, stride: 2, pad: 1 },
  { name: 'split-K: K = 2 · 48 · 48', batch: 2, height: 48, width: 48, inC: 4, outC: 8, kernel: 3, stride: 1, pad: 1 },
];

describe('studio WebGPU kernels vs the CPU backend', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await openModelLab('kernel-lab');
  });
  afterAll(async () => {
    await lab?.close();
  });

  it('Conv2DBackpropFilter: every ResNet-18 shape (32 px, batch 2) and odd cases within 1e-4, deterministic', async () => {
    const cases = [...resnet18ConvShapes(32, 2), ...ODD];
    const results = await lab.session.page.evaluate((cs) => (window as unknown as { lab: KernelLab }).lab.filterGradCheck(cs), cases);
    for (const r of results) console.log(`${r.name}: ${r.size} weights, relative error ${r.relError.toExponential(2)}`);
    for (const r of results) {
      expect(r.sameLength, r.name).toBe(true);
      expect(r.relError, r.name).toBeLessThanOrEqual(1e-4);
      expect(r.twoRunsEqual, r.name).toBe(true);
    }
  });
});
