/**
 * The one reader of a dataset's image records: an imported dataset's own, or for a revision its parent's with the
 * revision's edits applied (same ids, so pixels, predictions and maps line up). Sorted by source path.
 */
import { applyRevision } from '../lib/dataset/revisions';
import { bySourcePath } from '../lib/dataset/order';
import { openStudioDb, type DatasetRecord, type ImageRecord } from './db';

export async function datasetImages(dataset: DatasetRecord): Promise<ImageRecord[]> {
  const db = await openStudioDb();
  const own = dataset.revision?.parentId ?? dataset.id;
  const metas = await db.getAllFromIndex('images', 'byDataset', own);
  metas.sort(bySourcePath);
  return dataset.revision ? applyRevision(metas, dataset.revision.edits) : metas;
}
