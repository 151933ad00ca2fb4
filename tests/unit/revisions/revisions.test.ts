import { describe, expect, it } from 'vitest';
import { applyRevision, describeFate, diffRevisions, editsCsv, mergeEdits, nextRevisionNumber, revisionName, revisionStats, type RevisionEdit } from '../../../src/lib/dataset/revisions';
import { parseCsv } from '../../../src/lib/dataset/csv';
import { rocComparisonChart, tprAt } from '../../../src/lib/charts/comparison';

const relabel = (id: string, from: number, to: number): RevisionEdit => ({ kind: 'relabel', imageId: `d|${id}`, sourcePath: id, from, to });
const exclude = (id: string, reason: string): RevisionEdit => ({ kind: 'exclude', imageId: `d|${id}`, sourcePath: id, reason });
const meta = (id: string, label: number) => ({ id: `d|${id}`, sourcePath: id, label });

describe('applyRevision', () => {
  it('relabels, leaves excluded images out and keeps the rest (and the input) as they are', () => {
    const metas = [meta('a', 0), meta('b', 1), meta('c', 0), meta('d', 1)];
    const out = applyRevision(metas, [relabel('a', 0, 1), exclude('c', 'blurred')]);
    expect(out).toEqual([meta('a', 1), meta('b', 1), meta('d', 1)]);
    expect(metas[0].label).toBe(0);
  });
});

describe('mergeEdits', () => {
  it('one edit per image: the later replaces the earlier, sorted by source path', () => {
    expect(mergeEdits([relabel('b', 0, 1)], [exclude('b', 'cropped'), relabel('a', 1, 0)])).toEqual([relabel('a', 1, 0), exclude('b', 'cropped')]);
    expect(mergeEdits([exclude('a', 'x')], [relabel('a', 0, 1)])).toEqual([relabel('a', 0, 1)]);
  });

  it("keeps the parent's label as `from`, and a relabel back to it removes the edit", () => {
    // the revision shows "a" as class 1; a later edit from there to 2 is still "from 0" relative to the parent
    expect(mergeEdits([relabel('a', 0, 1)], [relabel('a', 1, 2)])).toEqual([relabel('a', 0, 2)]);
    expect(mergeEdits([relabel('a', 0, 1)], [relabel('a', 1, 0)])).toEqual([]);
    expect(mergeEdits([], [relabel('a', 1, 1)])).toEqual([]);
  });
});

describe('diffRevisions', () => {
  it('lists the images whose fate differs, with both fates', () => {
    const a = [relabel('a', 0, 1), exclude('b', 'noise'), relabel('c', 1, 0)];
    const b = [relabel('a', 0, 1), relabel('b', 0, 1), exclude('d', 'dup')];
    expect(diffRevisions(a, b)).toEqual([
      { imageId: 'd|b', sourcePath: 'b', before: { kind: 'exclude', reason: 'noise' }, after: { kind: 'relabel', to: 1 } },
      { imageId: 'd|c', sourcePath: 'c', before: { kind: 'relabel', to: 0 }, after: { kind: 'original' } },
      { imageId: 'd|d', sourcePath: 'd', before: { kind: 'original' }, after: { kind: 'exclude', reason: 'dup' } },
    ]);
    expect(diffRevisions([], a).map((c) => c.sourcePath)).toEqual(['a', 'b', 'c']);
    expect(diffRevisions(a, a)).toEqual([]);
    expect([{ kind: 'original' } as const, { kind: 'relabel', to: 1 } as const, { kind: 'exclude', reason: 'dup' } as const].map((f) => describeFate(f, ['normal', 'pneumonia']))).toEqual([
      'as imported',
      'labelled pneumonia',
      'excluded (dup)',
    ]);
  });
});

describe('editsCsv', () => {
  it('one row per edit with class names and the reason, quoted where needed', () => {
    const csv = editsCsv([relabel('x/a.dcm', 0, 1), exclude('x/b.dcm', 'marker, text')], ['normal', 'pneumonia']);
    expect(parseCsv(csv)).toEqual([
      ['source_path', 'image_id', 'edit', 'from', 'to', 'reason'],
      ['x/a.dcm', 'd|x/a.dcm', 'relabel', 'normal', 'pneumonia', ''],
      ['x/b.dcm', 'd|x/b.dcm', 'exclude', '', '', 'marker, text'],
    ]);
  });
});

describe('revisionStats', () => {
  // a: pixels {0, 255} → Σv/255 = 1, Σ(v/255)² = 1; b: {255, 255} → 2, 2; c is validation
  const a = { split: 'train' as const, sums: { count: 2, sum: 1, sumOfSquares: 1 } };
  const b = { split: 'train' as const, sums: { count: 2, sum: 2, sumOfSquares: 2 } };
  const c = { split: 'val' as const, sums: { count: 2, sum: 0, sumOfSquares: 0 } };

  it('mean and std of the training split from per-image sums', () => {
    // values 0, 1, 1, 1: mean 3/4, variance 3/4 − 9/16 = 3/16
    const s = revisionStats([a, b, c]);
    expect(s.mean).toBe(0.75);
    expect(s.std).toBeCloseTo(Math.sqrt(3 / 16), 15);
    expect(s.trainSums).toEqual({ count: 4, sum: 3, sumOfSquares: 3 });
  });

  it('without an excluded image', () => {
    // values 0, 1: mean 1/2, std 1/2
    expect(revisionStats([a, c])).toMatchObject({ mean: 0.5, std: 0.5 });
  });
});

describe('revision numbering', () => {
  it('one past the highest revision of that parent', () => {
    const info = (parentId: string, number: number) => ({ revision: { parentId, number, edits: [] } });
    expect(nextRevisionNumber([{}, info('p', 1), info('p', 3), info('q', 7)], 'p')).toBe(4);
    expect(nextRevisionNumber([{}], 'p')).toBe(1);
    expect(revisionName('demo', 2)).toBe('demo · revision 2');
  });
});

describe('rocComparisonChart', () => {
  const step = [
    { x: 0, y: 0 },
    { x: 0.5, y: 0.2 },
    { x: 0.5, y: 0.8 },
    { x: 1, y: 1 },
  ];

  it('reads a curve between its points, at the foot or top of a vertical step', () => {
    expect(tprAt(step, 0.25, 'low')).toBeCloseTo(0.1, 15);
    expect(tprAt(step, 0.5, 'low')).toBe(0.2);
    expect(tprAt(step, 0.5, 'high')).toBe(0.8);
    expect(tprAt(step, 0.75, 'high')).toBeCloseTo(0.9, 15);
  });

  it('puts both curves on the merged FPRs, each keeping its own points', () => {
    const a = { name: 'A', auc: 0.5, roc: { fpr: [0, 1], tpr: [0, 1], thresholds: [Infinity, 0] } };
    const b = { name: 'B', auc: 0.75, roc: { fpr: [0, 0.5, 1], tpr: [0, 1, 1], thresholds: [Infinity, 0.5, 0] } };
    const spec = rocComparisonChart([a, b], 'two runs');
    expect(spec.x.values).toEqual([0, 0, 0.5, 1, 1]);
    expect(spec.series.map((s) => s.label)).toEqual(['A (AUC 0.500)', 'B (AUC 0.750)', 'chance']);
    expect(spec.series[0].values).toEqual([0, 0, 0.5, 1, 1]);
    expect(spec.series[1].values).toEqual([0, 0, 1, 1, 1]);
  });
});
