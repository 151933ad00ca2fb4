import { describe, expect, it } from 'vitest';
import { classProbabilities, imageLoss, mistakes, predictedClass, setMetrics, type ScoredImage } from '../../../src/lib/eval';

const img = (id: string, label: number, logits: number[]): ScoredImage => ({ id, sourcePath: `${id}.dcm`, patientId: id, split: 'val', label, logits });
const logit = (p: number) => Math.log(p / (1 - p));

describe('evaluation summary', () => {
  const set = [img('a', 1, [logit(0.9)]), img('b', 0, [logit(0.6)]), img('c', 1, [logit(0.3)]), img('d', 0, [logit(0.95)]), img('e', 0, [logit(0.1)])];

  it('binary: confusion [actual][predicted] follows the threshold', () => {
    const at05 = setMetrics(set, 0.5)!;
    if (at05.kind !== 'binary') throw new Error('expected binary');
    expect(at05.confusion).toEqual([
      [1, 2],
      [1, 1],
    ]);
    const at08 = setMetrics(set, 0.8)!;
    if (at08.kind !== 'binary') throw new Error('expected binary');
    expect(at08.confusion).toEqual([
      [2, 1],
      [1, 1],
    ]);
    expect(at08.roc.fpr[0]).toBe(0);
  });

  it('mistakes are sorted by loss, worst first', () => {
    const fp = mistakes(set, 0.5, 'false-positives');
    expect(fp.map((p) => p.id)).toEqual(['d', 'b']);
    expect(fp[0].loss).toBeCloseTo(-Math.log(0.05), 6);
    expect(mistakes(set, 0.5, 'false-negatives').map((p) => p.id)).toEqual(['c']);
  });

  it('multi-class: softmax probabilities, argmax prediction, cross-entropy loss', () => {
    expect(classProbabilities([0, 0, Math.log(2)])).toEqual([0.25, 0.25, 0.5]);
    expect(predictedClass([1, 3, 2], 0.99)).toBe(1);
    expect(imageLoss([0, 0, Math.log(2)], 2)).toBeCloseTo(Math.log(2), 12);
    const m = setMetrics([img('x', 2, [0, 0, 1]), img('y', 0, [2, 0, 1])], 0.5)!;
    expect(m.kind).toBe('multiclass');
    if (m.kind === 'multiclass') expect(m.multi.accuracy).toBe(1);
    expect(mistakes([img('x', 1, [0, 0, 1])], 0.5, 'misclassified')).toHaveLength(1);
  });
});

describe('headline metrics without curves', () => {
  it('match headlineMetrics(metricsFromLogits) for binary and multi-class logits; NaN for none', async () => {
    const { headlineFromLogits, headlineMetrics, metricsFromLogits } = await import('../../../src/lib/eval/summary');
    const binary = { labels: [1, 0, 1, 0, 0], logits: [[2.1], [0.4], [-0.8], [3], [-2]] };
    const multi = { labels: [0, 1, 2, 1], logits: [[2, 0, -1], [0.1, 1, 0.3], [0, 0.2, 0.1], [1, 0.5, 0]] };
    for (const { labels, logits } of [binary, multi]) {
      for (const t of [0.3, 0.5]) expect(headlineFromLogits(labels, logits, t)).toEqual(headlineMetrics(metricsFromLogits(labels, logits, t)!));
    }
    expect(headlineFromLogits([], [], 0.5)).toEqual({ accuracy: NaN, auc: NaN, f1: NaN });
  });
});
