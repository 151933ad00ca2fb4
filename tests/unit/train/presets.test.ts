import { describe, expect, it } from 'vitest';
import { estimateMsPerImage, presetsFor, resnet18ForwardFlop, type StepTiming } from '../../../src/lib/train/presets';

describe('resnet18ForwardFlop', () => {
  it("matches torchvision's ResNet-18 (1-channel conv1) counted with forward hooks on every Conv2d", () => {
    // /usr/bin/python3: Σ over Conv2d of out.numel() · in_channels · kh · kw, × 2, for a 1 × 1 × size × size input
    expect(resnet18ForwardFlop(224, 1)).toBe(3469770752);
    expect(resnet18ForwardFlop(64, 1)).toBe(283246592);
  });
  it('scales close to width² (conv1 scales with width alone)', () => {
    const ratio = resnet18ForwardFlop(224, 1) / resnet18ForwardFlop(224, 0.5);
    expect(ratio).toBeGreaterThan(3.8);
    expect(ratio).toBeLessThan(4);
  });
});

describe('estimateMsPerImage', () => {
  const flop = (w: number) => resnet18ForwardFlop(128, w);
  it('one timing: proportional to work', () => {
    const t: StepTiming[] = [{ widthMultiplier: 0.5, imageSize: 128, msPerImage: 100 }];
    expect(estimateMsPerImage(t, 128, 1)).toBeCloseTo((100 * flop(1)) / flop(0.5), 6);
  });
  it('two timings: the line through both (fixed cost + cost per FLOP)', () => {
    // exact line: 20 ms + 1 ms per 10 MFLOP
    const ms = (w: number) => 20 + flop(w) / 1e7;
    const t: StepTiming[] = [0.125, 0.5].map((w) => ({ widthMultiplier: w, imageSize: 128, msPerImage: ms(w) }));
    expect(estimateMsPerImage(t, 128, 1)).toBeCloseTo(ms(1), 6);
    expect(estimateMsPerImage(t, 128, 0.25)).toBeCloseTo(ms(0.25), 6);
  });
  it('ignores timings at another size and refuses to guess without one at this size', () => {
    const t: StepTiming[] = [{ widthMultiplier: 1, imageSize: 64, msPerImage: 5 }];
    expect(() => estimateMsPerImage(t, 128, 1)).toThrow(/no step timing at 128 px/);
  });
});

describe('presetsFor', () => {
  // 1 ms per MFLOP at 64 px, no fixed cost: width 1 ≈ 283 ms per image
  const timings: StepTiming[] = [{ widthMultiplier: 1, imageSize: 64, msPerImage: resnet18ForwardFlop(64, 1) / 1e6 }];
  it('live demo: the widest model whose epoch fits 2 minutes, with as many epochs as fit (≤ 8)', () => {
    const [demo, full] = presetsFor(timings, 64, 200);
    // width 1: 200 × 283 ms = 56.6 s per epoch → fits, 2 epochs
    expect(demo.id).toBe('live-demo');
    expect(demo.config.widthMultiplier).toBe(1);
    expect(demo.config.epochs).toBe(2);
    expect(demo.fitsBudget).toBe(true);
    expect(demo.totalSeconds).toBeLessThanOrEqual(120);
    expect(full.id).toBe('full-recipe');
    expect(full.config).toEqual({ epochs: 30, batchSize: 64, widthMultiplier: 1, lr: 1e-4 });
    expect(full.secondsPerEpoch).toBeCloseTo((200 * resnet18ForwardFlop(64, 1)) / 1e9, 6);
    expect(full.totalSeconds).toBeCloseTo(30 * full.secondsPerEpoch, 6);
  });
  it('a larger dataset narrows the demo model; when nothing fits it says so', () => {
    // width ½ ≈ 72.4 ms per image: 1,000 images fit (72.4 s), 2,000 do not (144.8 s); width ¼ ≈ 18.9 ms does
    expect(presetsFor(timings, 64, 1000)[0].config.widthMultiplier).toBe(0.5);
    expect(presetsFor(timings, 64, 2000)[0].config.widthMultiplier).toBe(0.25);
    const [none] = presetsFor(timings, 64, 100_000);
    expect(none.config.widthMultiplier).toBe(0.125);
    expect(none.config.epochs).toBe(1);
    expect(none.fitsBudget).toBe(false);
    expect(none.totalSeconds).toBeGreaterThan(120);
  });
  it('small datasets get a batch no larger than the training split', () => {
    expect(presetsFor(timings, 64, 6)[0].config.batchSize).toBe(6);
  });
});
