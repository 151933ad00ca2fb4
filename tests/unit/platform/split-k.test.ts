import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { PARTIAL_FLOATS, planSplitK } from '../../../src/platform/studio-kernels/conv2d-backprop-filter';

const info = (batch: number, side: number, inC: number, outC: number, k: number, stride: number, pad: number) =>
  tf.backend_util.computeConv2DInfo([batch, side, side, inC], [k, k, inC, outC], [stride, stride], 1, pad, undefined, false, 'channelsLast');

describe('split-K plan of the filter-gradient GEMM', () => {
  it('conv1 at 224 px, batch 16: one 64 × 64 tile, K split into ~256 ranges that cover K exactly', () => {
    const p = planSplitK(info(16, 224, 1, 64, 7, 2, 3));
    expect([p.M, p.N, p.K]).toEqual([49, 64, 16 * 112 * 112]);
    expect(p.tile).toEqual({ rm: 4, rn: 4 });
    // 256 wanted; rounding each range up to whole 32-deep tile steps leaves 251
    expect(p.splits).toBe(251);
    expect(p.kPerSplit % 32).toBe(0);
    expect(p.kPerSplit * (p.splits - 1)).toBeLessThan(p.K);
    expect(p.kPerSplit * p.splits).toBeGreaterThanOrEqual(p.K);
  });
  it('layer4 at 224 px: 144 tiles of 128 × 128; K = 784 is too short to split (< 2 × 512)', () => {
    const p = planSplitK(info(16, 7, 512, 512, 3, 1, 1));
    expect([p.M, p.N, p.K]).toEqual([4608, 512, 784]);
    expect(p.tile).toEqual({ rm: 8, rn: 8 });
    expect([p.splits, p.kPerSplit]).toEqual([1, 784]);
  });
  it('layer1 at 224 px, batch 16: 52 splits wanted for 5 tiles, capped where the partials would overflow the one shared buffer', () => {
    const p = planSplitK(info(16, 56, 64, 64, 3, 1, 1));
    expect([p.M, p.N, p.K]).toEqual([576, 64, 16 * 56 * 56]);
    expect(p.splits).toBe(Math.floor(PARTIAL_FLOATS / (576 * 64)));
    expect(p.splits * p.M * p.N).toBeLessThanOrEqual(PARTIAL_FLOATS);
    expect(p.kPerSplit * p.splits).toBeGreaterThanOrEqual(p.K);
  });
  it('never splits K below 512 per split', () => {
    const p = planSplitK(info(2, 16, 4, 8, 3, 1, 1));
    expect(p.K).toBe(512);
    expect(p.splits).toBe(1);
  });
});
