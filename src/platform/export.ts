/**
 * Worker-side dataset export and report (runs in the import worker; re-exported by import-service).
 * Layout: `<split>/<label>/<stem>.png` (the stored 8-bit pixels), `index.csv` (path, source path, label,
 * split, patient, sha256 of the PNG) and `stats.json`. Into a zip (fflate, entries stored: PNG is already
 * deflated) or into a folder handle picked on the main thread.
 */
import { Zip, ZipPassThrough, strToU8 } from 'fflate';
import { encode as encodePng } from 'fast-png';
import { StudioError } from '../lib/errors';
import { toCsv } from '../lib/dataset/csv';
import { bySourcePath } from '../lib/dataset/order';
import { describeTransferSyntax } from '../lib/dicom';
import type { Split } from '../lib/dataset/splits';
import { newSalt, pseudonym } from '../lib/dataset/pseudonym';
import { datasetImages } from './dataset-images';
import { applyRevision } from '../lib/dataset/revisions';
import { openStudioDb, type DatasetRecord, type ImageRecord, type PixelRecord, type RejectionRecord } from './db';
import { transfer } from 'comlink';

/** Called after each batch with (done, total); resolve false to cancel. */
export type ExportProgress = (done: number, total: number) => Promise<boolean> | boolean;

const BATCH = 64;
const UNLABELLED = 'unlabelled';

export interface ExportOptions {
  /** replace patient ids, file stems and source paths with salted hashes (salt drawn per export, never saved) */
  pseudonymise?: boolean;
  /** files added after stats.json (a training project's train.py, config.json, README.md …) */
  extra?: ExportEntry[];
  /** 'none': index.csv and stats.json only, no PNGs (a training project that reads the original DICOM files) */
  images?: 'png' | 'none';
}

export interface ExportEntry {
  path: string;
  bytes: Uint8Array;
}

async function datasetOrThrow(datasetId: string): Promise<DatasetRecord> {
  const dataset = await (await openStudioDb()).get('datasets', datasetId);
  if (!dataset) throw new StudioError('internal', `Dataset ${datasetId} does not exist.`);
  return dataset;
}

async function sortedImages(datasetId: string): Promise<ImageRecord[]> {
  return datasetImages(await datasetOrThrow(datasetId));
}

function labelName(classes: string[], label: number): string {
  return label >= 0 && label < classes.length ? classes[label] : UNLABELLED;
}

/** File-system-safe single path segment. */
function safeSegment(s: string): string {
  const cleaned = s.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').trim();
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? '_' : cleaned;
}

function stemOf(sourcePath: string): string {
  const name = sourcePath.slice(sourcePath.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return safeSegment(dot > 0 ? name.slice(0, dot) : name);
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Every export file in order: PNGs (batch by batch), then index.csv and stats.json. Stops (returns
 * false) when `progress` asks to cancel.
 */
async function writeEntries(
  datasetId: string,
  sink: (entry: ExportEntry) => Promise<void>,
  progress: ExportProgress,
  options: ExportOptions = {},
): Promise<boolean> {
  const dataset = await datasetOrThrow(datasetId);
  const metas = await sortedImages(datasetId);
  const db = await openStudioDb();
  const readPixels = async (batch: ImageRecord[]) => {
    const tx = db.transaction('pixels', 'readonly');
    const pixels = await Promise.all(batch.map((m) => tx.store.get(m.id)));
    await tx.done;
    return pixels;
  };
  return writeDatasetEntries(dataset, metas, readPixels, sink, progress, options);
}

/**
 * The export of `dataset` whose images are `metas` (in export order), pixels read batch by batch through
 * `readPixels`; options.extra entries (a training project's files) follow stats.json.
 */
export async function writeDatasetEntries(
  dataset: DatasetRecord,
  metas: ImageRecord[],
  readPixels: (batch: ImageRecord[]) => Promise<Array<PixelRecord | undefined>>,
  sink: (entry: ExportEntry) => Promise<void>,
  progress: ExportProgress,
  options: ExportOptions = {},
): Promise<boolean> {
  const salt = options.pseudonymise ? newSalt() : null;
  if (dataset.status !== 'ready') throw new StudioError('internal', `Dataset "${dataset.name}" is not fully imported yet.`);
  const used = new Set<string>();
  const index: string[][] = [['path', 'source_path', 'label', 'split', 'patient_id', 'sha256']];
  const counts: Record<string, Record<string, number>> = {};
  for (let start = 0; start < metas.length; start += BATCH) {
    const batch = metas.slice(start, start + BATCH);
    const pixels = await readPixels(batch);
    for (let i = 0; i < batch.length; i++) {
      const meta = batch[i];
      const px = pixels[i];
      if (!px) throw new StudioError('storage-failed', `Pixels of ${meta.sourcePath} are missing from IndexedDB.`);
      const label = labelName(dataset.classes, meta.label);
      const stem = salt ? await pseudonym(salt, `file:${meta.sourcePath}`) : stemOf(meta.sourcePath);
      const base = `${meta.split}/${safeSegment(label)}/${stem}`;
      let path = `${base}.png`;
      for (let n = 2; used.has(path.toLowerCase()); n++) path = `${base}-${n}.png`;
      used.add(path.toLowerCase());
      const png = encodePng({ width: dataset.imageSize, height: dataset.imageSize, data: px.pixels, channels: 1, depth: 8 });
      const patient = salt ? await pseudonym(salt, `patient:${meta.patientId}`) : meta.patientId;
      index.push([path, salt ? '' : meta.sourcePath, label, meta.split, patient, await sha256Hex(png)]);
      counts[meta.split] ??= {};
      counts[meta.split][label] = (counts[meta.split][label] ?? 0) + 1;
      if (options.images !== 'none') await sink({ path, bytes: png });
    }
    if (!(await progress(start + batch.length, metas.length))) return false;
  }
  await sink({ path: 'index.csv', bytes: strToU8(toCsv(index)) });
  const stats = {
    name: dataset.name,
    pseudonymised: salt !== null,
    imageSize: dataset.imageSize,
    classes: dataset.classes,
    imageCount: metas.length,
    rejectedCount: dataset.rejectedCount,
    countsBySplitAndLabel: counts,
    splitSeed: dataset.splitSeed,
    splitFractions: dataset.splitFractions,
    // mean/std of v/255 over the training split (what the model normalises with)
    trainMean: dataset.stats?.mean,
    trainStd: dataset.stats?.std,
    trainPixelSums: dataset.stats?.trainSums,
    leakagePairs: dataset.leakage?.length ?? 0,
  };
  await sink({ path: 'stats.json', bytes: strToU8(JSON.stringify(stats, null, 2)) });
  for (const entry of options.extra ?? []) await sink(entry);
  return true;
}

/** The dataset as a zip Blob, or null when cancelled. PNG entries are stored, not re-deflated. */
export async function exportZip(datasetId: string, progress: ExportProgress, options: ExportOptions = {}): Promise<Blob | null> {
  const parts: Uint8Array[] = [];
  let zipError: Error | null = null;
  let finished = false;
  const zip = new Zip((err, data, final) => {
    if (err) zipError = err;
    else parts.push(data);
    if (final) finished = true;
  });
  const complete = await writeEntries(
    datasetId,
    async ({ path, bytes }) => {
      const file = new ZipPassThrough(path);
      zip.add(file);
      file.push(bytes, true);
      if (zipError) throw new StudioError('internal', `Zip failed: ${String(zipError)}`);
    },
    progress,
    options,
  );
  if (!complete) {
    zip.terminate();
    return null;
  }
  zip.end();
  if (zipError || !finished) throw new StudioError('internal', `Zip failed: ${String(zipError ?? 'incomplete')}`);
  return new Blob(parts as BlobPart[], { type: 'application/zip' });
}

interface WritableDirectory {
  getDirectoryHandle(name: string, options: { create: boolean }): Promise<WritableDirectory>;
  getFileHandle(name: string, options: { create: boolean }): Promise<{ createWritable(): Promise<{ write(data: BufferSource): Promise<void>; close(): Promise<void> }> }>;
}

/** The same files written into a folder the person picked (a FileSystemDirectoryHandle). */
export async function exportToDirectory(
  datasetId: string,
  root: WritableDirectory,
  progress: ExportProgress,
  options: ExportOptions = {},
): Promise<boolean> {
  const folders = new Map<string, WritableDirectory>();
  const folderFor = async (segments: string[]): Promise<WritableDirectory> => {
    let dir = root;
    for (let i = 0; i < segments.length; i++) {
      const key = segments.slice(0, i + 1).join('/');
      let next = folders.get(key);
      if (!next) {
        next = await dir.getDirectoryHandle(segments[i], { create: true });
        folders.set(key, next);
      }
      dir = next;
    }
    return dir;
  };
  return writeEntries(
    datasetId,
    async ({ path, bytes }) => {
      const segments = path.split('/');
      const dir = await folderFor(segments.slice(0, -1));
      const writable = await (await dir.getFileHandle(segments[segments.length - 1], { create: true })).createWritable();
      await writable.write(bytes as Uint8Array<ArrayBuffer>);
      await writable.close();
    },
    progress,
    options,
  );
}

export interface ImportReport {
  datasetId: string;
  name: string;
  classes: string[];
  imageCount: number;
  byClass: Record<string, number>;
  bySplit: Record<Split, number>;
  /** transfer syntax as "UID (name)" for DICOM, else the file format → count */
  byEncoding: Record<string, number>;
  /** per split, per class */
  bySplitAndClass: Record<Split, Record<string, number>>;
  rejected: RejectionRecord[];
  leakage: Array<{ a: string; b: string }>;
  /** patients found in more than one split (only possible with train/ val/ test/ folders) */
  patientsInSeveralSplits: string[];
}

/** Counts per class, split and encoding, and every rejected file, for the import report. */
export async function importReport(datasetId: string): Promise<ImportReport> {
  const dataset = await datasetOrThrow(datasetId);
  const metas = await sortedImages(datasetId);
  const rejected = await (await openStudioDb()).getAllFromIndex('rejections', 'byDataset', datasetId);
  rejected.sort(bySourcePath);
  const byClass: Record<string, number> = {};
  const bySplit: Record<Split, number> = { train: 0, val: 0, test: 0 };
  const bySplitAndClass: Record<Split, Record<string, number>> = { train: {}, val: {}, test: {} };
  const byEncoding: Record<string, number> = {};
  const splitsOfPatient = new Map<string, Set<Split>>();
  for (const m of metas) {
    const label = labelName(dataset.classes, m.label);
    byClass[label] = (byClass[label] ?? 0) + 1;
    bySplit[m.split]++;
    bySplitAndClass[m.split][label] = (bySplitAndClass[m.split][label] ?? 0) + 1;
    const encoding = describeEncoding(m.transferSyntax ?? m.format);
    byEncoding[encoding] = (byEncoding[encoding] ?? 0) + 1;
    const set = splitsOfPatient.get(m.patientId) ?? new Set<Split>();
    set.add(m.split);
    splitsOfPatient.set(m.patientId, set);
  }
  const patientsInSeveralSplits = [...splitsOfPatient].filter(([, s]) => s.size > 1).map(([p]) => p);
  return {
    datasetId,
    name: dataset.name,
    classes: dataset.classes,
    imageCount: metas.length,
    byClass,
    bySplit,
    byEncoding,
    bySplitAndClass,
    rejected,
    leakage: dataset.leakage ?? [],
    patientsInSeveralSplits,
  };
}

/** "1.2.840.10008.1.2.4.50" → "JPEG Baseline (Process 1)"; formats (png, jpeg) as they are. */
function describeEncoding(key: string): string {
  return /^[0-9.]+$/.test(key) ? describeTransferSyntax(key) : key;
}

/** The report as CSV: one section of counts, then one row per rejected file. */
export async function importReportCsv(datasetId: string): Promise<string> {
  return reportCsv(await importReport(datasetId));
}

function reportCsv(report: ImportReport): string {
  const rows: Array<Array<string | number>> = [['section', 'key', 'value', 'detail']];
  for (const [k, v] of Object.entries(report.byClass)) rows.push(['class', k, v, '']);
  for (const [k, v] of Object.entries(report.bySplit)) rows.push(['split', k, v, '']);
  for (const [split, byClass] of Object.entries(report.bySplitAndClass)) {
    for (const [k, v] of Object.entries(byClass)) rows.push(['split-class', `${split}/${k}`, v, '']);
  }
  for (const [k, v] of Object.entries(report.byEncoding)) rows.push(['encoding', k, v, '']);
  for (const r of report.rejected) rows.push(['rejected', r.sourcePath, r.code, r.message]);
  for (const l of report.leakage) rows.push(['identical-pixels-across-splits', l.a, l.b, '']);
  return toCsv(rows);
}

export interface BrowseFilter {
  split?: Split;
  /** class index; -1 = unlabelled */
  label?: number;
}

export interface Thumbnail {
  id: string;
  sourcePath: string;
  label: number;
  split: Split;
  pixels: Uint8Array;
}

/** One page of images matching the filter, with their pixels (for the thumbnail grid). */
export async function browseImages(datasetId: string, filter: BrowseFilter, offset: number, limit: number): Promise<{ total: number; items: Thumbnail[] }> {
  const metas = (await sortedImages(datasetId)).filter(
    (m) => (filter.split === undefined || m.split === filter.split) && (filter.label === undefined || m.label === filter.label),
  );
  const page = metas.slice(offset, offset + limit);
  const db = await openStudioDb();
  const tx = db.transaction('pixels', 'readonly');
  const pixels = await Promise.all(page.map((m) => tx.store.get(m.id)));
  await tx.done;
  const items = page.map((m, i) => ({ id: m.id, sourcePath: m.sourcePath, label: m.label, split: m.split, pixels: pixels[i]?.pixels ?? new Uint8Array(0) }));
  // each image's pixels were just read into their own buffer: moved to the page, not copied
  return transfer({ total: metas.length, items }, items.map((t) => t.pixels.buffer as ArrayBuffer));
}

/** One image with its metadata (text elements) and pixels, for the viewer. */
export async function imageDetail(id: string, datasetId?: string): Promise<{ meta: ImageRecord; pixels: Uint8Array } | null> {
  const db = await openStudioDb();
  const [meta, px, dataset] = await Promise.all([db.get('images', id), db.get('pixels', id), datasetId ? db.get('datasets', datasetId) : undefined]);
  if (!meta || !px) return null;
  // seen from a revision: the image as the revision has it (a relabelled one with its new label)
  const [seen] = dataset?.revision ? applyRevision([meta], dataset.revision.edits) : [meta];
  return { meta: seen ?? meta, pixels: px.pixels };
}
