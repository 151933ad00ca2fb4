/**
 * From an error to a fixed dataset: images picked from a confusion-matrix cell, the mistake galleries or the latent
 * map are marked "relabel to …" or "exclude (reason)"; saving makes a new revision of the evaluated dataset (the
 * imported one stays as it is), which trains in one click. Revisions of the dataset are listed, diffed and exported.
 */
import { StudioError } from '../lib/errors';
import { predictedClass, type ScoredImage } from '../lib/eval/summary';
import { diffRevisions, editsCsv, mergeEdits, type ImageChange, type RevisionEdit } from '../lib/dataset/revisions';
import type { DatasetRecord } from '../platform/db';
import type { SaveFile } from './deps';
import type { ErrorState } from './errors.svelte';

/** What curation sees of the evaluation: the shown set (temperature applied), its threshold and the model's dataset. */
export interface EvaluatedSet {
  datasetId: string | null;
  /** 'val' | 'test' | `external:${id}` */
  setKey: string;
  images: ScoredImage[];
  threshold: number;
  /** every evaluated set, to find images selected elsewhere (the latent map) */
  all: ScoredImage[];
}

export interface RevisionStore {
  /** a new revision of `baseId` with `edits` on top of its own */
  create(baseId: string, edits: RevisionEdit[]): Promise<DatasetRecord>;
}

export interface CurationDeps {
  errors: ErrorState;
  save: SaveFile;
  store: RevisionStore;
  evaluated(): EvaluatedSet;
  /** every stored dataset, revisions included */
  datasets(): DatasetRecord[];
  /** list the datasets again and select `id` */
  selectDataset(id: string): Promise<void>;
  /** start training on a dataset with the page's training settings */
  train(dataset: DatasetRecord): Promise<void>;
}

export interface SelectedImage {
  imageId: string;
  sourcePath: string;
  /** its label in the evaluated dataset */
  label: number;
  /** the marks apply to it (untick to leave it out) */
  picked: boolean;
}

export interface RevisionRow {
  dataset: DatasetRecord;
  relabelled: number;
  excluded: number;
}

function selected(p: ScoredImage): SelectedImage {
  return { imageId: p.id, sourcePath: p.sourcePath, label: p.label, picked: true };
}

export class CurationState {
  selection = $state<SelectedImage[]>([]);
  /** where the selection came from, in words ("confusion cell: actual normal, predicted pneumonia") */
  origin = $state('');
  /** edits marked and not saved yet, one per image */
  pending = $state<RevisionEdit[]>([]);
  relabelTo = $state(0);
  excludeReason = $state('');
  saving = $state(false);
  /** the revision saved last (what "Train on it" trains) */
  savedId = $state<string | null>(null);
  /** the two datasets (parent or revisions) whose difference is listed */
  diffFrom = $state<string | null>(null);
  diffTo = $state<string | null>(null);

  constructor(private readonly deps: CurationDeps) {}

  /** curation follows the evaluation it starts from: its errors are reported (and cleared) with it */
  private report(e: unknown): void {
    this.deps.errors.report('evaluation', e);
  }

  /** the dataset the evaluated model was trained on: edits apply to its images */
  get base(): DatasetRecord | undefined {
    const id = this.deps.evaluated().datasetId;
    return this.deps.datasets().find((d) => d.id === id);
  }

  /** the imported dataset the base hangs off */
  get root(): DatasetRecord | undefined {
    const base = this.base;
    return base?.revision ? this.deps.datasets().find((d) => d.id === base.revision!.parentId) : base;
  }

  get classes(): string[] {
    return this.base?.classes ?? [];
  }

  isSelected(imageId: string): boolean {
    return this.selection.some((s) => s.imageId === imageId);
  }

  /** the evaluated images that are the base dataset's (an external test set's are not: edits cannot apply to them) */
  private ownImages(): Map<string, ScoredImage> {
    const prefix = `${this.root?.id}|`;
    return new Map(this.deps.evaluated().all.flatMap((p) => (p.id.startsWith(prefix) ? [[p.id, p] as const] : [])));
  }

  /** Select these images (of the evaluated dataset; others are left out). */
  select(imageIds: string[], origin: string): void {
    const byId = this.ownImages();
    this.selection = imageIds.flatMap((id) => {
      const p = byId.get(id);
      return p ? [selected(p)] : [];
    });
    this.origin = origin;
  }

  /** The images of the shown set in one confusion-matrix cell at the current threshold. */
  selectCell(actual: number, predicted: number): void {
    const { images, threshold, setKey } = this.deps.evaluated();
    if (setKey.startsWith('external:')) {
      this.report(new StudioError('bad-config', 'Edits apply to the dataset the model was trained on: show its validation or test split.'));
      return;
    }
    const cell = images.filter((p) => p.label === actual && predictedClass(p.logits, threshold) === predicted);
    const name = (k: number) => this.classes[k] ?? String(k);
    this.select(
      cell.map((p) => p.id),
      `${setKey} split, actual ${name(actual)}, predicted ${name(predicted)} at threshold ${threshold.toFixed(2)}`,
    );
  }

  /** A gallery tile joins or leaves the selection. */
  toggle(imageId: string): void {
    if (this.isSelected(imageId)) {
      this.selection = this.selection.filter((s) => s.imageId !== imageId);
      return;
    }
    const p = this.ownImages().get(imageId);
    if (!p) return;
    this.selection = [...this.selection, selected(p)];
    this.origin = 'gallery tiles';
  }

  /** Tick or untick one selected image: marks apply to the ticked ones. */
  setPicked(imageId: string, picked: boolean): void {
    this.selection = this.selection.map((s) => (s.imageId === imageId ? { ...s, picked } : s));
  }

  private get picked(): SelectedImage[] {
    return this.selection.filter((s) => s.picked);
  }

  clearSelection(): void {
    this.selection = [];
    this.origin = '';
  }

  private mark(edits: RevisionEdit[]): void {
    this.pending = mergeEdits(this.pending, edits);
  }

  /** Mark the ticked images "relabel to `relabelTo`" (an image already of that class is left as it is). */
  relabelSelected(): void {
    const to = this.relabelTo;
    this.mark(this.picked.filter((s) => s.label !== to).map((s) => ({ kind: 'relabel', imageId: s.imageId, sourcePath: s.sourcePath, from: s.label, to })));
  }

  /** Mark the ticked images "exclude" with the reason typed. */
  excludeSelected(): void {
    const reason = this.excludeReason.trim();
    if (!reason) {
      this.report(new StudioError('bad-config', 'Say why these images are excluded (the reason is kept with the revision).'));
      return;
    }
    this.mark(this.picked.map((s) => ({ kind: 'exclude', imageId: s.imageId, sourcePath: s.sourcePath, reason })));
  }

  /** Drop one marked edit. */
  unmark(imageId: string): void {
    this.pending = this.pending.filter((e) => e.imageId !== imageId);
  }

  /** Store the marked edits as a new revision of the evaluated dataset and select it. */
  async saveRevision(): Promise<DatasetRecord | null> {
    const base = this.base;
    if (!base || this.pending.length === 0) return null;
    this.saving = true;
    try {
      const record = await this.deps.store.create(base.id, $state.snapshot(this.pending) as RevisionEdit[]);
      this.pending = [];
      this.clearSelection();
      this.savedId = record.id;
      await this.deps.selectDataset(record.id);
      this.diffFrom = record.revision!.parentId;
      this.diffTo = record.id;
      return record;
    } catch (e) {
      this.report(e);
      return null;
    } finally {
      this.saving = false;
    }
  }

  /** Train on the revision saved last, with the page's training settings. */
  async trainOnRevision(): Promise<void> {
    const revision = this.deps.datasets().find((d) => d.id === this.savedId);
    if (!revision) return;
    await this.deps.selectDataset(revision.id);
    await this.deps.train(revision);
  }

  /** the imported dataset and its revisions, with their edit counts */
  get revisions(): RevisionRow[] {
    const root = this.root;
    if (!root) return [];
    const family = this.deps.datasets().filter((d) => d.id === root.id || d.revision?.parentId === root.id);
    return family
      .sort((a, b) => (a.revision?.number ?? 0) - (b.revision?.number ?? 0))
      .map((dataset) => {
        const edits = dataset.revision?.edits ?? [];
        return { dataset, relabelled: edits.filter((e) => e.kind === 'relabel').length, excluded: edits.filter((e) => e.kind === 'exclude').length };
      });
  }

  private editsOf(id: string | null): RevisionEdit[] {
    return this.deps.datasets().find((d) => d.id === id)?.revision?.edits ?? [];
  }

  /** the images whose fate differs between the two datasets chosen to diff */
  get diff(): ImageChange[] {
    if (!this.diffFrom || !this.diffTo) return [];
    return diffRevisions(this.editsOf(this.diffFrom), this.editsOf(this.diffTo));
  }

  /** A revision's edits (relative to the imported dataset) as CSV. */
  downloadEdits(revisionId: string): void {
    const revision = this.deps.datasets().find((d) => d.id === revisionId);
    if (!revision?.revision) return;
    const name = revision.name.replace(/[^a-z0-9]+/gi, '_').replace(/^_|_$/g, '');
    this.deps.save(new Blob([editsCsv(revision.revision.edits, revision.classes)], { type: 'text/csv' }), `${name}-edits.csv`);
  }
}
