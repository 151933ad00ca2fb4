/**
 * IndexedDB schema (through idb). Version 1:
 *   datasets     key id                      one record per imported (or demo) dataset
 *   images       key id = `${datasetId}|${sourcePath}`, index byDataset   metadata only (small: listing,
 *                splits and labels never load pixels)
 *   pixels       key id (same as images)     the uint8 pixels (and demo lesion mask)
 *   rejections   key id = `${datasetId}|${sourcePath}`, index byDataset   files refused, with reasons
 *   runs         key id                      training runs: config, history, metrics, status ('interrupted':
 *                a run left 'running' by a closed tab, dismissed; records before it only know 'running')
 *   checkpoints  key id = `${runId}|${epoch}`, index byRun     weights + optimizer state
 * Version 2 adds:
 *   weights      key name                    imported .pth / .safetensors files, kept for reuse
 * Version 3 adds:
 *   blobs        key `${blobKey}#${index}`   large bytes (checkpoint weights and optimizer moments,
 *                imported weights) in chunks of ≤ 32 MB (lib/storage/chunks.ts); the records above
 *                hold a BlobRef. Records written by version 2 hold the bytes inline and still read.
 * Image ids derive from the source path, so re-importing the same folder overwrites instead
 * of duplicating, and an interrupted import continues where it stopped.
 */
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { Split } from '../lib/dataset/splits';
import type { PixelSums } from '../lib/dataset/stats';
import type { DatasetAudit, ImageTags } from '../lib/audit/types';
import type { RevisionInfo } from '../lib/dataset/revisions';
import type { ScoredImage } from '../lib/eval/summary';
import { chunkKeyRange, type BlobRef } from '../lib/storage/chunks';
import { describeStorageError } from '../lib/storage/storage-errors';
import type { StudioError } from '../lib/errors';
import type { TrainConfig } from '../lib/train/config';
import type { EpochRecord } from '../lib/train/trainer';
import type { BackendInfo } from './backend';

export interface DatasetRecord {
  id: string;
  name: string;
  source: 'demo' | 'folder';
  createdAt: number;
  /** side of the stored square images, px */
  imageSize: number;
  classes: string[];
  status: 'importing' | 'ready';
  imageCount: number;
  rejectedCount: number;
  /** mean/std of [0,1] pixels over the training split; present once status is ready */
  stats?: { mean: number; std: number; trainSums: PixelSums };
  /** images whose pixels also occur in another split (possible leakage), by source path */
  leakage?: Array<{ a: string; b: string }>;
  splitSeed: number;
  splitFractions: [number, number, number];
  /** the dataset audit (lib/audit), computed when the import is finalised; absent in older records and revisions */
  audit?: DatasetAudit;
  /** set on a revision: the parent's images with edits; it stores no images of its own */
  revision?: RevisionInfo;
}

export interface ImageRecord {
  id: string;
  datasetId: string;
  sourcePath: string;
  /** class index into DatasetRecord.classes, or -1 when unlabelled */
  label: number;
  split: Split;
  /** split came from a train/ val/ test/ folder and is not re-drawn */
  splitFixed: boolean;
  /** grouping key for splits: PatientID, else StudyInstanceUID, else the file */
  patientId: string;
  format: string;
  transferSyntax?: string;
  originalWidth: number;
  originalHeight: number;
  contentHash: string;
  sums: PixelSums;
  textElements?: Array<[string, string, string]>;
  /** 64-bit perceptual hash of the stored pixels, 16 hex digits (lib/audit); absent in older records */
  phash?: string;
  /** the DICOM attributes the audit groups by */
  tags?: ImageTags;
}

export interface PixelRecord {
  id: string;
  /** imageSize × imageSize grey, row-major */
  pixels: Uint8Array;
  /** demo only: where the planted opacity is */
  lesionMask?: Uint8Array;
}

export interface RejectionRecord {
  id: string;
  datasetId: string;
  sourcePath: string;
  code: string;
  message: string;
}

export interface RunRecord {
  id: string;
  datasetId: string;
  createdAt: number;
  status: RunStatus;
  /** validated (lib/train/config.ts validateConfig); extra epochs of a resumed run are added here */
  config: TrainConfig;
  /** one record per finished epoch, as of the newest checkpoint or the end of the run */
  history: EpochRecord[];
  /** where the run was started */
  backend?: BackendInfo;
  /** the epoch whose weights the model had when the run ended (its best after an early stop); absent in older records */
  modelEpoch?: number;
  /** where a run loaded with "Load a run trained elsewhere" was trained, e.g. "train.py on host (cpu, 2 processes)" */
  trainedElsewhere?: string;
  /** the evaluated sets of its model by set key ('val', 'test'), written when the page's evaluation finishes (run comparison) */
  scores?: Record<string, ScoredImage[]>;
}

/**
 * 'running' stays on a run whose tab closed or whose GPU was lost (resumable); 'interrupted' is such a run a person
 * dismissed, not offered for resuming again.
 */
export type RunStatus = 'running' | 'paused' | 'done' | 'cancelled' | 'failed' | 'interrupted';

export interface CheckpointRecord {
  id: string;
  runId: string;
  epoch: number;
  /** safetensors bytes of the model state dict (inline in records of DB version 2) */
  weights: BlobRef | Uint8Array;
  /** safetensors bytes of Adam's m and v, with the step in `optimizerStep` */
  optimizer: BlobRef | Uint8Array;
  optimizerStep: number;
  /** the run's history up to and including `epoch` */
  history: EpochRecord[];
  monitorValue: number;
}

export interface WeightsRecord {
  name: string;
  importedAt: number;
  /** the file's bytes (inline in records of DB version 2) */
  bytes: BlobRef | Uint8Array;
}

export interface BlobChunkRecord {
  /** chunkKey(ref.key, index) */
  id: string;
  bytes: Uint8Array;
}

export interface StudioSchema extends DBSchema {
  blobs: { key: string; value: BlobChunkRecord };
  weights: { key: string; value: WeightsRecord };
  datasets: { key: string; value: DatasetRecord };
  images: { key: string; value: ImageRecord; indexes: { byDataset: string } };
  pixels: { key: string; value: PixelRecord };
  rejections: { key: string; value: RejectionRecord; indexes: { byDataset: string } };
  runs: { key: string; value: RunRecord; indexes: { byDataset: string } };
  checkpoints: { key: string; value: CheckpointRecord; indexes: { byRun: string } };
}

export type StudioDb = IDBPDatabase<StudioSchema>;
export const DB_NAME = 'cxr-studio';
export const DB_VERSION = 3;

let opened: Promise<StudioDb> | undefined;

export function openStudioDb(): Promise<StudioDb> {
  opened ??= openDB<StudioSchema>(DB_NAME, DB_VERSION, {
    // the browser closed the connection (disk full, storage cleared): reopen on next use
    terminated() {
      opened = undefined;
    },
    upgrade(db, oldVersion) {
      if (oldVersion < 1) {
        db.createObjectStore('datasets', { keyPath: 'id' });
        db.createObjectStore('images', { keyPath: 'id' }).createIndex('byDataset', 'datasetId');
        db.createObjectStore('pixels', { keyPath: 'id' });
        db.createObjectStore('rejections', { keyPath: 'id' }).createIndex('byDataset', 'datasetId');
        db.createObjectStore('runs', { keyPath: 'id' }).createIndex('byDataset', 'datasetId');
        db.createObjectStore('checkpoints', { keyPath: 'id' }).createIndex('byRun', 'runId');
      }
      if (oldVersion < 2) db.createObjectStore('weights', { keyPath: 'name' });
      if (oldVersion < 3) db.createObjectStore('blobs', { keyPath: 'id' });
    },
  });
  return opened;
}

export function imageId(datasetId: string, sourcePath: string): string {
  return `${datasetId}|${sourcePath}`;
}

/** Map an IndexedDB failure to a message a person can act on (lib/storage/storage-errors.ts). */
export function storageError(e: unknown): StudioError {
  return describeStorageError(e);
}

/** Delete a dataset and everything that hangs off it (a parent: its revisions and their runs too), in one transaction. */
export async function deleteDataset(db: StudioDb, datasetId: string): Promise<void> {
  const tx = db.transaction(['datasets', 'images', 'pixels', 'rejections', 'runs', 'checkpoints', 'blobs'], 'readwrite');
  const revisions = (await tx.objectStore('datasets').getAll()).filter((d) => d.revision?.parentId === datasetId);
  for (const revision of revisions) await deleteDatasetIn(tx, revision.id);
  await deleteDatasetIn(tx, datasetId);
  await tx.done;
}

async function deleteDatasetIn(tx: RunsTx, datasetId: string): Promise<void> {
  const range = IDBKeyRange.only(datasetId);
  for (const store of ['images', 'rejections'] as const) {
    let cursor = await tx.objectStore(store).index('byDataset').openKeyCursor(range);
    while (cursor) {
      if (store === 'images') await tx.objectStore('pixels').delete(cursor.primaryKey);
      await tx.objectStore(store).delete(cursor.primaryKey);
      cursor = await cursor.continue();
    }
  }
  const runs = await tx.objectStore('runs').index('byDataset').getAllKeys(range);
  for (const runId of runs) await deleteRunIn(tx, runId);
  await tx.objectStore('datasets').delete(datasetId);
}

type RunsTx = IDBPTransaction<StudioSchema, ArrayLike<StoreNames<StudioSchema>>, 'readwrite'>;

async function deleteRunIn(tx: RunsTx, runId: string): Promise<void> {
  let cursor = await tx.objectStore('checkpoints').index('byRun').openKeyCursor(IDBKeyRange.only(runId));
  while (cursor) {
    await tx.objectStore('checkpoints').delete(cursor.primaryKey);
    cursor = await cursor.continue();
  }
  await tx.objectStore('blobs').delete(runBlobRange(runId));
  await tx.objectStore('runs').delete(runId);
}

/** Delete one run with its checkpoints and their blobs, in one transaction. */
export async function deleteRun(db: StudioDb, runId: string): Promise<void> {
  const tx = db.transaction(['runs', 'checkpoints', 'blobs'], 'readwrite');
  await deleteRunIn(tx, runId);
  await tx.done;
}

/** The epochs of the checkpoints each run keeps (from the keys alone: no weights are read). */
export async function checkpointEpochs(db: StudioDb): Promise<Map<string, number[]>> {
  const byRun = new Map<string, number[]>();
  for (const id of await db.getAllKeys('checkpoints')) {
    const cut = id.lastIndexOf('|');
    const runId = id.slice(0, cut);
    byRun.set(runId, [...(byRun.get(runId) ?? []), Number(id.slice(cut + 1))]);
  }
  return byRun;
}

/** Change a run's status only (read and written in one transaction, so a newer history is kept). */
export async function setRunStatus(db: StudioDb, runId: string, status: RunStatus): Promise<void> {
  const tx = db.transaction('runs', 'readwrite');
  const run = await tx.store.get(runId);
  if (run) await tx.store.put({ ...run, status });
  await tx.done;
}

/** Store the evaluated sets of a run's model on its record (read and written in one transaction). */
export async function setRunScores(db: StudioDb, runId: string, scores: Record<string, ScoredImage[]>): Promise<void> {
  const tx = db.transaction('runs', 'readwrite');
  const run = await tx.store.get(runId);
  if (run) await tx.store.put({ ...run, scores });
  await tx.done;
}

/** Blob keys of a checkpoint's parts: `checkpoint|<checkpoint id>|weights` and `…|optimizer`. */
export function checkpointBlobKey(checkpointId: string, part: 'weights' | 'optimizer'): string {
  return `${checkpointBlobPrefix(checkpointId)}${part}`;
}

export function checkpointBlobPrefix(checkpointId: string): string {
  return `checkpoint|${checkpointId}|`;
}

export function weightsBlobKey(name: string): string {
  return `weights|${name}`;
}

/** Every chunk of every checkpoint of a run (checkpoint ids start with `${runId}|`). */
export function runBlobRange(runId: string): IDBKeyRange {
  return IDBKeyRange.bound(...chunkKeyRange(checkpointBlobPrefix(runId)));
}
