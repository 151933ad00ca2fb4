/** Streams a stored dataset's pixels from IndexedDB in batches; the dataset never sits whole in memory. */
import type { Example } from '../lib/train/batches';
import type { Split } from '../lib/dataset/splits';
import { StudioError } from '../lib/errors';
import { openStudioDb, type DatasetRecord, type ImageRecord, type PixelRecord } from './db';
import { datasetImages } from './dataset-images';

export interface StoredDataset {
  record: DatasetRecord;
  metas: ImageRecord[];
  mean: number;
  std: number;
  examples(split: Split): Example[];
  load(ids: string[]): Promise<Uint8Array[]>;
}

/** The stored record of a dataset; undefined when it was deleted (or never existed). */
export async function readDatasetRecord(datasetId: string): Promise<DatasetRecord | undefined> {
  return (await openStudioDb()).get('datasets', datasetId);
}

/**
 * Changes whenever the dataset's content may have changed: deleted and imported again (createdAt), or
 * imported again over itself, which finalises it anew (counts, pixel sums of the training split, split seed).
 */
export function datasetVersion(record: DatasetRecord): string {
  const sums = record.stats?.trainSums;
  return [record.createdAt, record.status, record.imageCount, record.rejectedCount, sums?.count, sums?.sum, sums?.sumOfSquares, record.splitSeed, ...record.splitFractions].join('|');
}

/** The pixel records of `ids` in that order (undefined where none is stored), read in one transaction. */
export async function readPixelRecords(ids: string[]): Promise<Array<PixelRecord | undefined>> {
  const tx = (await openStudioDb()).transaction('pixels', 'readonly');
  const rows = await Promise.all(ids.map((id) => tx.store.get(id)));
  await tx.done;
  return rows;
}

/** The error for a dataset that is missing or not fully imported. */
export function notImportedError(): StudioError {
  return new StudioError('empty-dataset', 'This dataset is not fully imported yet: finish or restart its import first.');
}

export async function openStoredDataset(datasetId: string, known?: DatasetRecord): Promise<StoredDataset> {
  const db = await openStudioDb();
  const record = known ?? (await db.get('datasets', datasetId));
  if (!record || record.status !== 'ready' || !record.stats) {
    throw notImportedError();
  }
  const metas = await datasetImages(record);
  return {
    record,
    metas,
    mean: record.stats.mean,
    std: record.stats.std,
    examples: (split) => metas.filter((m) => m.split === split && m.label >= 0).map((m) => ({ id: m.id, label: m.label })),
    async load(ids) {
      const rows = await readPixelRecords(ids);
      const missing = rows.findIndex((r) => !r);
      if (missing >= 0) {
        if (!(await readDatasetRecord(datasetId))) {
          throw new StudioError('dataset-deleted', `The dataset "${record.name}" was deleted (in another tab or window?) while it was in use here: the run stops; its checkpoints are kept.`);
        }
        throw new StudioError('storage-failed', `Stored pixels of ${ids[missing]} are missing; re-import the dataset.`);
      }
      return rows.map((r) => r!.pixels);
    },
  };
}
