/**
 * The studio's WebGPU kernels against tfjs's CPU backend on the same seeded inputs: every ResNet-18
 * convolution shape at a small input and batch, and odd cases (batch 1, odd sizes, channel counts not
 * divisible by 4), and BatchNorm's per-channel Sum / Mean. Relative error = max |studio − cpu| / max |cpu| ≤ 1e-4, two runs
 * give the same bits, and the studio's program is the one that ran (the backend compiled it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openModelLab, type Lab } from './pages/harness';
import type { KernelLab, TimedKernel } from './pages/kernel-lab';
import { resnet18ConvShapes, type ConvShape } from '../support/resnet-conv-shapes';

const ODD: ConvShape[] = [
  { name: 'batch 1, 7×7/2 pad 3, odd size', batch: 1, height: 13, width: 11, inC: 1, outC: 5, kernel: 7, stride: 2, pad: 3 },
  { name: 'channels 3 → 5, 3×3', batch: 2, height: 9, width: 7, inC: 3, outC: 5, kernel: 3, stride: 1, pad: 1 },
  { name: '1×1/2, odd size, 6 → 70', batch: 3, height: 7, width: 7, inC: 6, outC: 70, kernel: 1, stride: 2, pad: 0 },
  { name: '3×3/2, 67 → 65 (tiles and splits cut short)', batch: 2, height: 15, width: 15, inC: 67, outC: 65, kernel: 3, stride: 2, pad: 1 },
  { name: 'split-K: K = 2 · 48 · 48', batch: 2, height: 48, width: 48, inC: 4, outC: 8, kernel: 3, stride: 1, pad: 1 },
  { name: '3×3/2 pad 1 on an even size (every parity class, 4 × 64 rows)', batch: 4, height: 16, width: 16, inC: 8, outC: 12, kernel: 3, stride: 2, pad: 1 },
  { name: '3×3, 130 → 150 (8 × 8 blocks, tiles cut short)', batch: 2, height: 9, width: 9, inC: 130, outC: 150, kernel: 3, stride: 1, pad: 1 },
  { name: '7×7/2 pad 3, 10 × 10 (uneven tap counts)', batch: 1, height: 10, width: 10, inC: 2, outC: 3, kernel: 7, stride: 2, pad: 3 },
];

describe('studio WebGPU kernels vs the CPU backend', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await openModelLab('kernel-lab');
  });
  afterAll(async () => {
    await lab?.close();
  });

  it('Sum and Mean over all axes but the last (BatchNorm statistics) within 1e-4, deterministic', async () => {
    // rows not a multiple of the split, channels below, at and above one 64-channel workgroup, a rank-2 [N, 1] (the head's bias)
    const shapes = [[2, 56, 56, 64], [3, 7, 5, 70], [1, 3, 3, 8], [4, 17, 17, 130], [16, 1]];
    const results = await lab.session.page.evaluate((s) => (window as unknown as { lab: KernelLab }).lab.reduceCheck(s), shapes);
    for (const r of results) console.log(`${r.name}: relative error ${r.relError.toExponential(2)}`);
    expect(results.length).toBe(shapes.length * 4);
    expect(await programs()).toContain('studioChannelPartialSums');
    for (const r of results) {
      expect(r.sameShape, r.name).toBe(true);
      expect(r.relError, r.name).toBeLessThanOrEqual(1e-4);
      expect(r.twoRunsEqual, r.name).toBe(true);
    }
  });

  const programs = async () => (await lab.session.page.evaluate(() => (window as unknown as { lab: KernelLab }).lab.studioPrograms())).map((k) => k.split('_')[0]);
  const PROGRAM: Record<TimedKernel, string> = { Conv2D: 'studioConv2DGemm', Conv2DBackpropInput: 'studioConv2DInputGradGemm', Conv2DBackpropFilter: 'studioConv2DBackpropFilterGemm' };
  for (const kernel of Object.keys(PROGRAM) as TimedKernel[]) {
    it(`${kernel}: every ResNet-18 shape (32 px, batch 2) and odd cases within 1e-4, deterministic`, async () => {
      const cases = [...resnet18ConvShapes(32, 2), ...ODD];
      const results = await lab.session.page.evaluate(([k, cs]) => (window as unknown as { lab: KernelLab }).lab.convCheck(k, cs), [kernel, cases] as const);
      for (const r of results) console.log(`${kernel} ${r.name}: ${r.size} values, relative error ${r.relError.toExponential(2)}`);
      for (const r of results) {
        expect(r.sameLength, r.name).toBe(true);
        expect(r.relError, r.name).toBeLessThanOrEqual(1e-4);
        expect(r.twoRunsEqual, r.name).toBe(true);
      }
      expect((await programs()).some((k) => k.startsWith(PROGRAM[kernel])), `${PROGRAM[kernel]} compiled: the studio kernel ran`).toBe(true);
    });
  }
});
