/**
 * The latent map: penultimate features of one set from the training worker, projected to 2-D in the projection
 * worker, points coloured by a category and sized by loss; a box drawn on the map selects images, whose CAMs
 * the training worker draws. The map belongs to the model shown: a new run or model clears it.
 */
import type { CamLayer, CamMethod, EvalContext, EvalSource, Explanation } from '../platform/explain-service';
import type { ScoredImage } from '../lib/eval';
import { StudioError } from '../lib/errors';
import {
  colourOptions,
  colourPoints,
  latentCsv,
  latentPoints,
  stackFeatures,
  type ColourBy,
  type Colouring,
  type LatentImage,
  type LatentPoint,
  type Projection,
  type ProjectionMethod,
} from '../lib/latent';
import type { Callback, SaveFile, TrainingEvents, TrainingWorker } from './deps';
import type { ErrorState } from './errors.svelte';
import type { Emitter } from './events';

/** what the map reads of the evaluation: the model's classes, the sets scored, the operating point, the CAM settings */
export interface EvaluationView {
  context: EvalContext | null;
  sets: Record<string, ScoredImage[]>;
  threshold: number;
  temperature: number;
  method: CamMethod;
  layer: CamLayer;
  camClass: number;
}

/** what the map asks of the projection worker (ProjectionWorker has it) */
export interface Projector {
  project(features: Float32Array, dim: number, method: ProjectionMethod, seed: number, onProgress?: (fraction: number) => void): Promise<Projection>;
  cancel(): void | Promise<void>;
}

export interface LatentMapDeps {
  worker: Pick<TrainingWorker, 'latentFeatures' | 'explainImages'>;
  projector: Projector;
  evaluation: EvaluationView;
  errors: ErrorState;
  save: SaveFile;
  callback: Callback;
  trainingEvents: Pick<Emitter<TrainingEvents>, 'on'>;
  /** names of external test sets by dataset id */
  datasetName?: (id: string) => string | undefined;
  /** present: the selection can be handed to the dataset's editor ("Edit these images…") */
  onEditSelection?: (imageIds: string[]) => void;
  /** the UMAP seed (same features and seed, same map) */
  seed?: number;
  /** milliseconds, for the timings shown */
  now?: () => number;
}

export type LatentPhase = 'idle' | 'features' | 'projecting' | 'ready';

/** a point's image without its features (the page keeps only what it draws) */
export type MapImage = Omit<LatentImage, 'features'>;

/** CAMs drawn for at most this many selected images */
export const SELECTION_CAMS = 48;
export const DEFAULT_MAX_POINTS = 2000;

function sourceOf(key: string): EvalSource {
  return key.startsWith('external:') ? { externalDatasetId: key.slice('external:'.length) } : { split: key as 'train' | 'val' | 'test' };
}

export class LatentMapState {
  setKey = $state('val');
  method = $state<ProjectionMethod>('umap');
  colourBy = $state<ColourBy>('label');
  /** a larger set is sampled (seeded) down to this many images */
  maxPoints = $state(DEFAULT_MAX_POINTS);
  phase = $state<LatentPhase>('idle');
  /** 0..1 of the phase running */
  progress = $state(0);
  images = $state.raw<MapImage[]>([]);
  /** x0, y0, x1, y1, … in the images' order */
  coords = $state.raw<Float64Array>(new Float64Array(0));
  /** what the map shown is of */
  shown = $state<{ setKey: string; method: ProjectionMethod; explainedVariance?: [number, number] } | null>(null);
  /** ms of the feature pass (0: the last one's features were reused) and of the projection of the map shown */
  timings = $state<{ featuresMs: number; projectionMs: number } | null>(null);
  selection = $state.raw<string[]>([]);
  gallery = $state.raw<Explanation[]>([]);
  explaining = $state(false);
  /** bumped by a new computation, a cancel or a new model: an older answer is dropped */
  private asked = 0;
  /** the last feature pass (another projection or colouring of the same set needs no new one); the model's only */
  private features: { key: string; images: LatentImage[] } | null = null;

  constructor(private readonly deps: LatentMapDeps) {
    deps.trainingEvents.on('run-started', () => this.clear());
    deps.trainingEvents.on('model-ready', () => this.clear());
  }

  /** there is an evaluated model to map */
  get available(): boolean {
    return this.deps.evaluation.context !== null;
  }

  get busy(): boolean {
    return this.phase === 'features' || this.phase === 'projecting';
  }

  get classes(): string[] {
    return this.deps.evaluation.context?.classes ?? [];
  }

  /** val, test, the external sets the evaluation scored, train */
  get setOptions(): Array<{ key: string; name: string }> {
    const externals = Object.keys(this.deps.evaluation.sets).filter((k) => k.startsWith('external:'));
    return [
      { key: 'val', name: 'validation' },
      { key: 'test', name: 'test' },
      ...externals.map((key) => ({ key, name: `external test: ${this.deps.datasetName?.(key.slice('external:'.length)) ?? key.slice('external:'.length)}` })),
      { key: 'train', name: 'training' },
    ];
  }

  readonly points = $derived.by<LatentPoint[]>(() => latentPoints(this.images, this.coords, this.deps.evaluation.threshold, this.deps.evaluation.temperature));

  get colourOptions() {
    return colourOptions(this.points);
  }

  readonly colouring = $derived.by<Colouring>(() => colourPoints(this.points, this.colourBy, this.classes));

  get canEdit(): boolean {
    return this.deps.onEditSelection !== undefined;
  }

  private report(e: unknown): void {
    this.deps.errors.report('evaluation', e);
  }

  /** Features of the chosen set (training worker), then their projection (projection worker). */
  async compute(): Promise<void> {
    const ask = ++this.asked;
    const current = () => ask === this.asked;
    const now = this.deps.now ?? (() => performance.now());
    this.clearMap();
    try {
      if (!this.available) throw new StudioError('bad-config', 'Train, load or show a model first: the map shows what it has learnt.');
      const setKey = this.setKey;
      const method = this.method;
      this.phase = 'features';
      this.progress = 0;
      const t0 = now();
      const onFeatures = this.deps.callback((done: number, total: number) => {
        if (current() && this.phase === 'features') this.progress = total > 0 ? done / total : 1;
      });
      // an emptied or nonsensical cap field: the default cap
      const limit = Number.isFinite(this.maxPoints) && this.maxPoints >= 3 ? Math.floor(this.maxPoints) : DEFAULT_MAX_POINTS;
      const featureKey = `${setKey}|${limit}`;
      const images = this.features?.key === featureKey ? this.features.images : await this.deps.worker.latentFeatures(sourceOf(setKey), limit, onFeatures);
      if (!current()) return;
      this.features = { key: featureKey, images };
      if (images.length === 0) throw new StudioError('bad-config', 'This set has no labelled images to map.');
      const t1 = now();
      this.phase = 'projecting';
      this.progress = 0;
      const { features, dim } = stackFeatures(images);
      const onProjection = this.deps.callback((fraction: number) => {
        if (current() && this.phase === 'projecting') this.progress = fraction;
      });
      const projection = await this.deps.projector.project(features, dim, method, this.deps.seed ?? 0, onProjection);
      if (!current()) return;
      this.images = images.map(({ features: _features, ...image }) => image);
      this.coords = projection.coords;
      this.shown = { setKey, method, explainedVariance: projection.explainedVariance };
      this.timings = { featuresMs: t1 - t0, projectionMs: now() - t1 };
      this.phase = 'ready';
    } catch (e) {
      if (!current()) return;
      this.phase = 'idle';
      this.report(e);
    }
  }

  /** Stops the computation running (its answers are dropped). */
  cancel(): void {
    if (!this.busy) return;
    this.asked++;
    this.phase = 'idle';
    this.progress = 0;
    void Promise.resolve(this.deps.projector.cancel()).catch(() => undefined);
  }

  private clearMap(): void {
    this.images = [];
    this.coords = new Float64Array(0);
    this.shown = null;
    this.timings = null;
    this.selection = [];
    this.gallery = [];
  }

  /** the model went away: so does its map */
  clear(): void {
    this.asked++;
    this.features = null;
    this.phase = 'idle';
    this.progress = 0;
    this.clearMap();
  }

  /** The images picked on the map (in the map's order) and the CAMs of the first SELECTION_CAMS of them. */
  async select(imageIds: string[]): Promise<void> {
    const ask = this.asked;
    this.selection = imageIds;
    this.gallery = [];
    if (imageIds.length === 0) return;
    const { method, layer, camClass } = this.deps.evaluation;
    this.explaining = true;
    try {
      const explained = await this.deps.worker.explainImages(imageIds.slice(0, SELECTION_CAMS), method, camClass < 0 ? undefined : camClass, layer);
      if (ask === this.asked && this.selection === imageIds) this.gallery = explained;
    } catch (e) {
      this.report(e);
    } finally {
      this.explaining = false;
    }
  }

  editSelection(): void {
    this.deps.onEditSelection?.([...this.selection]);
  }

  downloadCsv(): void {
    if (this.points.length === 0) return;
    this.deps.save(new Blob([latentCsv(this.points, this.classes)], { type: 'text/csv' }), `latent-map-${this.fileStem()}.csv`);
  }

  /** the drawn map, as the canvas encoded it */
  savePng(png: Blob): void {
    this.deps.save(png, `latent-map-${this.fileStem()}.png`);
  }

  private fileStem(): string {
    return `${this.shown?.setKey ?? this.setKey}-${this.shown?.method ?? this.method}`.replace(/[^a-z0-9-]+/gi, '_');
  }
}
