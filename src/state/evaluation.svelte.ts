/**
 * Evaluation and explanation as the page sees them: logits per set come from the training worker once;
 * metrics, curves and galleries are recomputed here on every threshold move (cheap). Follows training
 * through its events: a run that starts clears what is shown, each epoch refreshes the teacher CAMs, a
 * model that is ready is scored.
 */
import type { CamMethod, EvalContext, EvalSource, Explanation, PointingGameReport } from '../platform/explain-service';
import { metricsDocument, metricsJson, mistakes, predictionRows, predictionsCsv, setMetrics, type GalleryKind, type MetricsDocument, type ScoredImage, type SetMetrics } from '../lib/eval';
import { sigmoid, thresholdForSensitivity, youdenThreshold } from '../lib/metrics';
import type { SaveFile, TrainedModel, TrainingEvents, TrainingWorker } from './deps';
import type { ErrorState } from './errors.svelte';
import type { Emitter } from './events';

/** 'val' | 'test' | `external:${datasetId}` */
export type SetKey = string;

const GALLERY_SIZE = 8;
const TEACHER_SIZE = 4;

export interface EvaluationDeps {
  worker: TrainingWorker;
  errors: ErrorState;
  save: SaveFile;
  trainingEvents: Pick<Emitter<TrainingEvents>, 'on'>;
  now?: () => Date;
}

function sourceOf(key: SetKey): EvalSource {
  return key.startsWith('external:') ? { externalDatasetId: key.slice('external:'.length) } : { split: key as 'val' | 'test' };
}

export class EvaluationState {
  context = $state<EvalContext | null>(null);
  /** the run (and its configuration) the evaluated model comes from */
  model = $state<TrainedModel | null>(null);
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
  /** the CAM zip is being rendered */
  zipping = $state(false);
  private teacherRefreshing = false;

  constructor(private readonly deps: EvaluationDeps) {
    deps.trainingEvents.on('run-started', () => this.reset());
    deps.trainingEvents.on('epoch', () => this.refreshTeacher());
    deps.trainingEvents.on('model-ready', (model) => this.afterTraining(model));
  }

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

  private report(e: unknown): void {
    this.deps.errors.report('evaluation', e);
  }

  /** bumped by reset(): a sequence started before (afterTraining) sees it changed and stops */
  private generation = 0;

  reset(): void {
    this.generation++;
    this.context = null;
    this.model = null;
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
  async afterTraining(model: TrainedModel): Promise<void> {
    // a new run resets the evaluation meanwhile: then this sequence belongs to a model that is gone; stop
    const generation = this.generation;
    const stale = () => generation !== this.generation;
    const { worker } = this.deps;
    try {
      const context = await worker.evalContext();
      if (stale()) return;
      this.context = context;
      this.model = model;
      const scored: Record<string, ScoredImage[]> = {};
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
      if (stale()) return;
      this.pointing = pointing;
      this.deps.errors.succeeded('evaluation');
    } catch (e) {
      if (!stale()) this.report(e);
    }
  }

  async selectSet(key: SetKey): Promise<void> {
    try {
      this.busy = true;
      this.sets[key] ??= await this.deps.worker.predictSet(sourceOf(key));
      this.setKey = key;
      await this.refreshGallery();
    } catch (e) {
      this.report(e);
    } finally {
      this.busy = false;
    }
  }

  /** Moves the operating point; the galleries show other images then, so their CAMs follow. */
  async setThreshold(t: number): Promise<void> {
    if (!Number.isFinite(t)) return;
    this.threshold = t;
    await this.refreshGallery();
  }

  private positiveScores(): { labels: number[]; scores: number[] } {
    return { labels: this.images.map((p) => p.label), scores: this.images.map((p) => sigmoid(p.logits[0])) };
  }

  /** the threshold that maximises Youden's J (sensitivity + specificity − 1) */
  presetYouden(): Promise<void> {
    const { labels, scores } = this.positiveScores();
    return this.setThreshold(youdenThreshold(labels, scores));
  }

  /** the highest threshold that reaches `targetSensitivity` */
  presetSensitivity(): Promise<void> {
    const { labels, scores } = this.positiveScores();
    return this.setThreshold(thresholdForSensitivity(labels, scores, this.targetSensitivity));
  }

  async showCam(imageId: string): Promise<void> {
    try {
      this.camImageId = imageId;
      const [e] = await this.deps.worker.explainImages([imageId], this.method, this.classArg);
      if (this.camImageId === imageId) this.cam = e;
    } catch (e) {
      this.report(e);
    }
  }

  /** Re-explain what is on screen after the method or class changed. */
  async refreshExplanations(): Promise<void> {
    if (this.camImageId) await this.showCam(this.camImageId);
    this.gallery = {};
    await this.refreshGallery();
    await this.refreshTeacher();
  }

  /** CAMs of the gallery images not explained yet (the threshold changes which images are shown). */
  async refreshGallery(): Promise<void> {
    const wanted = this.galleries.flatMap((g) => g.images.map((p) => p.id)).filter((id) => !this.gallery[id]);
    if (wanted.length === 0) return;
    try {
      const explained = await this.deps.worker.explainImages(wanted, this.method, this.classArg);
      for (const e of explained) this.gallery[e.imageId] = e;
    } catch (e) {
      this.report(e);
    }
  }

  /** Teacher mode's CAMs of its fixed validation images (after every epoch); a refresh in flight is not doubled. */
  async refreshTeacher(): Promise<void> {
    if (!this.teacherEnabled || this.teacherRefreshing) return;
    this.teacherRefreshing = true;
    const { worker } = this.deps;
    try {
      if (this.teacherIds.length === 0) this.teacherIds = await worker.teacherImages(TEACHER_SIZE);
      this.teacher = await worker.explainImages($state.snapshot(this.teacherIds), this.method, this.classArg);
      this.teacherEpoch++;
    } catch (e) {
      this.report(e);
    } finally {
      this.teacherRefreshing = false;
    }
  }

  async infer(file: File): Promise<void> {
    try {
      this.busy = true;
      this.inference = null;
      this.inference = await this.deps.worker.inferFile(file.name, new Uint8Array(await file.arrayBuffer()), this.method, this.classArg);
    } catch (e) {
      this.report(e);
    } finally {
      this.busy = false;
    }
  }

  /** metrics.json as of now: every evaluated set at the current threshold */
  metricsDocument(): MetricsDocument {
    return metricsDocument({
      generatedAt: (this.deps.now?.() ?? new Date()).toISOString(),
      runId: this.model?.runId ?? null,
      model: this.context,
      config: this.model ? $state.snapshot(this.model.config) : null,
      threshold: this.threshold,
      sets: this.sets, // only read: no deep copy of every set's logits
      pointing: this.pointing,
    });
  }

  downloadMetrics(): void {
    this.deps.save(new Blob([metricsJson(this.metricsDocument())], { type: 'application/json' }), 'metrics.json');
  }

  downloadPredictions(): void {
    const rows = predictionRows(this.sets, this.context?.classes ?? [], this.threshold);
    this.deps.save(new Blob([predictionsCsv(rows)], { type: 'text/csv' }), 'predictions.csv');
  }

  /** CAM PNGs of the shown set, rendered in the worker, as one zip */
  async downloadCamZip(): Promise<void> {
    this.zipping = true;
    try {
      const zip = await this.deps.worker.camZipFor(this.images.map((p) => p.id), this.method, this.opacity);
      this.deps.save(new Blob([zip as BlobPart], { type: 'application/zip' }), `cams-${this.setKey.replace(/[^a-z0-9]+/gi, '_')}.zip`);
    } catch (e) {
      this.report(e);
    } finally {
      this.zipping = false;
    }
  }
}
