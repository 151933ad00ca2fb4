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
import { imageId, openStudioDb, storageError, type ImageRecord, type PixelRecord } from './db';
import { bySourcePath } from '../lib/dataset/order';

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

export async function importFiles(
  datasetId: string,
  imageSize: number,
  fit: 'stretch' | 'letterbox',
  labels: LabelSource,
  items: ImportItem[],
): Promise<ChunkResult> {
  const done = await alreadyDone(items.map((it) => imageId(datasetId, it.path)));
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
      const bytes = new Uint8Array(await read);
      const { pixels: px, info } = await renderToModelSize(bytes, item.path, imageSize, fit);
      const label = labelIndexFor(item.path, info, labels);
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
        contentHash: contentHash(px),
        sums: sumsOfUint8(px),
        textElements: info.textElements,
      });
      pixels.push({ id, pixels: px });
    } catch (e) {
      result.rejected.push({ path: item.path, ...toErrorData(e) });
    }
  }
  await store(images, pixels);
  await storeRejections(datasetId, result.rejected);
  result.stored = images.length;
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
    });
    await tx.done;
  } catch (e) {
    throw storageError(e);
  }
  return { imageCount: metas.length, rejectedCount, mean, std, splitCounts, leakage };
}
