/** Training elsewhere: export the selected dataset as a PyTorch training project, and bring a run trained there back. */
import { StudioError } from '../lib/errors';
import type { TrainConfig } from '../lib/train/config';
import type { ProjectFile } from '../lib/export-project/project';
import type { ProjectSource } from '../lib/export-project/config';
import type { DatasetRecord, RunRecord } from '../platform/db';
import type { Callback, ImportPool, SaveFile } from './deps';
import type { ErrorState } from './errors.svelte';

export interface ElsewhereDeps {
  pool: ImportPool;
  save: SaveFile;
  callback: Callback;
  errors: ErrorState;
  /** the training panel's settings */
  config(): TrainConfig;
  /** the selected dataset */
  dataset(): DatasetRecord | undefined;
  /** train.py, config.json, README.md, requirements.txt for these settings and this dataset */
  projectFiles(config: TrainConfig, dataset: DatasetRecord, source: ProjectSource): ProjectFile[];
  /** checks and stores model.safetensors + history.json as a finished run of `dataset` */
  storeRun(dataset: DatasetRecord, weights: Uint8Array, history: string, config: TrainConfig): Promise<RunRecord & { trainedElsewhere: string }>;
  /** lists the stored run and opens it (evaluation, CAMs, model card follow) */
  opened(run: RunRecord): Promise<void>;
}

export class ElsewhereState {
  /** what is under way, in words; null when idle */
  busy = $state<string | null>(null);
  /** images written so far by the project export */
  done = $state(0);
  /** the project reads the original DICOM folder (index.csv only, no PNGs) instead of exported PNGs */
  dicomSource = $state(false);
  /** the last run brought back: where it was trained */
  loaded = $state<string | null>(null);

  constructor(private readonly deps: ElsewhereDeps) {}

  /** A zip: the dataset export (ImageFolder PNGs, index.csv, stats.json) plus the training project's files. */
  async exportProject(): Promise<void> {
    const dataset = this.deps.dataset();
    if (!dataset || this.busy) return;
    try {
      const config = { ...this.deps.config(), imageSize: dataset.imageSize };
      const source: ProjectSource = this.dicomSource ? 'dicom' : 'png';
      const extra = this.deps.projectFiles(config, dataset, source);
      this.busy = `Exporting ${dataset.name} as a training project`;
      this.done = 0;
      const progress = this.deps.callback((done: number) => {
        this.done = done;
        return true;
      });
      const blob = await this.deps.pool.run((api) => api.exportZip(dataset.id, progress, { extra, images: source === 'png' ? 'png' : 'none' }));
      if (blob) this.deps.save(blob, `${dataset.name}-${dataset.imageSize}px-pytorch${source === 'dicom' ? '-dicom' : ''}.zip`);
    } catch (e) {
      this.deps.errors.report('training', e);
    } finally {
      this.busy = null;
    }
  }

  /** model.safetensors and history.json picked together (by extension), stored and opened as a run. */
  async loadRun(files: File[]): Promise<void> {
    const dataset = this.deps.dataset();
    if (!dataset || this.busy) return;
    try {
      const weights = files.find((f) => /\.safetensors$/i.test(f.name));
      const history = files.find((f) => /\.json$/i.test(f.name));
      if (!weights || !history) throw new StudioError('bad-weights', 'Pick both files a run trained elsewhere writes: model.safetensors and history.json.');
      this.busy = `Loading ${weights.name} and ${history.name}`;
      const run = await this.deps.storeRun(dataset, new Uint8Array(await weights.arrayBuffer()), await history.text(), this.deps.config());
      this.loaded = run.trainedElsewhere;
      await this.deps.opened(run);
      this.deps.errors.succeeded('training');
    } catch (e) {
      this.deps.errors.report('training', e);
    } finally {
      this.busy = null;
    }
  }
}
