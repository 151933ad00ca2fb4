/**
 * What an import worker does, chunk by chunk: read → decode → pixel pipeline → resize →
 * running sums → IndexedDB. Also the demo generator and the final pass (splits, train stats).
 * Runs inside workers/import.worker.ts; the main thread only dispatches chunks.
 */
import { generateDemoImage } from '../lib/demo/generate';
import { sumsOfUint8, mergeSums, meanStd, type PixelSums } from '../lib/dataset/stats';
import { assignSplits, type Split } from '../lib/dataset/splits';
import { labelFromPath, lookupLabel, type LabelTable } from '../lib/dataset/labels';
import { renderToModelSize } from '../lib/image';
import { contentHash } from '../lib/hash';
import { StudioError, toErrorData, type StudioErrorData } from '../lib/errors';
import { imageId, openStudioDb, storageError, type DatasetRecord, type ImageRecord, type PixelRecord } from './db';
import { bySourcePath } from '../lib/dataset/order';
import { StageClock, type ImportProfile } from '../lib/dataset/import-profile';
import { decodeJpegScaled } from './native-jpeg';
import { perceptualHash } from '../lib/audit/phash';
import { imageTags } from '../lib/audit/tags';
import { buildAudit } from '../lib/audit/audit';

// Export, report and browsing also run in this worker (they read every stored image).
export { exportZip, exportToDirectory, importReport, importReportCsv, browseImages, imageDetail } from './export';

export interface ImportItem {
  file: Blob;
  /** path relative to the picked folder, e.g. "NORMAL/IM-0001.dcm" */
  path: string;
  /** split forced by a top-level train/ val/ test/ folder */
  splitHint: Split | null;
}

export interface LabelSource {
  classes: string[];
  table: LabelTable | null;
}

export interface ChunkResult {
  stored: number;
  skipped: number;
  rejected: Array<{ path: string } & StudioErrorData>;
  /** where the worker's time went (folder imports) */
  profile?: ImportProfile;
}

/** What every chunk of one folder import shares: sent to each worker once (beginImport), not with every chunk. */
export interface ImportJob {
  datasetId: string;
  imageSize: number;
  fit: 'stretch' | 'letterbox';
  labels: LabelSource;
  /** decode 8-bit grey JPEG at a DCT scale (Chromium's ImageDecoder) when the stored size is ≤ half the source: faster, not exact */
  scaledDecode?: boolean;
}

const jobs = new Map<string, ImportJob>();

/** Remember an import's settings and label table in this worker; its chunks name it by dataset id. */
export function beginImport(job: ImportJob): void {
  jobs.set(job.datasetId, job);
}

/** What names a dataset before anything is imported into it. */
export type NewDataset = Pick<DatasetRecord, 'id' | 'name' | 'source' | 'imageSize' | 'classes'>;

/**
 * Create the dataset record, or continue an interrupted import of the same folder and settings (ids derive from
 * them and image ids from paths: nothing is duplicated); the split settings chosen now apply when it is finalised.
 */
export async function openDataset(dataset: NewDataset, splitSeed: number, splitFractions: [number, number, number]): Promise<'created' | 'resumed'> {
  const db = await openStudioDb();
  try {
    const tx = db.transaction('datasets', 'readwrite');
    const existing = await tx.store.get(dataset.id);
    const record: DatasetRecord = existing
      ? { ...existing, splitSeed, splitFractions }
      : { ...dataset, createdAt: Date.now(), status: 'importing', imageCount: 0, rejectedCount: 0, splitSeed, splitFractions };
    await tx.store.put(record);
    await tx.done;
    return existing ? 'resumed' : 'created';
  } catch (e) {
    throw storageError(e);
  }
}

/** Change a stored dataset: its name, or the split settings its next finalisation applies. Unknown ids: nothing. */
export async function updateDataset(id: string, change: Partial<Pick<DatasetRecord, 'name' | 'splitSeed' | 'splitFractions'>>): Promise<void> {
  const db = await openStudioDb();
  const tx = db.transaction('datasets', 'readwrite');
  const record = await tx.store.get(id);
  if (record) await tx.store.put({ ...record, ...change });
  await tx.done;
}

async function alreadyDone(ids: string[]): Promise<Set<string>> {
  const db = await openStudioDb();
  const tx = db.transaction(['images', 'rejections'], 'readonly');
  const done = new Set<string>();
  for (const id of ids) {
    if ((await tx.objectStore('images').getKey(id)) || (await tx.objectStore('rejections').getKey(id))) done.add(id);
  }
  await tx.done;
  return done;
}

async function store(images: ImageRecord[], pixels: PixelRecord[]): Promise<void> {
  if (images.length === 0) return;
  const db = await openStudioDb();
  try {
    const tx = db.transaction(['images', 'pixels'], 'readwrite');
    for (let i = 0; i < images.length; i++) {
      void tx.objectStore('pixels').put(pixels[i]);
      void tx.objectStore('images').put(images[i]);
    }
    await tx.done;
  } catch (e) {
    throw storageError(e);
  }
}

async function storeRejections(datasetId: string, rejected: ChunkResult['rejected']): Promise<void> {
  if (rejected.length === 0) return;
  const db = await openStudioDb();
  const tx = db.transaction('rejections', 'readwrite');
  for (const r of rejected) {
    void tx.store.put({ id: imageId(datasetId, r.path), datasetId, sourcePath: r.path, code: r.code, message: r.message });
  }
  await tx.done;
}

function labelIndexFor(path: string, info: { patientId?: string; sopInstanceUid?: string }, labels: LabelSource): number {
  const name = labels.table ? lookupLabel(labels.table, { path, ...info }) : labelFromPath(path);
  return name === null ? -1 : labels.classes.indexOf(name);
}

export async function importFiles(datasetId: string, items: ImportItem[]): Promise<ChunkResult> {
  const job = jobs.get(datasetId);
  if (!job) throw new StudioError('internal', `The import of ${datasetId} was not begun in this worker.`);
  const { imageSize, fit, labels } = job;
  const scaledJpeg = job.scaledDecode ? decodeJpegScaled : undefined;
  const clock = new StageClock();
  const lap = clock.lap.bind(clock);
  const done = await alreadyDone(items.map((it) => imageId(datasetId, it.path)));
  clock.lap('store');
  const result: ChunkResult = { stored: 0, skipped: 0, rejected: [] };
  const images: ImageRecord[] = [];
  const pixels: PixelRecord[] = [];
  // start every file read of the chunk at once: disk reads overlap with decoding
  const reads = items.map((item) => (done.has(imageId(datasetId, item.path)) ? null : item.file.arrayBuffer()));
  reads.forEach((r) => r?.catch(() => undefined)); // a failed read is reported when its turn comes
  for (const [i, item] of items.entries()) {
    const id = imageId(datasetId, item.path);
    const read = reads[i];
    if (!read) {
      result.skipped++;
      continue;
    }
    try {
      clock.skip();
      const bytes = new Uint8Array(await read);
      clock.lap('read');
      const { pixels: px, info } = await renderToModelSize(bytes, item.path, imageSize, fit, lap, scaledJpeg);
      const label = labelIndexFor(item.path, info, labels);
      const hash = contentHash(px);
      const sums = sumsOfUint8(px);
      clock.lap('hash');
      images.push({
        id,
        datasetId,
        sourcePath: item.path,
        label,
        split: item.splitHint ?? 'train',
        splitFixed: item.splitHint !== null,
        patientId: info.patientId || info.studyInstanceUid || item.path,
        format: info.format,
        transferSyntax: info.transferSyntax,
        originalWidth: info.columns,
        originalHeight: info.rows,
        contentHash: hash,
        sums,
        textElements: info.textElements,
        phash: perceptualHash(px, imageSize),
        tags: imageTags(info),
      });
      pixels.push({ id, pixels: px });
    } catch (e) {
      result.rejected.push({ path: item.path, ...toErrorData(e) });
    }
  }
  clock.skip();
  await store(images, pixels);
  await storeRejections(datasetId, result.rejected);
  clock.lap('store');
  result.stored = images.length;
  clock.profile.files = items.length - result.skipped;
  result.profile = clock.profile;
  return result;
}

export async function generateDemo(
  datasetId: string,
  imageSize: number,
  seed: number,
  positiveFraction: number,
  start: number,
  count: number,
): Promise<ChunkResult> {
  const images: ImageRecord[] = [];
  const pixels: PixelRecord[] = [];
  for (let index = start; index < start + count; index++) {
    const demo = generateDemoImage(index, { seed, size: imageSize, positiveFraction });
    const id = imageId(datasetId, `${demo.id}.png`);
    images.push({
      id,
      datasetId,
      sourcePath: `${demo.id}.png`,
      label: demo.label,
      split: 'train',
      splitFixed: false,
      patientId: demo.patientId,
      format: 'demo',
      originalWidth: imageSize,
      originalHeight: imageSize,
      contentHash: contentHash(demo.pixels),
      sums: sumsOfUint8(demo.pixels),
      // no perceptual hash: the demo's images share one template, so every one would be a near-duplicate
    });
    pixels.push({ id, pixels: demo.pixels, lesionMask: demo.lesionMask });
  }
  await store(images, pixels);
  return { stored: images.length, skipped: 0, rejected: [] };
}

export interface FinalizeResult {
  imageCount: number;
  rejectedCount: number;
  mean: number;
  std: number;
  splitCounts: Record<Split, number>;
  leakage: Array<{ a: string; b: string }>;
}

/**
 * Patient-level splits (unless fixed by folders), mean/std over the training split only, and
 * a leakage check: identical pixel content in two different splits.
 */
export async function finalizeDataset(datasetId: string): Promise<FinalizeResult> {
  jobs.delete(datasetId); // this worker's copy of the label table (each import begins its own)
  const db = await openStudioDb();
  const dataset = await db.get('datasets', datasetId);
  if (!dataset) throw new StudioError('internal', `Dataset ${datasetId} does not exist.`);
  const metas = await db.getAllFromIndex('images', 'byDataset', datasetId);
  if (metas.length === 0) throw new StudioError('empty-dataset', 'No image could be imported from this folder.');
  metas.sort(bySourcePath);
  const free = metas.filter((m) => !m.splitFixed);
  const splits = assignSplits(
    free.map((m) => m.patientId),
    { seed: dataset.splitSeed, fractions: dataset.splitFractions },
  );
  free.forEach((m, i) => (m.split = splits[i]));

  let trainSums: PixelSums = { count: 0, sum: 0, sumOfSquares: 0 };
  const splitCounts: Record<Split, number> = { train: 0, val: 0, test: 0 };
  const firstByHash = new Map<string, ImageRecord>();
  const leakage: Array<{ a: string; b: string }> = [];
  for (const m of metas) {
    splitCounts[m.split]++;
    if (m.split === 'train') trainSums = mergeSums(trainSums, m.sums);
    const seen = firstByHash.get(m.contentHash);
    if (!seen) firstByHash.set(m.contentHash, m);
    else if (seen.split !== m.split) leakage.push({ a: seen.sourcePath, b: m.sourcePath });
  }
  const { mean, std } = meanStd(trainSums);
  const audit = buildAudit(metas, dataset.classes);
  const rejectedCount = await db.countFromIndex('rejections', 'byDataset', datasetId);
  try {
    const tx = db.transaction(['images', 'datasets'], 'readwrite');
    for (const m of free) void tx.objectStore('images').put(m);
    void tx.objectStore('datasets').put({
      ...dataset,
      status: 'ready',
      imageCount: metas.length,
      rejectedCount,
      stats: { mean, std, trainSums },
      leakage,
      audit,
    });
    await tx.done;
  } catch (e) {
    throw storageError(e);
  }
  return { imageCount: metas.length, rejectedCount, mean, std, splitCounts, leakage };
}
