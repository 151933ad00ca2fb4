/** Training as the page sees it: the work runs in the training worker; evaluation follows through `events`. */
import type { StudioErrorData } from '../lib/errors';
import { RECIPE, SMALL_MACHINE, type TrainConfig } from '../lib/train/config';
import type { EpochRecord, StepProgress } from '../lib/train/trainer';
import { presetsFor, type Preset } from '../lib/train/presets';
import type { BackendInfo } from '../platform/backend';
import type { RunResult } from '../platform/training-service';
import type { DatasetRecord, RunRecord } from '../platform/db';
import type { Callback, SaveFile, TrainingEvents, TrainingWorker } from './deps';
import type { ErrorState } from './errors.svelte';
import { Emitter } from './events';

export type TrainStatus = 'idle' | 'starting' | 'running' | 'paused' | 'done' | 'cancelled' | 'failed';

export interface TrainingDeps {
  worker: TrainingWorker;
  errors: ErrorState;
  save: SaveFile;
  /** comlink's proxy in the page */
  callback: Callback;
}

export class TrainingState {
  /** run-started, epoch, model-ready: evaluation subscribes; run-stored, run-ended: the run list */
  readonly events = new Emitter<TrainingEvents>();
  backend = $state<BackendInfo | null>(null);
  config = $state<TrainConfig>({ ...RECIPE });
  /** the configuration of the current run as sent to the worker (imageSize = the dataset's) */
  runConfig = $state<TrainConfig | null>(null);
  status = $state<TrainStatus>('idle');
  step = $state<StepProgress | null>(null);
  stepLosses = $state<number[]>([]);
  history = $state<EpochRecord[]>([]);
  runId = $state<string | null>(null);
  /** how the last run ended, in words (early stop and the epoch whose weights the model has) */
  ending = $state('');
  /** imported .pth / .safetensors files stored for reuse, and the one to start from */
  weightsNames = $state<string[]>([]);
  initialWeights = $state<string>('');
  /** a model exists in the worker (trained, resumed, reopened or loaded) and can be exported */
  hasModel = $state(false);
  /** presets from this machine's measured step time, for the dataset and size in `presetsKey` */
  presets = $state<Preset[] | null>(null);
  speed = $state<'idle' | 'measuring' | 'ready' | 'unavailable'>('idle');
  /** `${datasetId}:${imageSize}` the presets (or the measurement under way) are for */
  presetsKey = $state<string | null>(null);

  constructor(private readonly deps: TrainingDeps) {}

  get running(): boolean {
    return this.status === 'running' || this.status === 'paused' || this.status === 'starting';
  }

  /** `kernels`: the studio's own WebGPU kernels (default) or tfjs's stock ones (page URL ?kernels=stock) */
  async initBackend(kernels: 'studio' | 'stock' = 'studio'): Promise<void> {
    const { worker, errors } = this.deps;
    try {
      // device loss and uncaptured GPU errors reach the banner from the worker at any time, training or not
      const onGpuProblem = this.deps.callback((problem: StudioErrorData) => errors.report('gpu', problem));
      const info = await worker.init(['webgpu', 'webgl', 'cpu'], kernels, onGpuProblem);
      this.backend = info;
      if (info.tfjsProblem) errors.warn(info.tfjsProblem);
      if (info.software) {
        this.config = { ...this.config, ...SMALL_MACHINE };
        errors.warn(
          `The GPU backend runs on a software adapter (${info.adapter}): training is slow, so small settings were chosen (${SMALL_MACHINE.imageSize} px, width ×${SMALL_MACHINE.widthMultiplier}).`,
        );
      }
      errors.succeeded('gpu');
      this.weightsNames = await worker.listWeights();
    } catch (e) {
      errors.report('gpu', e);
    }
  }

  private trainEvents() {
    return this.deps.callback({
      onRun: (runId: string) => {
        this.runId = runId;
        void this.events.emit('run-stored', { runId });
      },
      onStep: (p: StepProgress) => {
        this.step = p;
        this.stepLosses.push(p.loss);
      },
      onEpoch: (r: EpochRecord) => {
        this.history.push(r);
        void this.events.emit('epoch', r);
      },
    });
  }

  private async finish(result: RunResult): Promise<void> {
    this.runId = result.runId;
    void this.events.emit('run-ended', { runId: result.runId });
    if (result.error) {
      this.status = 'failed';
      this.deps.errors.report('training', result.error);
      return;
    }
    this.status = result.outcome?.cancelled ? 'cancelled' : 'done';
    this.hasModel = true;
    if (result.outcome) this.history = result.outcome.history;
    this.ending = endingOf(result);
    if (this.status !== 'done') return;
    this.deps.errors.succeeded('training');
    await this.events.emit('model-ready', { runId: this.runId, config: this.runConfig ?? $state.snapshot(this.config) });
  }

  /** a call into the worker that runs a training: a throw (not a failed run, which `finish` takes) fails it */
  private async runTraining(run: () => Promise<RunResult>): Promise<void> {
    this.ending = '';
    this.stepLosses = [];
    this.runId = null;
    void this.events.emit('run-started', undefined);
    try {
      this.status = 'running';
      await this.finish(await run());
    } catch (e) {
      this.status = 'failed';
      if (this.runId) void this.events.emit('run-ended', { runId: this.runId });
      this.deps.errors.report('training', e);
    }
  }

  async start(datasetId: string, imageSize: number): Promise<void> {
    this.status = 'starting';
    this.history = [];
    const cfg = $state.snapshot(this.config);
    cfg.imageSize = imageSize;
    this.runConfig = cfg;
    await this.runTraining(() => this.deps.worker.startTraining(datasetId, cfg, this.trainEvents(), this.initialWeights || undefined));
  }

  /** Continue a run from its newest checkpoint, with its history and configuration (a reload broke it off). */
  async resumeRun(run: RunRecord): Promise<void> {
    if (this.running) return;
    this.history = run.history ?? [];
    this.config = { ...run.config };
    this.runConfig = { ...run.config };
    await this.runTraining(() => this.deps.worker.resumeTraining(run.id, this.trainEvents()));
  }

  /**
   * Load a finished run's model back (the checkpoint it ended with) with its history and configuration; evaluation
   * then scores it as after training, and it can be exported.
   */
  async reopen(run: RunRecord): Promise<void> {
    if (this.running) return;
    void this.events.emit('run-started', undefined);
    try {
      const opened = await this.deps.worker.openRun(run.id);
      const stored = opened.run;
      this.runId = stored.id;
      this.history = stored.history;
      this.stepLosses = stored.history.flatMap((h) => h.stepLosses ?? []);
      this.step = null;
      this.config = { ...stored.config };
      this.runConfig = { ...stored.config };
      this.status = stored.status === 'cancelled' ? 'cancelled' : 'done';
      const last = stored.history[stored.history.length - 1]?.epoch;
      this.ending = `Reopened run of ${new Date(stored.createdAt).toLocaleString()}: the model is epoch ${opened.epoch}'s${opened.epoch === last ? ', the last one' : ''}.`;
      this.hasModel = true;
      this.deps.errors.succeeded('training');
      await this.events.emit('model-ready', { runId: stored.id, config: { ...stored.config } });
    } catch (e) {
      this.deps.errors.report('training', e);
    }
  }

  async importWeights(file: File): Promise<void> {
    try {
      const { name } = await this.deps.worker.importWeights(file.name, new Uint8Array(await file.arrayBuffer()));
      this.weightsNames = await this.deps.worker.listWeights();
      this.initialWeights = name;
    } catch (e) {
      this.deps.errors.report('training', e);
    }
  }

  async exportModel(kind: 'safetensors' | 'tfjs'): Promise<void> {
    const { save } = this.deps;
    try {
      const out = await this.deps.worker.exportModel();
      if (kind === 'safetensors') save(new Blob([out.safetensors as BlobPart]), 'model.safetensors');
      else {
        save(new Blob([out.tfjs.modelJson], { type: 'application/json' }), 'model.json');
        save(new Blob([out.tfjs.weightsBin as BlobPart]), 'weights.bin');
      }
    } catch (e) {
      this.deps.errors.report('training', e);
    }
  }

  /** Load an exported model for evaluation and CAM on the selected dataset, without training. */
  async loadModel(datasetId: string, file: File): Promise<void> {
    try {
      await this.loadModelBytes(datasetId, file.name, new Uint8Array(await file.arrayBuffer()));
    } catch (e) {
      this.deps.errors.report('training', e);
    }
  }

  /**
   * Load model bytes (safetensors or .pth) for evaluation and CAM on `datasetId`; `config` says how it was trained
   * (e.g. the bundled demo model's card), else the settings on the page stand for it. True when it is loaded.
   */
  async loadModelBytes(datasetId: string, name: string, bytes: Uint8Array, config: Partial<TrainConfig> = {}): Promise<boolean> {
    try {
      await this.deps.worker.loadTrainedModel(datasetId, name, bytes);
      this.hasModel = true;
      this.status = 'done';
      this.runId = null;
      this.runConfig = null;
      // the curves on the panel belong to the run before: a loaded model brings no history
      this.history = [];
      this.stepLosses = [];
      this.step = null;
      this.ending = '';
      this.config = { ...this.config, ...config };
      this.deps.errors.succeeded('training');
      await this.events.emit('model-ready', { runId: this.runId, config: $state.snapshot(this.config) });
      return true;
    } catch (e) {
      this.deps.errors.report('training', e);
      return false;
    }
  }

  /**
   * Times a training step on this machine (once per dataset and size) and derives the presets for the dataset.
   * `auto`: the page asks when a dataset is shown; on a software adapter timing costs tens of seconds of CPU, so
   * there it waits for the person to ask (the "suggest settings" button).
   */
  async measurePresets(dataset: Pick<DatasetRecord, 'id' | 'imageSize' | 'imageCount' | 'splitFractions'>, options: { auto?: boolean } = {}): Promise<void> {
    const key = `${dataset.id}:${dataset.imageSize}`;
    if (this.presetsKey === key || (options.auto && this.backend?.software)) return;
    this.presetsKey = key;
    this.presets = null;
    this.speed = 'measuring';
    try {
      const timings = await this.deps.worker.measureSpeed(dataset.imageSize);
      if (this.presetsKey !== key) return;
      const trainImages = Math.max(1, Math.round(dataset.imageCount * dataset.splitFractions[0]));
      this.presets = timings.length ? presetsFor(timings, dataset.imageSize, trainImages) : null;
      this.speed = timings.length ? 'ready' : 'unavailable';
    } catch (e) {
      this.speed = 'unavailable';
      this.deps.errors.report('training', e);
    }
  }

  /** the presets for this dataset, or null when they are not (yet) measured for it */
  presetsOf(dataset: Pick<DatasetRecord, 'id' | 'imageSize'>): Preset[] | null {
    return this.presetsKey === `${dataset.id}:${dataset.imageSize}` ? this.presets : null;
  }

  applyPreset(p: Preset): void {
    this.config = { ...this.config, ...p.config };
  }

  /** pos_weight as typed: "auto" or a positive number (anything else leaves the config unchanged) */
  setPosWeight(text: string): void {
    const t = text.trim();
    if (t === 'auto') this.config.posWeight = 'auto';
    else if (Number(t) > 0) this.config.posWeight = Number(t);
  }

  pause(): void {
    void this.deps.worker.pause();
    this.status = 'paused';
  }

  resume(): void {
    void this.deps.worker.resume();
    this.status = 'running';
  }

  cancel(): void {
    void this.deps.worker.cancel();
  }
}

/** "Stopped early at epoch 7 …; the model is epoch 4's, the best by val AUC." — or '' for a run that ran its course. */
export function endingOf(result: RunResult): string {
  const o = result.outcome;
  // what the run changed on its own (e.g. a folded last batch), then how it stopped
  const notes = o?.notes ?? [];
  if (!o?.stoppedEarly) return notes.join(' ');
  const last = o.history[o.history.length - 1]?.epoch;
  const best = o.bestEpoch !== undefined && o.bestEpoch !== last ? ` The model was restored to epoch ${o.bestEpoch}, the best one.` : '';
  return [...notes, `Stopped early after epoch ${last}: no improvement for the patience set.${best}`].join(' ');
}
