/** Streams a stored dataset's pixels from IndexedDB in batches; the dataset never sits whole in memory. */
import type { Example } from '../lib/train/batches';
import type { Split } from '../lib/dataset/splits';
import { StudioError } from '../lib/errors';
import { openStudioDb, type DatasetRecord, type ImageRecord } from './db';

export interface StoredDataset {
  record: DatasetRecord;
  metas: ImageRecord[];
  mean: number;
  std: number;
  examples(split: Split): Example[];
  load(ids: string[]): Promise<Uint8Array[]>;
}

export async function openStoredDataset(datasetId: string): Promise<StoredDataset> {
  const db = await openStudioDb();
  const record = await db.get('datasets', datasetId);
  if (!record || record.status !== 'ready' || !record.stats) {
    throw new StudioError('empty-dataset', 'This dataset is not fully imported yet: finish or restart its import first.');
  }
  const metas = await db.getAllFromIndex('images', 'byDataset', datasetId);
  metas.sort((a, b) => (a.sourcePath < b.sourcePath ? -1 : 1));
  return {
    record,
    metas,
    mean: record.stats.mean,
    std: record.stats.std,
    examples: (split) => metas.filter((m) => m.split === split && m.label >= 0).map((m) => ({ id: m.id, label: m.label })),
    async load(ids) {
      const tx = db.transaction('pixels', 'readonly');
      const rows = await Promise.all(ids.map((id) => tx.store.get(id)));
      await tx.done;
      return rows.map((r, i) => {
        if (!r) throw new StudioError('storage-failed', `Stored pixels of ${ids[i]} are missing; re-import the dataset.`);
        return r.pixels;
      });
    },
  };
}
