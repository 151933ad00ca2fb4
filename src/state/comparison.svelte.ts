/**
 * Two runs side by side: their metrics at threshold 0.5, their ROC curves on one chart, and the images whose labels
 * or inclusion differ between their datasets (an imported dataset and its revisions). Each run is scored on its own
 * dataset's split, as its model was evaluated.
 */
import { diffRevisions, type ImageChange } from '../lib/dataset/revisions';
import { setMetrics, type ScoredImage, type SetMetrics } from '../lib/eval/summary';
import { rocComparisonChart } from '../lib/charts/comparison';
import type { ChartSpec } from '../lib/charts';
import type { DatasetRecord, RunRecord } from '../platform/db';
import type { ErrorState } from './errors.svelte';

export const COMPARISON_THRESHOLD = 0.5;

export interface ComparisonDeps {
  errors: ErrorState;
  /** every stored run (those whose model was scored carry `scores`) */
  runs(): Promise<RunRecord[]>;
  /** every stored dataset, revisions included */
  datasets(): DatasetRecord[];
  /** an image's stored pixels (thumbnails of the changed images); null when gone */
  pixels(imageId: string): Promise<Uint8Array | null>;
}

export interface RunFigures {
  run: RunRecord;
  datasetName: string;
  images: number;
  auc: number;
  ap: number;
  accuracy: number;
  sensitivity: number;
  specificity: number;
}

/** the imported dataset a dataset hangs off (itself when imported) */
function rootOf(dataset: DatasetRecord | undefined): string | undefined {
  return dataset?.revision?.parentId ?? dataset?.id;
}

/** The figures of a run's scored `setKey` at threshold 0.5 (binary; N classes: accuracy and macro AUC only). */
export function runFigures(run: RunRecord, setKey: string, datasetName: string): RunFigures | null {
  const images: ScoredImage[] = run.scores?.[setKey] ?? [];
  return figuresFrom(run, setMetrics(images, COMPARISON_THRESHOLD), images.length, datasetName);
}

/** A run's figures from the metrics of its `images` scored images. */
function figuresFrom(run: RunRecord, m: SetMetrics | null, images: number, datasetName: string): RunFigures | null {
  if (!m) return null;
  if (m.kind === 'multiclass') return { run, datasetName, images, auc: m.multi.macro.rocAuc, ap: NaN, accuracy: m.multi.accuracy, sensitivity: NaN, specificity: NaN };
  const b = m.binary;
  return { run, datasetName, images, auc: b.rocAuc, ap: b.averagePrecision, accuracy: b.accuracy, sensitivity: b.recall, specificity: b.specificity };
}

export class ComparisonState {
  /** runs whose model was scored, newest first */
  runs = $state<RunRecord[]>([]);
  leftId = $state<string | null>(null);
  rightId = $state<string | null>(null);
  setKey = $state<'val' | 'test'>('val');
  /** pixels of the changed images by image id */
  thumbnails = $state<Record<string, Uint8Array>>({});
  private newestSeen: string | null = null;

  constructor(private readonly deps: ComparisonDeps) {}

  private dataset(id: string | undefined): DatasetRecord | undefined {
    return this.deps.datasets().find((d) => d.id === id);
  }

  /** Read the runs again; a newly scored run is compared with the one it follows on another dataset of its family. */
  async refresh(): Promise<void> {
    try {
      const all = await this.deps.runs();
      const listed = new Set(this.deps.datasets().map((d) => d.id));
      this.runs = all.filter((r) => listed.has(r.datasetId) && r.scores && Object.keys(r.scores).length > 0).sort((a, b) => b.createdAt - a.createdAt);
      const newest = this.runs[0]?.id ?? null;
      if (newest !== this.newestSeen || !this.left || !this.right) this.pairDefault();
      this.newestSeen = newest;
      await this.loadThumbnails();
    } catch (e) {
      this.deps.errors.report('evaluation', e);
    }
  }

  /** the newest run, and before it the newest run on another dataset of the same family (else any earlier run) */
  private pairDefault(): void {
    const [right, ...earlier] = this.runs;
    const family = rootOf(this.dataset(right?.datasetId));
    const sameFamily = earlier.filter((r) => rootOf(this.dataset(r.datasetId)) === family);
    const left = sameFamily.find((r) => r.datasetId !== right?.datasetId) ?? sameFamily[0] ?? earlier[0];
    this.rightId = right?.id ?? null;
    this.leftId = left?.id ?? null;
  }

  get left(): RunRecord | undefined {
    return this.runs.find((r) => r.id === this.leftId);
  }

  get right(): RunRecord | undefined {
    return this.runs.find((r) => r.id === this.rightId);
  }

  async choose(side: 'left' | 'right', runId: string): Promise<void> {
    if (side === 'left') this.leftId = runId;
    else this.rightId = runId;
    await this.loadThumbnails();
  }

  nameOf(run: RunRecord): string {
    return this.dataset(run.datasetId)?.name ?? 'deleted dataset';
  }

  /** both runs' metrics of this set, computed once per choice (the figures and the ROC chart read them) */
  private readonly metrics = $derived([this.left, this.right].map((run) => (run ? setMetrics(run.scores?.[this.setKey] ?? [], COMPARISON_THRESHOLD) : null)));

  /** both runs' figures (a run without scores of this set: null) */
  get figures(): Array<RunFigures | null> {
    return [this.left, this.right].map((run, i) => (run ? figuresFrom(run, this.metrics[i], (run.scores?.[this.setKey] ?? []).length, this.nameOf(run)) : null));
  }

  /** the two runs' ROC curves on one chart; null unless both are binary and scored on this set */
  get roc(): ChartSpec | null {
    const curves = this.metrics.flatMap((m, i) => (m?.kind === 'binary' ? [{ name: `run ${i === 0 ? 'A' : 'B'}`, roc: m.roc, auc: m.binary.rocAuc }] : []));
    return curves.length === 2 ? rocComparisonChart(curves, `ROC curves (${this.setKey} split of each run's dataset)`) : null;
  }

  /** the images relabelled or excluded in one run's dataset and not the other's */
  get changes(): ImageChange[] {
    const [a, b] = [this.left, this.right].map((run) => this.dataset(run?.datasetId));
    if (!a || !b || rootOf(a) !== rootOf(b)) return [];
    return diffRevisions(a.revision?.edits ?? [], b.revision?.edits ?? []);
  }

  /** the classes of the right run's dataset (to name relabels) */
  get classes(): string[] {
    return this.dataset(this.right?.datasetId)?.classes ?? [];
  }

  get imageSize(): number {
    return this.dataset(this.right?.datasetId)?.imageSize ?? 0;
  }

  private async loadThumbnails(): Promise<void> {
    for (const c of this.changes) {
      if (this.thumbnails[c.imageId]) continue;
      const pixels = await this.deps.pixels(c.imageId);
      if (pixels) this.thumbnails[c.imageId] = pixels;
    }
  }
}
