import { describe, expect, it } from 'vitest';
import { modelCardJson, modelCardMarkdown, type ModelCardInput } from '../../../src/lib/eval/model-card';

const card: ModelCardInput = {
  generatedAt: '2026-12-03T12:00:00Z',
  versions: { studio: '0.1.0', tfjs: '4.22.0', backend: 'webgpu' },
  model: { architecture: 'ResNet-18', widthMultiplier: 0.125, inputSize: 224, classes: ['normal', 'pneumonia'], runId: 'run-1', trainedWhere: 'in this browser' },
  dataset: { name: 'Demo', source: 'demo', counts: { train: { normal: 40, pneumonia: 38 }, val: { normal: 5, pneumonia: 6 } }, mean: 0.41234, std: 0.2, preprocessing: '224 px, [0,1], z-score', auditFindings: ['2 near-duplicate pairs across train and val'] },
  config: { epochs: 3, lr: 0.001, augment: { enabled: false } },
  history: [{ epoch: 1, trainLoss: 0.69, valLoss: 0.6, valAuc: 0.8 }],
  sets: {
    val: { images: 11, intervals: { auc: { estimate: 0.9, low: 0.7, high: 1, draws: 1000 }, sensitivity: { estimate: 0.83, low: 0.5, high: 1, draws: 1000 } }, calibration: { ece: 0.12, brier: 0.18, temperature: 1 } },
    test: { images: 9, intervals: null, calibration: null },
  },
  threshold: 0.5,
  bootstrap: { draws: 1000, level: 0.95 },
  explanationChecks: [{ method: 'CAM', verdicts: ['Faithful: …'] }],
  intendedUse: 'Teaching only.',
  limitations: '',
};

describe('model card', () => {
  const md = modelCardMarkdown(card);

  it('has every section, with the counts per split and class', () => {
    for (const h of ['# Model card: ResNet-18 on "Demo"', '## Model details', '## Intended use', '## Data', '## Training', '## Metrics', '## Calibration', '## Explanation checks', '## Limitations']) expect(md).toContain(h);
    expect(md).toContain('| train | 40 | 38 | 78 |');
    expect(md).toContain('| val | 5 | 6 | 11 |');
    expect(md).toContain('- 2 near-duplicate pairs across train and val');
    expect(md).toContain('Teaching only.');
    expect(md).toMatch(/## Limitations\n_\(not stated\)_/);
  });

  it('shows every metric with its interval, and a dash where a set has none', () => {
    expect(md).toContain('## Metrics (threshold 0.500; 95 % intervals from 1000 patient-level bootstrap draws)');
    expect(md).toContain('| ROC AUC | 0.900 (0.700–1.000) | — |');
    expect(md).toContain('| Sensitivity | 0.830 (0.500–1.000) | — |');
    expect(md).not.toContain('| Average precision');
    expect(md).toContain('| val | 0.120 | 0.180 | 1.000 |');
    expect(md).toContain('| augment | {"enabled":false} |');
  });

  it('JSON keeps the same content with NaN as null', () => {
    const json = JSON.parse(modelCardJson({ ...card, dataset: { ...card.dataset, mean: NaN } }));
    expect(json.dataset.mean).toBeNull();
    expect(json.sets.val.intervals.auc.low).toBe(0.7);
  });
});
