/**
 * Evaluation and explanation as the page sees them: logits per set come from the training worker once;
 * metrics, curves and galleries are recomputed here on every threshold move (cheap).
 */
import { getTrainingWorker } from '../platform/workers';
import type { CamMethod, EvalContext, EvalSource, Explanation, PointingGameReport } from '../platform/explain-service';
import { mistakes, setMetrics, type GalleryKind, type ScoredImage, type SetMetrics } from '../lib/eval';
import { thresholdForSensitivity, youdenThreshold } from '../lib/metrics';
import { errors } from './errors.svelte';

/** 'val' | 'test' | `external:${datasetId}` */
export type SetKey = string;

const GALLERY_SIZE = 8;
const TEACHER_SIZE = 4;

function sourceOf(key: SetKey): EvalSource {
  return key.startsWith('external:') ? { externalDatasetId: key.slice('external:'.length) } : { split: key as 'val' | 'test' };
}

class EvaluationState {
  context = $state<EvalContext | null>(null);
  sets = $state<Record<SetKey, ScoredImage[]>>({});
  setKey = $state<SetKey>('val');
  threshold = $state(0.5);
  targetSensitivity = $state(0.9);
  method = $state<CamMethod>('cam');
  /** heat-map opacity of every overlay, 0..1 */
  opacity = $state(0.45);
  /** class to explain; -1 = each image's predicted class */
  camClass = $state(-1);
  cam = $state<Explanation | null>(null);
  camImageId = $state<string | null>(null);
  gallery = $state<Record<string, Explanation>>({});
  /** teacher mode: CAMs of a fixed set of validation images refresh after every epoch */
  teacherEnabled = $state(false);
  teacherIds = $state<string[]>([]);
  teacher = $state<Explanation[]>([]);
  teacherEpoch = $state(0);
  inference = $state<Explanation | null>(null);
  pointing = $state<PointingGameReport | null>(null);
  busy = $state(false);
  private teacherRefreshing = false;

  get images(): ScoredImage[] {
    return this.sets[this.setKey] ?? [];
  }

  get metrics(): SetMetrics | null {
    return setMetrics(this.images, this.threshold);
  }

  /** Binary: false positives and false negatives, worst first; multi-class: misclassified images. */
  get galleries(): Array<{ kind: GalleryKind; images: ReturnType<typeof mistakes> }> {
    const kinds: GalleryKind[] = this.context && this.context.classes.length > 2 ? ['misclassified'] : ['false-positives', 'false-negatives'];
    return kinds.map((kind) => ({ kind, images: mistakes(this.images, this.threshold, kind).slice(0, GALLERY_SIZE) }));
  }

  private get classArg(): number | undefined {
    return this.camClass < 0 ? undefined : this.camClass;
  }

  /** bumped by reset(): a sequence started before (afterTraining) sees it changed and stops */
  private generation = 0;

  reset(): void {
    this.generation++;
    this.context = null;
    this.sets = {};
    this.setKey = 'val';
    this.cam = null;
    this.camImageId = null;
    this.gallery = {};
    this.teacherIds = [];
    this.teacher = [];
    this.teacherEpoch = 0;
    this.inference = null;
    this.pointing = null;
  }

  /** After training (or loading a model): score val and test, show a CAM, play the demo pointing game. */
  async afterTraining(): Promise<void> {
    // a new run resets the evaluation meanwhile: then this sequence belongs to a model that is gone; stop
    const generation = this.generation;
    const stale = () => generation !== this.generation;
    try {
      const worker = getTrainingWorker();
      const context = await worker.evalContext();
      if (stale()) return;
      this.context = context;
      const scored: Record<string, Awaited<ReturnType<typeof worker.predictSet>>> = {};
      for (const key of ['val', 'test']) {
        scored[key] = await worker.predictSet(sourceOf(key));
        if (stale()) return;
      }
      Object.assign(this.sets, scored);
      if (scored.val.length === 0 && scored.test.length > 0) this.setKey = 'test';
      if (this.images.length > 0) await this.showCam(this.images[0].id);
      if (stale()) return;
      await this.refreshGallery();
      if (stale()) return;
      const pointing = await worker.demoPointingGame(['val', 'test'], this.method);
      if (!stale()) this.pointing = pointing;
    } catch (e) {
      if (!stale()) errors.report(e);
    }
  }

  async selectSet(key: SetKey): Promise<void> {
    try {
      this.busy = true;
      this.sets[key] ??= await getTrainingWorker().predictSet(sourceOf(key));
      this.setKey = key;
      await this.refreshGallery();
    } catch (e) {
      errors.report(e);
    } finally {
      this.busy = false;
    }
  }

  presetYouden(): void {
    const t = youdenThreshold(this.images.map((p) => p.label), this.images.map((p) => 1 / (1 + Math.exp(-p.logits[0]))));
    if (Number.isFinite(t)) this.threshold = t;
  }

  presetSensitivity(): void {
    const t = thresholdForSensitivity(this.images.map((p) => p.label), this.images.map((p) => 1 / (1 + Math.exp(-p.logits[0]))), this.targetSensitivity);
    if (Number.isFinite(t)) this.threshold = t;
  }

  async showCam(imageId: string): Promise<void> {
    try {
      this.camImageId = imageId;
      const [e] = await getTrainingWorker().explainImages([imageId], this.method, this.classArg);
      if (this.camImageId === imageId) this.cam = e;
    } catch (e) {
      errors.report(e);
    }
  }

  /** Re-explain what is on screen after the method or class changed. */
  async refreshExplanations(): Promise<void> {
    if (this.camImageId) await this.showCam(this.camImageId);
    this.gallery = {};
    await this.refreshGallery();
    await this.onEpoch();
  }

  /** CAMs of the gallery images not explained yet (the threshold changes which images are shown). */
  async refreshGallery(): Promise<void> {
    const wanted = this.galleries.flatMap((g) => g.images.map((p) => p.id)).filter((id) => !this.gallery[id]);
    if (wanted.length === 0) return;
    try {
      const explained = await getTrainingWorker().explainImages(wanted, this.method, this.classArg);
      for (const e of explained) this.gallery[e.imageId] = e;
    } catch (e) {
      errors.report(e);
    }
  }

  /** Called by the training state after every epoch; a refresh still in flight is not doubled. */
  async onEpoch(): Promise<void> {
    if (!this.teacherEnabled || this.teacherRefreshing) return;
    this.teacherRefreshing = true;
    try {
      if (this.teacherIds.length === 0) this.teacherIds = await getTrainingWorker().teacherImages(TEACHER_SIZE);
      this.teacher = await getTrainingWorker().explainImages($state.snapshot(this.teacherIds), this.method, this.classArg);
      this.teacherEpoch++;
    } catch (e) {
      errors.report(e);
    } finally {
      this.teacherRefreshing = false;
    }
  }

  async infer(file: File): Promise<void> {
    try {
      this.busy = true;
      this.inference = null;
      this.inference = await getTrainingWorker().inferFile(file.name, new Uint8Array(await file.arrayBuffer()), this.method, this.classArg);
    } catch (e) {
      errors.report(e);
    } finally {
      this.busy = false;
    }
  }

  async camZip(): Promise<Uint8Array | null> {
    try {
      return await getTrainingWorker().camZipFor(this.images.map((p) => p.id), this.method, this.opacity);
    } catch (e) {
      errors.report(e);
      return null;
    }
  }
}

export const evaluation = new EvaluationState();
