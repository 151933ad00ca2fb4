import { describe, expect, it } from 'vitest';
import { ComparisonState, runFigures } from '../../../src/state/comparison.svelte';
import type { ScoredImage } from '../../../src/lib/eval';
import type { DatasetRecord, RunRecord } from '../../../src/platform/db';
import { dataset, quietErrors, runRecord } from '../state/fakes';

const img = (name: string, label: number, logit: number): ScoredImage => ({ id: `d1|${name}`, sourcePath: name, patientId: name, split: 'val', label, logits: [logit] });

// at 0.5: a is a true negative, b a false positive, c a false negative, d a true positive
const mixed = [img('a', 0, -2), img('b', 0, 1), img('c', 1, -1), img('d', 1, 2)];
const perfect = [img('a', 0, -2), img('c', 1, 1), img('d', 1, 2)];

const revision = dataset('d1@rev1', {
  name: 'chest · revision 1',
  revision: {
    parentId: 'd1',
    number: 1,
    edits: [
      { kind: 'relabel', imageId: 'd1|c', sourcePath: 'c', from: 0, to: 1 },
      { kind: 'exclude', imageId: 'd1|b', sourcePath: 'b', reason: 'marker' },
    ],
  },
});

function setup(runs: RunRecord[], datasets: DatasetRecord[] = [dataset('d1', { name: 'chest' }), revision, dataset('other')]) {
  const { errors } = quietErrors();
  const asked: string[] = [];
  const comparison = new ComparisonState({
    errors,
    runs: async () => runs,
    datasets: () => datasets,
    pixels: async (id) => {
      asked.push(id);
      return new Uint8Array([1, 2, 3, 4]);
    },
  });
  return { comparison, asked };
}

describe('ComparisonState', () => {
  it('figures at 0.5 from the stored scores', () => {
    const f = runFigures(runRecord('r', { scores: { val: mixed } }), 'val', 'chest')!;
    expect(f).toMatchObject({ images: 4, auc: 0.75, accuracy: 0.5, sensitivity: 0.5, specificity: 0.5 });
    expect(runFigures(runRecord('r'), 'val', 'chest')).toBeNull();
  });

  it('pairs the newest scored run with the run before it on another dataset of its family', async () => {
    const { comparison, asked } = setup([
      runRecord('parent-old', { createdAt: 1, scores: { val: mixed } }),
      runRecord('parent', { createdAt: 2, scores: { val: mixed } }),
      runRecord('elsewhere', { createdAt: 3, datasetId: 'other', scores: { val: mixed } }),
      runRecord('unscored', { createdAt: 4, datasetId: 'd1@rev1' }),
      runRecord('revised', { createdAt: 5, datasetId: 'd1@rev1', scores: { val: perfect } }),
    ]);
    await comparison.refresh();
    expect([comparison.leftId, comparison.rightId]).toEqual(['parent', 'revised']);
    expect(comparison.figures.map((f) => [f?.run.id, f?.datasetName, f?.auc])).toEqual([
      ['parent', 'chest', 0.75],
      ['revised', 'chest · revision 1', 1],
    ]);
    expect(comparison.roc?.series.map((s) => s.label)).toEqual(['run A (AUC 0.750)', 'run B (AUC 1.000)', 'chance']);
    expect(comparison.changes.map((c) => [c.sourcePath, c.before.kind, c.after.kind])).toEqual([
      ['b', 'original', 'exclude'],
      ['c', 'original', 'relabel'],
    ]);
    expect(asked.sort()).toEqual(['d1|b', 'd1|c']);
    expect(Object.keys(comparison.thumbnails).sort()).toEqual(['d1|b', 'd1|c']);
  });

  it('runs of unrelated datasets have no changed images; a set not scored shows no figures', async () => {
    const { comparison } = setup([runRecord('one', { createdAt: 1, scores: { val: mixed } }), runRecord('two', { createdAt: 2, datasetId: 'other', scores: { val: mixed } })]);
    await comparison.refresh();
    expect([comparison.leftId, comparison.rightId]).toEqual(['one', 'two']);
    expect(comparison.changes).toEqual([]);
    comparison.setKey = 'test';
    expect(comparison.figures).toEqual([null, null]);
    expect(comparison.roc).toBeNull();
  });
});
