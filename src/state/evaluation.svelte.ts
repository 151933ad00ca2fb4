/**
 * Evaluation and explanation as the page sees them: logits per set come from the training worker once;
 * metrics, curves and galleries are recomputed here on every threshold move (cheap). Follows training
 * through its events: a run that starts clears what is shown, each epoch refreshes the teacher CAMs, a
 * model that is ready is scored.
 */
import type { CamLayer, CamMethod, EvalContext, EvalSource, Explanation, PointingGameReport } from '../platform/explain-service';
import { CAM_LAYERS, camLayerProblem, camSide, defaultCamLayer, methodsFor } from '../lib/cam/layers';
import { StudioError } from '../lib/errors';
import { metricsDocument, metricsJson, mistakes, predictionRows, predictionsCsv, setMetrics, type GalleryKind, type MetricsDocument, type ScoredImage, type SetMetrics } from '../lib/eval';
import { brierScore, expectedCalibrationError, fitTemperature, scaledProbabilities, sigmoid, thresholdForSensitivity, thresholdForSpecificity, youdenThreshold } from '../lib/metrics';
import { CALIBRATION_BINS, scaleLogits, setTrust, type SetTrust } from '../lib/eval/trust';
import { modelCardJson, modelCardMarkdown, type ModelCardInput } from '../lib/eval/model-card';
import type { ExplanationChecksReport } from '../lib/eval/explanation-checks-model';
import type { EpochRecord } from '../lib/train/trainer';
import { version as studioVersion } from '../../package.json';
import type { SaveFile, TrainedModel, TrainingEvents, TrainingWorker } from './deps';
import type { ErrorState } from './errors.svelte';
import { Emitter } from './events';

/** 'val' | 'test' | `external:${datasetId}` */
export type SetKey = string;

const GALLERY_SIZE = 8;
const TEACHER_SIZE = 4;
/** a dragged threshold asks for new intervals once it rests this long */
const TRUST_DELAY_MS = 250;

export const DEFAULT_INTENDED_USE =
  'Teaching and research: to show how a chest X-ray classifier is trained, evaluated and explained. Not a medical device; not for diagnosis or triage of patients.';
export const DEFAULT_LIMITATIONS =
  'Trained and evaluated on one small dataset: performance on other hospitals, scanners, populations or image preparation is unknown. The intervals cover sampling of these patients only, not such shifts. Heat maps show where the model looks, not why.';

/** In-thread intervals (tests, or a page without workers): the same functions the metrics worker runs. */
const inThreadMetrics: TrustComputer = { setTrust: async (...args) => setTrust(...args) };

/** what EvaluationState asks of the metrics worker (MetricsWorker has it) */
export interface TrustComputer {
  setTrust(images: ScoredImage[], threshold: number, temperature?: number): Promise<SetTrust | null>;
}

export interface EvaluationDeps {
  worker: TrainingWorker;
  errors: ErrorState;
  save: SaveFile;
  trainingEvents: Pick<Emitter<TrainingEvents>, 'on'>;
  /** bootstrap intervals and calibration off the page's thread (default: in this thread) */
  metrics?: TrustComputer;
  now?: () => Date;
}

export interface EvaluationEvents extends Record<string, unknown> {
  /** a run's model was scored: its sets by key (stored on the run's record for the run comparison) */
  scored: { runId: string; sets: Record<SetKey, ScoredImage[]> };
}

function sourceOf(key: SetKey): EvalSource {
  return key.startsWith('external:') ? { externalDatasetId: key.slice('external:'.length) } : { split: key as 'val' | 'test' };
}

export class EvaluationState {
  readonly events = new Emitter<EvaluationEvents>();
  context = $state<EvalContext | null>(null);
  /** the run (and its configuration) the evaluated model comes from */
  model = $state<TrainedModel | null>(null);
  sets = $state<Record<SetKey, ScoredImage[]>>({});
  setKey = $state<SetKey>('val');
  threshold = $state(0.5);
  targetSensitivity = $state(0.9);
  targetSpecificity = $state(0.9);
  /** binary sets: probabilities are σ(logit / temperature); 1 = as the model says */
  temperature = $state(1);
  /** the temperature fitted on the validation split (null: not calibrated) */
  fittedTemperature = $state<number | null>(null);
  /** the latest intervals and calibration the metrics worker answered, and what they are of */
  private trustAnswer = $state<{ key: string; trust: SetTrust | null } | null>(null);
  /** explanation sanity checks of the current model (null: not run) */
  checks = $state<ExplanationChecksReport | null>(null);
  checking = $state(false);
  /** the model card's editable texts */
  intendedUse = $state(DEFAULT_INTENDED_USE);
  limitations = $state(DEFAULT_LIMITATIONS);
  writingCard = $state(false);
  private trustTimer: ReturnType<typeof setTimeout> | null = null;
  private trustAsked = 0;
  /** answers by set, threshold and temperature (metrics.json and the model card reuse them) */
  private trustCache = new Map<string, SetTrust | null>();
  method = $state<CamMethod>('cam');
  /** the ResNet stage the maps are read from: layer 4 when its map is at least 4×4 at the model's size, else layer 3 */
  layer = $state<CamLayer>(4);
  /** the model's input side, px, once known (the context after training; asked for by teacher mode during it) */
  inputSize = $state<number | null>(null);
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

  /** the shown set with the temperature applied (what every probability and threshold metric uses) */
  readonly scaled = $derived<ScoredImage[]>(scaleLogits(this.images, this.temperature));

  /** computed once per set, threshold or temperature change, however many panels read it (curves included) */
  readonly metrics = $derived<SetMetrics | null>(setMetrics(this.scaled, this.threshold));

  private get metricsWorker(): TrustComputer {
    return this.deps.metrics ?? inThreadMetrics;
  }

  private trustKey(setKey: SetKey): string {
    return `${this.generation}|${setKey}|${this.threshold}|${this.temperature}`;
  }

  /** intervals, ROC band and calibration of the shown set at this threshold and temperature (null while computed) */
  get trust(): SetTrust | null {
    return this.trustAnswer?.key === this.trustKey(this.setKey) ? this.trustAnswer.trust : null;
  }

  /** the shown set's intervals are being computed */
  get trustPending(): boolean {
    return this.images.length > 0 && this.trustAnswer?.key !== this.trustKey(this.setKey);
  }

  /** ECE and Brier of the shown set as the model says (before) and with the temperature (after; null at T = 1) */
  readonly calibration = $derived.by((): { before: { ece: number; brier: number }; after: { ece: number; brier: number } | null } | null => {
    const images = this.images;
    if (images.length === 0 || images[0].logits.length !== 1) return null;
    const labels = images.map((p) => p.label);
    const at = (t: number) => {
      const p = scaledProbabilities(images.map((i) => i.logits[0]), t);
      return { ece: expectedCalibrationError(labels, p, CALIBRATION_BINS), brier: brierScore(labels, p) };
    };
    return { before: at(1), after: this.temperature === 1 ? null : at(this.temperature) };
  });

  /** The trust of a set at the current threshold and temperature, from the cache or the metrics worker. */
  private async trustOf(setKey: SetKey): Promise<SetTrust | null> {
    const key = this.trustKey(setKey);
    if (this.trustCache.has(key)) return this.trustCache.get(key)!;
    const images = $state.snapshot(this.sets[setKey] ?? []) as ScoredImage[];
    const trust = await this.metricsWorker.setTrust(images, this.threshold, this.temperature);
    this.trustCache.set(key, trust);
    return trust;
  }

  /** Intervals of the shown set now; an answer overtaken by a later question is not shown. */
  async refreshTrust(): Promise<void> {
    if (this.trustTimer) clearTimeout(this.trustTimer);
    this.trustTimer = null;
    if (this.images.length === 0) return;
    const ask = ++this.trustAsked;
    const key = this.trustKey(this.setKey);
    try {
      const trust = await this.trustOf(this.setKey);
      if (ask === this.trustAsked) this.trustAnswer = { key, trust };
    } catch (e) {
      if (ask === this.trustAsked) this.report(e);
    }
  }

  /** A burst of changes (a dragged slider) asks for intervals once. */
  private scheduleTrust(): void {
    if (this.trustTimer) clearTimeout(this.trustTimer);
    this.trustTimer = setTimeout(() => void this.refreshTrust(), TRUST_DELAY_MS);
  }

  /** Binary: false positives and false negatives, worst first; multi-class: misclassified images. */
  get galleries(): Array<{ kind: GalleryKind; images: ReturnType<typeof mistakes> }> {
    const kinds: GalleryKind[] = this.context && this.context.classes.length > 2 ? ['misclassified'] : ['false-positives', 'false-negatives'];
    return kinds.map((kind) => ({ kind, images: mistakes(this.scaled, this.threshold, kind).slice(0, GALLERY_SIZE) }));
  }

  /** why the chosen layer's map is not drawn at this model's size (and what to do); null when it is */
  get camProblem(): string | null {
    return this.inputSize === null ? null : camLayerProblem(this.inputSize, this.layer);
  }

  /** the layers on offer with the side of their map at this model's size (null: size not known yet) */
  get layerOptions(): Array<{ layer: CamLayer; side: number | null }> {
    return CAM_LAYERS.map((layer) => ({ layer, side: this.inputSize === null ? null : camSide(this.inputSize, layer) }));
  }

  /** the methods the chosen layer has (plain CAM: layer 4 only) */
  get methods(): CamMethod[] {
    return methodsFor(this.layer);
  }

  /** A model of this input size is explained from now on: its default layer, and a method that layer has. */
  private useInputSize(size: number): void {
    this.inputSize = size;
    this.layer = defaultCamLayer(size);
    this.keepMethodOnLayer();
  }

  /** the method the person chose: a layer without it (plain CAM on layer 3) explains with Grad-CAM until one has it again */
  private chosenMethod: CamMethod = 'cam';

  private keepMethodOnLayer(): void {
    const available = methodsFor(this.layer);
    if (available.includes(this.chosenMethod)) this.method = this.chosenMethod;
    else if (!available.includes(this.method)) this.method = 'gradcam';
  }

  /** Explain every map shown with `method` from now on. */
  async chooseMethod(method: CamMethod): Promise<void> {
    this.method = method;
    this.chosenMethod = method;
    await this.refreshExplanations();
  }

  /** Another layer for every map shown (CAM on layer 3 becomes Grad-CAM: plain CAM needs layer 4's fc weights). */
  async setLayer(layer: CamLayer): Promise<void> {
    this.layer = layer;
    this.keepMethodOnLayer();
    await this.refreshExplanations();
  }

  private get classArg(): number | undefined {
    return this.camClass < 0 ? undefined : this.camClass;
  }

  private report(e: unknown): void {
    this.deps.errors.report('evaluation', e);
  }

  /** bumped when the model shown goes away: a sequence started before (afterTraining) sees it changed and stops */
  private generation = 0;

  reset(): void {
    this.forgetModel();
    this.context = null;
    this.inputSize = null;
    this.teacherIds = [];
    this.teacher = [];
    this.teacherEpoch = 0;
  }

  /**
   * What belongs to the model shown (its scores, maps, intervals, calibration, checks) goes; teacher mode's maps of
   * the run stay. A run's start does it through reset(); a model loaded or reopened without one, here.
   */
  private forgetModel(): void {
    this.generation++;
    this.model = null;
    this.sets = {};
    this.setKey = 'val';
    this.cam = null;
    this.camImageId = null;
    this.gallery = {};
    this.inference = null;
    this.pointing = null;
    this.temperature = 1;
    this.fittedTemperature = null;
    this.checks = null;
    this.trustAnswer = null;
    this.trustCache.clear();
    if (this.trustTimer) clearTimeout(this.trustTimer);
    this.trustTimer = null;
  }

  /** After training (or loading a model): score val and test, show a CAM, play the demo pointing game. */
  async afterTraining(model: TrainedModel): Promise<void> {
    this.forgetModel();
    // a new run resets the evaluation meanwhile: then this sequence belongs to a model that is gone; stop
    const generation = this.generation;
    const stale = () => generation !== this.generation;
    const { worker } = this.deps;
    try {
      const context = await worker.evalContext();
      if (stale()) return;
      this.context = context;
      this.useInputSize(context.inputSize);
      this.model = model;
      const scored: Record<string, ScoredImage[]> = {};
      for (const key of ['val', 'test']) {
        scored[key] = await worker.predictSet(sourceOf(key));
        if (stale()) return;
      }
      Object.assign(this.sets, scored);
      if (model.runId) void this.events.emit('scored', { runId: model.runId, sets: scored }).catch((e) => this.report(e));
      if (scored.val.length === 0 && scored.test.length > 0) this.setKey = 'test';
      void this.refreshTrust();
      if (this.images.length > 0) await this.showCam(this.images[0].id);
      if (stale()) return;
      await this.refreshGallery();
      if (stale()) return;
      // a map under 4×4 has one peak region: no pointing game on it
      const pointing = this.camProblem ? null : await worker.demoPointingGame(['val', 'test'], this.method, this.layer);
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
      this.scheduleTrust();
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
    this.scheduleTrust();
    await this.refreshGallery();
  }

  private positiveScores(): { labels: number[]; scores: number[] } {
    return { labels: this.images.map((p) => p.label), scores: this.scaled.map((p) => sigmoid(p.logits[0])) };
  }

  /** the lowest threshold that keeps `targetSpecificity` (above every score when none does: nothing flagged) */
  presetSpecificity(): Promise<void> {
    const { labels, scores } = this.positiveScores();
    const t = thresholdForSpecificity(labels, scores, this.targetSpecificity);
    return this.setThreshold(t === Infinity ? 1 : t);
  }

  /**
   * Temperature scaling: the T minimising the validation split's log loss of σ(logit / T), applied to every set
   * (probabilities, threshold metrics, intervals; the ranking and so the AUC stay).
   */
  async calibrate(): Promise<void> {
    try {
      const val = this.sets.val ?? [];
      if (val.length === 0 || val[0].logits.length !== 1 || new Set(val.map((p) => p.label)).size < 2) {
        throw new StudioError('bad-config', 'Temperature scaling needs a binary model and a validation split with both classes.');
      }
      const t = fitTemperature(
        val.map((p) => p.logits[0]),
        val.map((p) => p.label),
      );
      this.fittedTemperature = t;
      await this.setTemperature(t);
    } catch (e) {
      this.report(e);
    }
  }

  /** Use `t` (1: the model's own probabilities). */
  async setTemperature(t: number): Promise<void> {
    if (!(t > 0) || !Number.isFinite(t)) return;
    this.temperature = t;
    this.scheduleTrust();
    await this.refreshGallery();
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

  /** what the maps shown are of; an answer to an older question (method, class or layer changed since) is dropped */
  private get explainKey(): string {
    return `${this.method}:${this.camClass}:${this.layer}`;
  }

  async showCam(imageId: string): Promise<void> {
    try {
      this.camImageId = imageId;
      const key = this.explainKey;
      const [e] = await this.deps.worker.explainImages([imageId], this.method, this.classArg, this.layer);
      if (this.camImageId === imageId && key === this.explainKey) this.cam = e;
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
      const key = this.explainKey;
      const explained = await this.deps.worker.explainImages(wanted, this.method, this.classArg, this.layer);
      if (key === this.explainKey) for (const e of explained) this.gallery[e.imageId] = e;
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
      if (this.inputSize === null) this.useInputSize((await worker.evalContext()).inputSize);
      if (this.teacherIds.length === 0) this.teacherIds = await worker.teacherImages(TEACHER_SIZE);
      // a refresh asked for meanwhile (another layer, say) was skipped as doubled: do it here
      let key: string;
      do {
        key = this.explainKey;
        this.teacher = await worker.explainImages($state.snapshot(this.teacherIds), this.method, this.classArg, this.layer);
      } while (key !== this.explainKey);
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
      this.inference = await this.deps.worker.inferFile(file.name, new Uint8Array(await file.arrayBuffer()), this.method, this.classArg, this.layer);
    } catch (e) {
      this.report(e);
    } finally {
      this.busy = false;
    }
  }

  /** metrics.json as of now: every evaluated set at the current threshold (intervals: those computed so far) */
  metricsDocument(trust: Record<string, SetTrust | null> = this.knownTrust()): MetricsDocument {
    return metricsDocument({
      generatedAt: (this.deps.now?.() ?? new Date()).toISOString(),
      runId: this.model?.runId ?? null,
      model: this.context,
      config: this.model ? $state.snapshot(this.model.config) : null,
      threshold: this.threshold,
      sets: this.sets, // only read: no deep copy of every set's logits
      pointing: this.pointing,
      temperature: this.temperature,
      trust,
    });
  }

  private knownTrust(): Record<string, SetTrust | null> {
    return Object.fromEntries(Object.keys(this.sets).flatMap((k) => (this.trustCache.has(this.trustKey(k)) ? [[k, this.trustCache.get(this.trustKey(k))!]] : [])));
  }

  /** every evaluated set's intervals at the current threshold and temperature */
  private async allTrust(): Promise<Record<string, SetTrust | null>> {
    const out: Record<string, SetTrust | null> = {};
    for (const key of Object.keys(this.sets)) out[key] = await this.trustOf(key);
    return out;
  }

  /** metrics.json with the intervals of every set (computed first where missing) */
  async downloadMetrics(): Promise<void> {
    try {
      const doc = this.metricsDocument(await this.allTrust());
      this.deps.save(new Blob([metricsJson(doc)], { type: 'application/json' }), 'metrics.json');
    } catch (e) {
      this.report(e);
    }
  }

  /** Deletion / insertion curves and the randomisation test of every method of the chosen layer (training worker). */
  async runExplanationChecks(): Promise<void> {
    const generation = this.generation;
    this.checking = true;
    try {
      const split = this.setKey === 'test' ? 'test' : 'val';
      const report = await this.deps.worker.explanationChecks(split, [...this.methods], this.layer);
      if (generation === this.generation) this.checks = report;
    } catch (e) {
      this.report(e);
    } finally {
      this.checking = false;
    }
  }

  /** What the model card says, from the evaluation, the session's dataset and `history`. */
  async modelCard(history: EpochRecord[]): Promise<ModelCardInput> {
    const { context, model } = this;
    if (!context || !model) throw new StudioError('bad-config', 'Train or load a model first: the card describes one.');
    const facts = await this.deps.worker.modelCardFacts();
    const trust = await this.allTrust();
    const config = Object.fromEntries(Object.entries($state.snapshot(model.config) as Record<string, unknown>).map(([k, v]) => [k, k === 'imageSize' ? context.inputSize : v]));
    const anyTrust = Object.values(trust).find((t) => t);
    return {
      generatedAt: (this.deps.now?.() ?? new Date()).toISOString(),
      versions: { studio: studioVersion, tfjs: facts.tfjs, backend: facts.backend },
      model: { architecture: 'ResNet-18', widthMultiplier: context.widthMultiplier, inputSize: context.inputSize, classes: context.classes, runId: model.runId, trainedWhere: 'in the browser with cxr-studio' },
      dataset: {
        name: context.name,
        source: context.source === 'demo' ? 'synthetic chest-like images generated by the studio (demo)' : `the folder "${context.name}"`,
        counts: facts.counts,
        mean: context.mean,
        std: context.std,
        preprocessing: `decoded to grey, resized to ${context.inputSize} × ${context.inputSize} px, scaled to [0, 1] and z-scored with the training split's mean and std`,
        auditFindings: [],
      },
      config,
      history: history.map((h) => ({ epoch: h.epoch, trainLoss: h.trainLoss, valLoss: h.valLoss, valAuc: h.valAuc })),
      sets: Object.fromEntries(
        Object.entries(this.sets).map(([k, images]) => {
          const t = trust[k];
          return [k, { images: images.length, intervals: t?.intervals ?? null, calibration: t ? { ece: t.calibration.ece, brier: t.calibration.brier, temperature: t.calibration.temperature } : null }];
        }),
      ),
      threshold: this.threshold,
      bootstrap: anyTrust ? { draws: anyTrust.bootstrap.draws, level: anyTrust.bootstrap.level } : null,
      explanationChecks: this.checks ? this.checks.methods.map((m) => ({ method: `${m.method} on layer ${this.checks!.layer}`, verdicts: m.verdicts })) : [],
      intendedUse: this.intendedUse,
      limitations: this.limitations,
    };
  }

  /** model-card.md and model-card.json */
  async downloadModelCard(history: EpochRecord[]): Promise<void> {
    this.writingCard = true;
    try {
      const card = await this.modelCard(history);
      this.deps.save(new Blob([modelCardMarkdown(card)], { type: 'text/markdown' }), 'model-card.md');
      this.deps.save(new Blob([modelCardJson(card)], { type: 'application/json' }), 'model-card.json');
    } catch (e) {
      this.report(e);
    } finally {
      this.writingCard = false;
    }
  }

  downloadPredictions(): void {
    const rows = predictionRows(this.sets, this.context?.classes ?? [], this.threshold);
    this.deps.save(new Blob([predictionsCsv(rows)], { type: 'text/csv' }), 'predictions.csv');
  }

  /** CAM PNGs of the shown set, rendered in the worker, as one zip */
  async downloadCamZip(): Promise<void> {
    this.zipping = true;
    try {
      if (this.camProblem) throw new StudioError('bad-config', this.camProblem);
      const zip = await this.deps.worker.camZipFor(this.images.map((p) => p.id), this.method, this.opacity, this.layer);
      this.deps.save(new Blob([zip as BlobPart], { type: 'application/zip' }), `cams-${this.setKey.replace(/[^a-z0-9]+/gi, '_')}.zip`);
    } catch (e) {
      this.report(e);
    } finally {
      this.zipping = false;
    }
  }
}
