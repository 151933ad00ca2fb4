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

describe('CAM zip', () => {
  it('holds one decodable PNG per image, with unique safe names', async () => {
    const { unzipSync } = await import('fflate');
    const { decode } = await import('fast-png');
    const { camZip } = await import('../../../src/lib/eval');
    const size = 8;
    const pixels = new Uint8Array(size * size).fill(100);
    const heat = Float32Array.from({ length: size * size }, (_, i) => i / (size * size - 1));
    const zip = camZip(
      [
        { name: 'a/b c.dcm', size, pixels, heat },
        { name: 'a/b c.dcm', size, pixels, heat },
      ],
      0.5,
    );
    const files = unzipSync(zip);
    expect(Object.keys(files)).toEqual(['a_b_c.dcm.png', 'a_b_c.dcm-2.png']);
    const png = decode(files['a_b_c.dcm.png']);
    expect([png.width, png.height, png.channels]).toEqual([size, size, 4]);
    // hot end differs from the cold end: the heat reached the pixels
    const d = png.data;
    expect(Math.abs(d[0] - d[(size * size - 1) * 4]) + Math.abs(d[2] - d[(size * size - 1) * 4 + 2])).toBeGreaterThan(50);
  });
});

describe('dataset fingerprint', () => {
  it('ignores order, changes with a label or split', async () => {
    const { datasetFingerprint } = await import('../../../src/lib/eval');
    const a = { contentHash: '00aa', label: 1, split: 'train' };
    const b = { contentHash: '00bb', label: 0, split: 'val' };
    expect(datasetFingerprint([a, b])).toBe(datasetFingerprint([b, a]));
    expect(datasetFingerprint([a, { ...b, label: 1 }])).not.toBe(datasetFingerprint([a, b]));
    expect(datasetFingerprint([a, { ...b, split: 'test' }])).not.toBe(datasetFingerprint([a, b]));
  });
});
