/** DatasetState.downloadAudit: the stored audit saved as JSON and both CSVs, named after the dataset; nothing without one. */
import { describe, expect, it } from 'vitest';
import { DatasetState } from '../../../src/state/datasets.svelte';
import { buildAudit } from '../../../src/lib/audit/audit';
import { csvRecords } from '../../../src/lib/dataset/csv';
import { MemoryDatasetStore, dataset, inlinePool, quietErrors, sameThread, savedFiles } from '../state/fakes';

function setup() {
  const store = new MemoryDatasetStore();
  const images = [0, 1].map((i) => ({
    id: `a|${i}`, sourcePath: `x/${i}.dcm`, label: i, split: i === 0 ? ('train' as const) : ('test' as const), patientId: `p${i}`,
    contentHash: 'same', originalWidth: 8, originalHeight: 8, phash: '0123456789abcdef',
  }));
  store.records.set('a', dataset('a', { name: 'chest', audit: buildAudit(images, ['normal', 'pneumonia']) }));
  store.records.set('old', dataset('old'));
  const { save, files } = savedFiles();
  const { errors } = quietErrors();
  const datasets = new DatasetState({ pool: inlinePool({}), store, errors, save, callback: sameThread, storage: { info: async () => null, requestPersistent: async () => true } });
  return { datasets, files };
}

describe('audit downloads', () => {
  it('saves the JSON and both CSVs of a dataset with an audit', async () => {
    const { datasets, files } = setup();
    await datasets.refresh();
    for (const kind of ['json', 'pairs', 'tables'] as const) datasets.downloadAudit('a', kind);
    expect([...files.keys()].sort()).toEqual(['chest-audit-pairs.csv', 'chest-audit-tables.csv', 'chest-audit.json']);
    const json = JSON.parse(await files.get('chest-audit.json')!.text());
    expect(json.leakage.bySplits).toEqual([{ splits: ['train', 'test'], pairs: 1, exact: 1 }]);
    expect(csvRecords(await files.get('chest-audit-pairs.csv')!.text())).toHaveLength(1);
  });

  it('saves nothing for a dataset imported before the audit existed', async () => {
    const { datasets, files } = setup();
    await datasets.refresh();
    datasets.downloadAudit('old', 'json');
    expect(files.size).toBe(0);
  });
});
