import { describe, expect, it } from 'vitest';
import { RunEta } from '../../../src/lib/train/eta';

describe('RunEta', () => {
  it('says nothing until two steps of an already-compiled batch size are timed', () => {
    const eta = new RunEta({ epochs: 3, trainImages: 48, valImages: 12 });
    eta.stepDone(16, 30); // compiles: left out
    expect(eta.secondsLeft(1, 32)).toBeUndefined();
    eta.stepDone(16, 1.6);
    expect(eta.secondsLeft(1, 16)).toBeUndefined();
    eta.stepDone(16, 1.6);
    // 0.1 s per image: 0 left in epoch 1 + 2 × 48 = 96 images → 9.6 s; validation 12 × 0.1 / 3 = 0.4 s × 3 epochs
    expect(eta.secondsLeft(1, 0)).toBeCloseTo(9.6 + 1.2, 9);
  });

  it('a new batch size (the last, smaller batch) compiles once and is left out once', () => {
    const eta = new RunEta({ epochs: 2, trainImages: 35, valImages: 0 });
    for (const [images, seconds] of [[16, 20], [16, 1.6], [3, 9], [16, 1.6], [3, 0.3]] as const) eta.stepDone(images, seconds);
    // measured: 1.6/16, 1.6/16, 0.3/3 = 0.1 s per image each
    expect(eta.secondsLeft(2, 19)).toBeCloseTo(1.9, 9);
  });

  it('the median ignores one slow step; each unfinished epoch adds its validation and its end', () => {
    const eta = new RunEta({ epochs: 4, trainImages: 20, valImages: 30 });
    for (const s of [5, 1, 1, 9, 1]) eta.stepDone(10, s); // first compiles; then 0.1, 0.1, 0.9, 0.1 s/image → median 0.1
    eta.epochDone(8, 0.5); // the first validation compiles: estimated as 30 × 0.1 / 3 = 1 s instead of 8
    // in epoch 2 with 10 images left: (10 + 2 × 20) × 0.1 = 5 s, plus 3 epochs × (1 + 0.5) s
    expect(eta.secondsLeft(2, 10)).toBeCloseTo(5 + 4.5, 9);
    eta.epochDone(2, 0.5); // a second validation is what validation costs
    expect(eta.secondsLeft(3, 20)).toBeCloseTo(4 + 2 * 2.5, 9);
  });

  it('uses the median of the timed steps whatever order they came in', () => {
    const times = [0.5, 0.1, 0.9, 0.3, 0.3, 0.7, 0.2];
    const eta = new RunEta({ epochs: 1, trainImages: 10, valImages: 0 });
    eta.stepDone(1, 99); // compiles: left out
    for (const t of times) eta.stepDone(1, t);
    const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
    expect(eta.secondsLeft(1, 10)).toBeCloseTo(10 * median, 12);
  });
});
