/**
 * Evaluation and explanation in the training worker, on the session's model (see
 * training-service.session()): logits of a split or an external test set, CAM / Grad-CAM / Grad-CAM++,
 * single-image inference, the demo pointing game.
 *
 * Safe while train() runs: a call interleaves at one of train()'s await points; everything here runs the
 * model in eval mode (BN uses its running stats and updates nothing, no variable is assigned) and frees
 * every tensor it makes before it returns.
 */
import { predictLogits } from '../lib/train/evaluate';
import { renderToModelSize } from '../lib/image';
import { camZip, datasetFingerprint, explainPixels, type CamMethod, type Explanation, pointingGame, standardTolerancePx, type PointingGameResult, type ScoredImage } from '../lib/eval';
import type { Split } from '../lib/dataset/splits';
import { StudioError } from '../lib/errors';
import { session } from './training-service';
import { readingSession } from './session-guard';
import { openStoredDataset, type StoredDataset } from './dataset-source';
import { openStudioDb } from './db';

export type { CamMethod, Explanation } from '../lib/eval';

/** Which images to score: a split of the training dataset, or every labelled image of an external test set. */
export type EvalSource = { split: Split } | { externalDatasetId: string };

const BATCH = 32;

/** Opened external test sets, by id (their pixels stay in IndexedDB). */
const externals = new Map<string, StoredDataset>();

async function externalSet(datasetId: string): Promise<StoredDataset> {
  const { model, dataset } = session();
  let ext = externals.get(datasetId);
  if (!ext) {
    ext = await openStoredDataset(datasetId);
    externals.set(datasetId, ext);
  }
  if (ext.record.imageSize !== model.config.inputSize) {
    throw new StudioError(
      'bad-config',
      `"${ext.record.name}" was imported at ${ext.record.imageSize} px but the model takes ${model.config.inputSize} px: import it again at ${model.config.inputSize} px.`,
    );
  }
  const unknown = ext.record.classes.filter((c) => trainingClassIndex(dataset.record.classes, c) < 0);
  if (unknown.length > 0) {
    throw new StudioError('bad-config', `"${ext.record.name}" has classes the model was not trained on: ${unknown.join(', ')}.`);
  }
  return ext;
}

/** Class names match across datasets regardless of case ("NORMAL" folders vs "normal" CSV labels). */
function trainingClassIndex(trainingClasses: string[], name: string): number {
  return trainingClasses.findIndex((c) => c.toLowerCase() === name.toLowerCase());
}

/**
 * Eval-mode logits of every labelled image of the source. An external set is normalised with the TRAINING
 * dataset's mean/std and its labels are mapped onto the training classes by name.
 */
export const predictSet = readingSession(async (source: EvalSource): Promise<ScoredImage[]> => {
  const { model, dataset } = session();
  const ext = 'externalDatasetId' in source ? await externalSet(source.externalDatasetId) : undefined;
  const from = ext ?? dataset;
  const metas = from.metas.filter((m) => m.label >= 0 && (ext || m.split === (source as { split: Split }).split));
  const toTrainingClass = (label: number) => (ext ? trainingClassIndex(dataset.record.classes, ext.record.classes[label]) : label);
  const loader = { mean: dataset.mean, std: dataset.std, load: from.load };
  const logits = await predictLogits(model, loader, metas.map((m) => ({ id: m.id, label: m.label })), BATCH);
  return metas.map((m, i) => ({
    id: m.id,
    sourcePath: m.sourcePath,
    patientId: m.patientId,
    split: ext ? 'external' : m.split,
    label: toTrainingClass(m.label),
    logits: Array.from(logits[i]),
  }));
});

async function datasetOf(imageId: string): Promise<StoredDataset> {
  const { dataset } = session();
  if (dataset.metas.some((m) => m.id === imageId)) return dataset;
  for (const ext of externals.values()) if (ext.metas.some((m) => m.id === imageId)) return ext;
  throw new StudioError('internal', `Image ${imageId} belongs to no dataset of this session.`);
}

/** Explanations of stored images (training dataset or an opened external set), in the order asked. */
export const explainImages = readingSession(async (imageIds: string[], method: CamMethod = 'cam', classIndex?: number): Promise<Explanation[]> => {
  const { model, dataset } = session();
  const out: Explanation[] = [];
  for (let start = 0; start < imageIds.length; start += BATCH) {
    const ids = imageIds.slice(start, start + BATCH);
    const images: Uint8Array[] = [];
    for (const id of ids) images.push(...(await (await datasetOf(id)).load([id])));
    const explained = await explainPixels(model, dataset.mean, dataset.std, images, method, classIndex);
    explained.forEach((e, i) => out.push({ ...e, imageId: ids[i] }));
  }
  return out;
});

/** One DICOM / PNG / JPEG file outside the dataset, through the import pipeline at the model's input size. */
export const inferFile = readingSession(async (name: string, bytes: Uint8Array, method: CamMethod = 'cam', classIndex?: number): Promise<Explanation> => {
  const { model, dataset } = session();
  const { pixels } = await renderToModelSize(bytes, name, model.config.inputSize, 'stretch');
  const [e] = await explainPixels(model, dataset.mean, dataset.std, [pixels], method, classIndex);
  return { ...e, imageId: name };
});

export interface PointingGameReport extends PointingGameResult {
  /** the splits whose positive images were scored, e.g. "val+test" */
  split: string;
  /** a peak this close (Chebyshev, px) to the lesion still hits: 15 px at 224 px, scaled */
  tolerancePx: number;
  method: CamMethod;
}

/**
 * Demo datasets only: share of the splits' positive images (held out from training) whose map for the positive class peaks inside
 * the planted lesion (mask stored with the pixels), within the standard tolerance. null for other datasets.
 */
export const demoPointingGame = readingSession(async (splits: Split[] = ['val', 'test'], method: CamMethod = 'cam'): Promise<PointingGameReport | null> => {
  const { model, dataset } = session();
  if (dataset.record.source !== 'demo') return null;
  const positives = dataset.metas.filter((m) => splits.includes(m.split) && m.label === 1).map((m) => m.id);
  const db = await openStudioDb();
  const items: Array<{ heat: Float32Array; mask: Uint8Array }> = [];
  for (let start = 0; start < positives.length; start += BATCH) {
    const ids = positives.slice(start, start + BATCH);
    const rows = await Promise.all(ids.map((id) => db.get('pixels', id)));
    if (rows.some((r) => !r)) throw new StudioError('storage-failed', 'Stored pixels of a demo image are missing; generate the demo again.');
    const explained = await explainPixels(model, dataset.mean, dataset.std, rows.map((r) => r!.pixels), method, 1);
    explained.forEach((e, i) => items.push({ heat: e.heat, mask: rows[i]!.lesionMask ?? new Uint8Array(e.size * e.size) }));
  }
  const tolerancePx = standardTolerancePx(model.config.inputSize);
  return { ...pointingGame(items, model.config.inputSize, tolerancePx), split: splits.join('+'), method, tolerancePx };
});

/** CAM overlays of stored images as a zip of PNGs (built here, so the page stays responsive). */
export const camZipFor = readingSession(async (imageIds: string[], method: CamMethod, opacity: number): Promise<Uint8Array> => {
  const { dataset } = session();
  const explained = await explainImages(imageIds, method);
  const pathOf = (id: string) => dataset.metas.find((m) => m.id === id)?.sourcePath ?? [...externals.values()].flatMap((e) => e.metas).find((m) => m.id === id)?.sourcePath ?? id;
  return camZip(
    explained.map((e) => ({ name: `${pathOf(e.imageId)}.${method}`, size: e.size, pixels: e.pixels, heat: e.heat })),
    opacity,
  );
});

export interface EvalContext {
  datasetId: string;
  name: string;
  source: 'demo' | 'folder';
  classes: string[];
  mean: number;
  std: number;
  fingerprint: string;
  inputSize: number;
  widthMultiplier: number;
  /** labelled images per split */
  counts: Record<string, number>;
}

/** What the report needs about the session's model and training dataset. */
export function evalContext(): EvalContext {
  const { model, dataset } = session();
  const counts: Record<string, number> = {};
  for (const m of dataset.metas) if (m.label >= 0) counts[m.split] = (counts[m.split] ?? 0) + 1;
  return {
    datasetId: dataset.record.id,
    name: dataset.record.name,
    source: dataset.record.source,
    classes: dataset.record.classes,
    mean: dataset.mean,
    std: dataset.std,
    fingerprint: datasetFingerprint(dataset.metas),
    inputSize: model.config.inputSize,
    widthMultiplier: model.config.widthMultiplier,
    counts,
  };
}

/** Teacher mode's fixed images: validation images alternating over the classes (first by path), `count` in all. */
export function teacherImages(count: number): string[] {
  const { dataset } = session();
  const val = dataset.metas.filter((m) => m.split === 'val' && m.label >= 0);
  const byClass = dataset.record.classes.map((_, k) => val.filter((m) => m.label === k));
  const picked: string[] = [];
  for (let round = 0; picked.length < Math.min(count, val.length); round++) {
    for (const group of byClass) if (group[round] && picked.length < count) picked.push(group[round].id);
  }
  return picked;
}
