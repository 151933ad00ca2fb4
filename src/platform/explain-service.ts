/**
 * Evaluation and explanation in the training worker, on the session's model (a TrainingSession, handed in
 * by training-service.ts): logits of a split or an external test set, CAM / Grad-CAM / Grad-CAM++,
 * single-image inference, the demo pointing game.
 *
 * Safe while train() runs: a call interleaves at one of train()'s await points; everything here runs the
 * model in eval mode (BN uses its running stats and updates nothing, no variable is assigned) and frees
 * every tensor it makes before it returns.
 */
import { predictLogits } from '../lib/train/evaluate';
import { renderToModelSize } from '../lib/image';
import { camZip, datasetFingerprint, explainPixels, type CamLayer, type CamMethod, type Explanation, pointingGame, standardTolerancePx, type PointingGameResult, type ScoredImage } from '../lib/eval';
import { loadByOwner, metaById, OpenedSets } from '../lib/eval/opened-sets';
import type { Split } from '../lib/dataset/splits';
import { StudioError } from '../lib/errors';
import type { ImageRecord } from './db';
import { session as trainingSession } from './training-service';
import type { TrainingSession } from './training-session';
import { readingSession } from './session-guard';
import { datasetVersion, notImportedError, openStoredDataset, readDatasetRecord, readPixelRecords, type StoredDataset } from './dataset-source';
import { transfer } from 'comlink';
import { pooledFeatures } from '../lib/model/features';
import { sampleInOrder, thumbnail, THUMBNAIL_SIDE, type LatentImage } from '../lib/latent';
import { mulberry32 } from '../lib/random';

export type { CamLayer, CamMethod, Explanation } from '../lib/eval';

/** Which images to score: a split of the training dataset, or every labelled image of an external test set. */
export type EvalSource = { split: Split } | { externalDatasetId: string };

export interface PointingGameReport extends PointingGameResult {
  /** the splits whose positive images were scored, e.g. "val+test" */
  split: string;
  /** a peak this close (Chebyshev, px) to the lesion still hits: 15 px at 224 px, scaled */
  tolerancePx: number;
  method: CamMethod;
  layer: CamLayer;
}

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

const BATCH = 32;

/** Class names match across datasets regardless of case ("NORMAL" folders vs "normal" CSV labels). */
function trainingClassIndex(trainingClasses: string[], name: string): number {
  return trainingClasses.findIndex((c) => c.toLowerCase() === name.toLowerCase());
}

type SessionView = Pick<TrainingSession, 'model' | 'dataset'>;

class ExplainService {
  /** Opened external test sets (their pixels stay in IndexedDB); reopened once deleted or imported again. */
  private readonly externals = new OpenedSets<ImageRecord, StoredDataset>();

  /** `session` is asked at every call: a new run or a loaded model replaces it. */
  constructor(private readonly session: () => SessionView) {}

  private async externalSet(datasetId: string): Promise<StoredDataset> {
    const { model, dataset } = this.session();
    const record = await readDatasetRecord(datasetId);
    if (!record) {
      this.externals.forget(datasetId);
      throw notImportedError();
    }
    const ext = await this.externals.get(datasetId, datasetVersion(record), () => openStoredDataset(datasetId, record));
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

  /**
   * Eval-mode logits of every labelled image of the source. An external set is normalised with the TRAINING
   * dataset's mean/std and its labels are mapped onto the training classes by name.
   */
  async predictSet(source: EvalSource): Promise<ScoredImage[]> {
    const { model, dataset } = this.session();
    const ext = 'externalDatasetId' in source ? await this.externalSet(source.externalDatasetId) : undefined;
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
  }

  /**
   * Penultimate features, logits and a small thumbnail of the source's labelled images (at most `limit`, a seeded
   * sample), for the latent map; `onProgress(done, total)` after each batch.
   */
  async latentFeatures(source: EvalSource, limit = Infinity, onProgress?: (done: number, total: number) => void): Promise<LatentImage[]> {
    const { model, dataset } = this.session();
    const ext = 'externalDatasetId' in source ? await this.externalSet(source.externalDatasetId) : undefined;
    const from = ext ?? dataset;
    const labelled = from.metas.filter((m) => m.label >= 0 && (ext || m.split === (source as { split: Split }).split));
    const metas = sampleInOrder(labelled, limit, mulberry32(0));
    const size = model.config.inputSize;
    const out: LatentImage[] = [];
    for (let start = 0; start < metas.length; start += BATCH) {
      const part = metas.slice(start, start + BATCH);
      const images = await from.load(part.map((m) => m.id));
      const { features, logits } = await pooledFeatures(model, images, dataset.mean, dataset.std);
      part.forEach((m, i) =>
        out.push({
          id: m.id,
          sourcePath: m.sourcePath,
          split: ext ? 'external' : m.split,
          label: ext ? trainingClassIndex(dataset.record.classes, ext.record.classes[m.label]) : m.label,
          logits: Array.from(logits[i]),
          features: features[i],
          thumbnail: thumbnail(images[i], size),
          thumbnailSize: Math.min(THUMBNAIL_SIDE, size),
          tags: m.tags,
        }),
      );
      onProgress?.(out.length, metas.length);
    }
    return transfer(out, out.flatMap((p) => [p.features.buffer as ArrayBuffer, p.thumbnail.buffer as ArrayBuffer]));
  }

  private datasetOf(imageId: string): StoredDataset {
    const { dataset } = this.session();
    if (metaById(dataset.metas).has(imageId)) return dataset;
    const ext = this.externals.find(imageId);
    if (ext) return ext.set;
    throw new StudioError('internal', `Image ${imageId} belongs to no dataset of this session.`);
  }

  /** Explanations of stored images (training dataset or an opened external set), in the order asked. */
  async explainImages(imageIds: string[], method: CamMethod, classIndex?: number, layer: CamLayer = 4): Promise<Explanation[]> {
    const { model, dataset } = this.session();
    const out: Explanation[] = [];
    for (let start = 0; start < imageIds.length; start += BATCH) {
      const ids = imageIds.slice(start, start + BATCH);
      const images = await loadByOwner(ids, (id) => this.datasetOf(id), (set, part) => set.load(part));
      const explained = await explainPixels(model, dataset.mean, dataset.std, images, method, classIndex, layer);
      explained.forEach((e, i) => out.push({ ...e, imageId: ids[i] }));
    }
    return out;
  }

  /** One DICOM / PNG / JPEG file outside the dataset, through the import pipeline at the model's input size. */
  async inferFile(name: string, bytes: Uint8Array, method: CamMethod, classIndex?: number, layer: CamLayer = 4): Promise<Explanation> {
    const { model, dataset } = this.session();
    const { pixels } = await renderToModelSize(bytes, name, model.config.inputSize, 'stretch');
    const [e] = await explainPixels(model, dataset.mean, dataset.std, [pixels], method, classIndex, layer);
    return { ...e, imageId: name };
  }

  /**
   * Demo datasets only: share of the splits' positive images (held out from training) whose map for the positive class peaks inside
   * the planted lesion (mask stored with the pixels), within the standard tolerance. null for other datasets.
   */
  async demoPointingGame(splits: Split[], method: CamMethod, layer: CamLayer): Promise<PointingGameReport | null> {
    const { model, dataset } = this.session();
    if (dataset.record.source !== 'demo') return null;
    const positives = dataset.metas.filter((m) => splits.includes(m.split) && m.label === 1).map((m) => m.id);
    const items: Array<{ heat: Float32Array; mask: Uint8Array }> = [];
    for (let start = 0; start < positives.length; start += BATCH) {
      const rows = await readPixelRecords(positives.slice(start, start + BATCH));
      if (rows.some((r) => !r)) throw new StudioError('storage-failed', 'Stored pixels of a demo image are missing; generate the demo again.');
      const explained = await explainPixels(model, dataset.mean, dataset.std, rows.map((r) => r!.pixels), method, 1, layer);
      explained.forEach((e, i) => items.push({ heat: e.heat, mask: rows[i]!.lesionMask ?? new Uint8Array(e.size * e.size) }));
    }
    const tolerancePx = standardTolerancePx(model.config.inputSize);
    return { ...pointingGame(items, model.config.inputSize, tolerancePx), split: splits.join('+'), method, layer, tolerancePx };
  }

  /** CAM overlays of stored images as a zip of PNGs (built here, so the page stays responsive). */
  async camZipFor(imageIds: string[], method: CamMethod, opacity: number, layer: CamLayer = 4): Promise<Uint8Array> {
    const { dataset } = this.session();
    const explained = await this.explainImages(imageIds, method, undefined, layer);
    const pathOf = (id: string) => metaById(dataset.metas).get(id)?.sourcePath ?? this.externals.find(id)?.meta.sourcePath ?? id;
    const zip = camZip(
      explained.map((e) => ({ name: `${pathOf(e.imageId)}.${method}.layer${layer}`, size: e.size, pixels: e.pixels, heat: e.heat })),
      opacity,
    );
    return transfer(zip, [zip.buffer as ArrayBuffer]);
  }

  /** What the report needs about the session's model and training dataset. */
  evalContext(): EvalContext {
    const { model, dataset } = this.session();
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
  teacherImages(count: number): string[] {
    const { dataset } = this.session();
    const val = dataset.metas.filter((m) => m.split === 'val' && m.label >= 0);
    const byClass = dataset.record.classes.map((_, k) => val.filter((m) => m.label === k));
    const picked: string[] = [];
    for (let round = 0; picked.length < Math.min(count, val.length); round++) {
      for (const group of byClass) if (group[round] && picked.length < count) picked.push(group[round].id);
    }
    return picked;
  }

  forgetDataset(datasetId: string): void {
    this.externals.forget(datasetId);
  }
}

const service = new ExplainService(trainingSession);

export const predictSet = readingSession((source: EvalSource) => service.predictSet(source));

export const latentFeatures = readingSession((source: EvalSource, limit?: number, onProgress?: (done: number, total: number) => void) =>
  service.latentFeatures(source, limit, onProgress),
);

/** `layer`: the ResNet stage the maps are read from (3 or 4); plain CAM exists on layer 4 only. */
export const explainImages = readingSession((imageIds: string[], method: CamMethod = 'cam', classIndex?: number, layer: CamLayer = 4) =>
  service.explainImages(imageIds, method, classIndex, layer),
);

export const inferFile = readingSession((name: string, bytes: Uint8Array, method: CamMethod = 'cam', classIndex?: number, layer: CamLayer = 4) =>
  service.inferFile(name, bytes, method, classIndex, layer),
);

export const demoPointingGame = readingSession((splits: Split[] = ['val', 'test'], method: CamMethod = 'cam', layer: CamLayer = 4) => service.demoPointingGame(splits, method, layer));

export const camZipFor = readingSession((imageIds: string[], method: CamMethod, opacity: number, layer: CamLayer = 4) => service.camZipFor(imageIds, method, opacity, layer));

export function evalContext(): EvalContext {
  return service.evalContext();
}

export function teacherImages(count: number): string[] {
  return service.teacherImages(count);
}

/**
 * Forget an opened external test set after deleting or re-importing it. Optional: a changed or deleted set is
 * also noticed at its next use (its record is read each time).
 */
export function forgetDataset(datasetId: string): void {
  service.forgetDataset(datasetId);
}
