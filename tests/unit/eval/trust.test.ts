import { describe, expect, it } from 'vitest';
import { setTrust, withInterval } from '../../../src/lib/eval/trust';
import { bootstrapIntervals, brierScore, sigmoid } from '../../../src/lib/metrics';
import type { ScoredImage } from '../../../src/lib/eval/summary';

const image = (i: number, label: number, logit: number, patient = `p${i}`): ScoredImage => ({ id: `i${i}`, sourcePath: `x/${i}.dcm`, patientId: patient, split: 'val', label, logits: [logit] });
const images = [image(0, 0, -2), image(1, 0, -0.5), image(2, 1, 0.4), image(3, 1, 2), image(4, 0, 0.3, 'p1'), image(5, 1, -0.2)];

describe('set trust', () => {
  it('draws patient-level intervals of the probabilities and calibrates them', () => {
    const t = setTrust(images, 0.5, 1, { draws: 300, seed: 5 })!;
    const probabilities = images.map((p) => sigmoid(p.logits[0]));
    const direct = bootstrapIntervals({ labels: images.map((p) => p.label), probabilities, groups: images.map((p) => p.patientId), threshold: 0.5 }, { draws: 300, seed: 5, level: 0.95 });
    expect(t.intervals).toEqual(direct);
    expect(t.calibration.brier).toBeCloseTo(brierScore(images.map((p) => p.label), probabilities), 12);
    expect(t.calibration.bins.reduce((s, b) => s + b.count, 0)).toBe(images.length);
    expect(t.bootstrap).toEqual({ draws: 300, seed: 5, level: 0.95 });
  });

  it('a temperature rescales the logits before everything', () => {
    const hot = setTrust(images, 0.5, 4, { draws: 50 })!;
    const cold = setTrust(images, 0.5, 1, { draws: 50 })!;
    // logits shrink towards 0: every probability moves to 0.5, the Brier score of a decent model worsens
    expect(hot.calibration.temperature).toBe(4);
    expect(hot.calibration.brier).not.toBeCloseTo(cold.calibration.brier, 6);
    // ranking is unchanged: AUC too
    expect(hot.intervals.auc.estimate).toBe(cold.intervals.auc.estimate);
  });

  it('nothing for an empty or multi-class set', () => {
    expect(setTrust([], 0.5)).toBeNull();
    expect(setTrust([{ ...images[0], logits: [1, 2, 3] }], 0.5)).toBeNull();
  });

  it('formats a figure with its interval', () => {
    expect(withInterval({ estimate: 0.91234, low: 0.85, high: 0.961, draws: 1000 })).toBe('0.912 (0.850–0.961)');
    expect(withInterval({ estimate: NaN, low: NaN, high: NaN, draws: 0 })).toBe('—');
    expect(withInterval({ estimate: 0.5, low: NaN, high: NaN, draws: 0 })).toBe('0.500');
  });
});
