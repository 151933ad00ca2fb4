import { describe, expect, it } from 'vitest';
import { CurationState, type EvaluatedSet } from '../../../src/state/curation.svelte';
import { mergeEdits, type RevisionEdit } from '../../../src/lib/dataset/revisions';
import { setMetrics, type ScoredImage } from '../../../src/lib/eval';
import type { DatasetRecord } from '../../../src/platform/db';
import { dataset, quietErrors, savedFiles } from '../state/fakes';

const img = (name: string, label: number, logit: number, split = 'val'): ScoredImage => ({ id: `d1|${name}`, sourcePath: name, patientId: name, split, label, logits: [logit] });

/** val: 3 true negatives, 2 false positives at 0.5 (logit 1, 2 → p 0.73, 0.88), 1 false negative, 2 true positives */
const val = [img('n1', 0, -3), img('n2', 0, -2), img('n3', 0, -0.1), img('fp1', 0, 1), img('fp2', 0, 2), img('fn1', 1, -1), img('tp1', 1, 3), img('tp2', 1, 0.5)];

function setup(datasets: DatasetRecord[] = [dataset('d1', { name: 'chest' })], evaluatedId = 'd1') {
  const list = [...datasets];
  const evaluated: EvaluatedSet = { datasetId: evaluatedId, setKey: 'val', images: val, threshold: 0.5, all: [...val, img('t1', 1, 2, 'test'), { ...img('x', 1, 2), id: 'ext|x' }] };
  const created: Array<{ baseId: string; edits: RevisionEdit[] }> = [];
  const selected: string[] = [];
  const trained: string[] = [];
  const { save, files } = savedFiles();
  const { errors, logged } = quietErrors();
  const curation = new CurationState({
    errors,
    save,
    evaluated: () => evaluated,
    datasets: () => list,
    store: {
      async create(baseId, edits) {
        created.push({ baseId, edits });
        const base = list.find((d) => d.id === baseId)!;
        const parentId = base.revision?.parentId ?? base.id;
        const number = list.filter((d) => d.revision?.parentId === parentId).length + 1;
        const record = dataset(`${parentId}@rev${number}`, { name: `chest · revision ${number}`, revision: { parentId, number, edits: mergeEdits(base.revision?.edits ?? [], edits) } });
        list.push(record);
        return record;
      },
    },
    selectDataset: async (id) => void selected.push(id),
    train: async (d) => void trained.push(d.id),
  });
  return { curation, evaluated, created, selected, trained, files, logged, list };
}

describe('CurationState', () => {
  it('a confusion cell selects exactly the images the table counts there at the threshold', () => {
    const { curation, evaluated } = setup();
    const m = setMetrics(val, 0.5)!;
    if (m.kind !== 'binary') throw new Error('binary expected');
    for (const actual of [0, 1]) {
      for (const predicted of [0, 1]) {
        curation.selectCell(actual, predicted);
        expect(curation.selection).toHaveLength(m.confusion[actual][predicted]);
      }
    }
    curation.selectCell(0, 1);
    expect(curation.selection.map((s) => s.sourcePath)).toEqual(['fp1', 'fp2']);
    evaluated.threshold = 0.8; // p(fp1) = 0.73 falls below: no longer predicted positive
    curation.selectCell(0, 1);
    expect(curation.selection.map((s) => s.sourcePath)).toEqual(['fp2']);
    expect(curation.origin).toContain('actual normal, predicted pneumonia');
  });

  it("map and gallery selections keep the evaluated dataset's images only", () => {
    const { curation } = setup();
    curation.select(['d1|t1', 'ext|x', 'd1|gone', 'd1|n1'], 'latent map');
    expect(curation.selection.map((s) => [s.sourcePath, s.label])).toEqual([
      ['t1', 1],
      ['n1', 0],
    ]);
    curation.toggle('d1|n1');
    curation.toggle('d1|fp1');
    expect(curation.selection.map((s) => s.sourcePath)).toEqual(['t1', 'fp1']);
  });

  it('marks the ticked images, saves them as a revision of the evaluated dataset, trains on it', async () => {
    const { curation, created, selected, trained } = setup();
    curation.selectCell(0, 0); // n1 n2 n3
    curation.setPicked('d1|n3', false);
    curation.relabelTo = 1;
    curation.relabelSelected();
    curation.excludeReason = '';
    curation.excludeSelected(); // refused: no reason
    expect(curation.pending.map((e) => [e.sourcePath, e.kind])).toEqual([
      ['n1', 'relabel'],
      ['n2', 'relabel'],
    ]);
    curation.selectCell(0, 1);
    curation.excludeReason = 'text marker';
    curation.excludeSelected();
    expect(curation.pending).toHaveLength(4);
    const record = await curation.saveRevision();
    expect(created).toEqual([
      {
        baseId: 'd1',
        edits: [
          { kind: 'exclude', imageId: 'd1|fp1', sourcePath: 'fp1', reason: 'text marker' },
          { kind: 'exclude', imageId: 'd1|fp2', sourcePath: 'fp2', reason: 'text marker' },
          { kind: 'relabel', imageId: 'd1|n1', sourcePath: 'n1', from: 0, to: 1 },
          { kind: 'relabel', imageId: 'd1|n2', sourcePath: 'n2', from: 0, to: 1 },
        ],
      },
    ]);
    expect(record?.id).toBe('d1@rev1');
    expect(curation.pending).toEqual([]);
    expect(selected).toEqual(['d1@rev1']);
    expect(curation.revisions.map((r) => [r.dataset.id, r.relabelled, r.excluded])).toEqual([
      ['d1', 0, 0],
      ['d1@rev1', 2, 2],
    ]);
    expect(curation.diff.map((c) => c.sourcePath)).toEqual(['fp1', 'fp2', 'n1', 'n2']);
    await curation.trainOnRevision();
    expect(trained).toEqual(['d1@rev1']);
  });

  it('a revision of a revision writes the cumulative edits, relative to the imported dataset', async () => {
    const first = dataset('d1@rev1', { name: 'chest · revision 1', revision: { parentId: 'd1', number: 1, edits: [{ kind: 'relabel', imageId: 'd1|n1', sourcePath: 'n1', from: 0, to: 1 }] } });
    const { curation, list } = setup([dataset('d1', { name: 'chest' }), first], 'd1@rev1');
    // the revision's evaluation sees n1 as class 1 (its relabelled label)
    curation.select(['d1|n1'], 'test');
    curation.selection = curation.selection.map((s) => ({ ...s, label: 1 }));
    curation.relabelTo = 0;
    curation.relabelSelected(); // back to the parent's label: the edit goes
    curation.select(['d1|n2'], 'test');
    curation.excludeReason = 'duplicate';
    curation.excludeSelected();
    await curation.saveRevision();
    const second = list.find((d) => d.id === 'd1@rev2')!;
    // n1 is back to its imported label: only n2's exclusion is left relative to the imported dataset
    expect(second.revision).toEqual({ parentId: 'd1', number: 2, edits: [{ kind: 'exclude', imageId: 'd1|n2', sourcePath: 'n2', reason: 'duplicate' }] });
  });

  it('downloads a revision’s edits as CSV', async () => {
    const { curation, files } = setup();
    curation.selectCell(1, 0);
    curation.relabelTo = 0;
    curation.relabelSelected();
    const record = await curation.saveRevision();
    curation.downloadEdits(record!.id);
    const text = await files.get('chest_revision_1-edits.csv')!.text();
    expect(text).toBe('source_path,image_id,edit,from,to,reason\nfn1,d1|fn1,relabel,pneumonia,normal,\n');
  });
});
