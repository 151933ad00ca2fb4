/** Writes dataset revisions: a DatasetRecord over its parent's images with edits; the parent's records are only read. */
import { applyRevision, mergeEdits, nextRevisionNumber, revisionName, revisionStats, type RevisionEdit } from '../lib/dataset/revisions';
import { StudioError } from '../lib/errors';
import { datasetImages } from './dataset-images';
import { openStudioDb, storageError, type DatasetRecord } from './db';

/** "<parent id>@rev<N>" (no "|": image ids use it) */
export function revisionId(parentId: string, number: number): string {
  return `${parentId}@rev${number}`;
}

/**
 * A new revision of `baseId` (an imported dataset or a revision of one) with `edits` on top of the base's; it hangs off
 * the imported dataset and carries every edit relative to it.
 */
export async function createRevision(baseId: string, edits: RevisionEdit[]): Promise<DatasetRecord> {
  const db = await openStudioDb();
  const base = await db.get('datasets', baseId);
  const parent = base?.revision ? await db.get('datasets', base.revision.parentId) : base;
  if (!base || !parent || parent.status !== 'ready') throw new StudioError('empty-dataset', 'The dataset to revise is not (fully) stored any more.');
  const cumulative = mergeEdits(base.revision?.edits ?? [], edits);
  if (cumulative.length === 0) throw new StudioError('bad-config', 'These edits change nothing: mark images to relabel or exclude first.');
  const images = applyRevision(await datasetImages(parent), cumulative);
  const kept = new Set(images.map((m) => m.sourcePath));
  const number = nextRevisionNumber(await db.getAll('datasets'), parent.id);
  const record: DatasetRecord = {
    ...parent,
    id: revisionId(parent.id, number),
    name: revisionName(parent.name, number),
    createdAt: Date.now(),
    status: 'ready',
    imageCount: images.length,
    rejectedCount: 0,
    stats: revisionStats(images),
    leakage: parent.leakage?.filter((l) => kept.has(l.a) && kept.has(l.b)),
    audit: undefined,
    revision: { parentId: parent.id, number, edits: cumulative },
  };
  try {
    await db.put('datasets', record);
  } catch (e) {
    throw storageError(e);
  }
  return record;
}
