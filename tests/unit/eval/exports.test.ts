import { describe, expect, it } from 'vitest';
import { metricsJson, predictionsCsv } from '../../../src/lib/eval';

describe('exports', () => {
  it('predictions.csv has the documented columns and quotes fields', () => {
    const csv = predictionsCsv([
      { file: 'a,b.dcm', patient: 'P"1', split: 'test', label: 'pneumonia', logits: [1.5], probability: 0.8175745, predicted: 'pneumonia' },
      { file: 'c.png', patient: 'P2', split: 'val', label: 'normal', logits: [0.1, -2], probability: 0.9, predicted: 'normal' },
    ]);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('file,patient,split,label,logit,probability,predicted');
    expect(lines[1]).toBe('"a,b.dcm","P""1",test,pneumonia,1.500000,0.8175745,pneumonia');
    expect(lines[2]).toBe('c.png,P2,val,normal,0.1000000;-2.000000,0.9000000,normal');
  });

  it('metrics.json writes non-finite numbers as null', () => {
    const doc = JSON.parse(
      metricsJson({ generatedAt: 'now', runId: 'r', dataset: null, config: {}, threshold: 0.5, sets: {}, pointingGame: { split: 'test', hits: 0, total: 0, accuracy: NaN } }),
    ) as { pointingGame: { accuracy: number | null } };
    expect(doc.pointingGame.accuracy).toBeNull();
  });
});
