/** Training, evaluation and CAM as the page sees them; the work runs in the training worker. */
import { proxy } from 'comlink';
import { RECIPE, SMALL_MACHINE, type TrainConfig } from '../lib/train/config';
import type { EpochRecord, StepProgress } from '../lib/train/trainer';
import type { BackendInfo } from '../platform/backend';
import type { RunResult } from '../platform/training-service';
import { openStudioDb, type RunRecord } from '../platform/db';
import { getTrainingWorker } from '../platform/workers';
import { errors } from './errors.svelte';
import { evaluation } from './evaluation.svelte';
import { saveBlob } from '../platform/download';
import { presetsFor, type Preset } from '../lib/train/presets';
import type { DatasetRecord } from '../platform/db';

export type TrainStatus = 'idle' | 'starting' | 'running' | 'paused' | 'done' | 'cancelled' | 'failed';

class TrainingState {
  backend = $state<BackendInfo | null>(null);
  config = $state<TrainConfig>({ ...RECIPE });
  status = $state<TrainStatus>('idle');
  step = $state<StepProgress | null>(null);
  stepLosses = $state<number[]>([]);
  history = $state<EpochRecord[]>([]);
  runId = $state<string | null>(null);
  /** imported .pth / .safetensors files stored for reuse, and the one to start from */
  weightsNames = $state<string[]>([]);
  initialWeights = $state<string>('');
  /** a model exists in the worker (trained, resumed or loaded) and can be exported */
  hasModel = $state(false);
  interrupted = $state<RunRecord | null>(null);
  /** presets from this machine's measured step time, for the dataset and size in `presetsKey` */
  presets = $state<Preset[] | null>(null);
  speed = $state<'idle' | 'measuring' | 'ready' | 'unavailable'>('idle');
  /** `${datasetId}:${imageSize}` the presets (or the measurement under way) are for */
  presetsKey = $state<string | null>(null);

  /** `kernels`: the studio's own WebGPU kernels (default) or tfjs's stock ones (page URL ?kernels=stock) */
  async initBackend(kernels: 'studio' | 'stock' = 'studio'): Promise<void> {
    try {
      const info = await getTrainingWorker().init(['webgpu', 'webgl', 'cpu'], kernels);
      this.backend = info;
      if (info.software) {
        this.config = { ...this.config, ...SMALL_MACHINE };
        errors.warn(
          `The GPU backend runs on a software adapter (${info.adapter}): training is slow, so small settings were chosen (${SMALL_MACHINE.imageSize} px, width ×${SMALL_MACHINE.widthMultiplier}).`,
        );
      }
      await this.findInterrupted();
      this.weightsNames = await getTrainingWorker().listWeights();
    } catch (e) {
      errors.report(e);
    }
  }

  private async findInterrupted(): Promise<void> {
    const db = await openStudioDb();
    const runs = await db.getAll('runs');
    this.interrupted = runs.filter((r) => r.status === 'running').sort((a, b) => b.createdAt - a.createdAt)[0] ?? null;
  }

  private events() {
    return proxy({
      onStep: (p: StepProgress) => {
        this.step = p;
        this.stepLosses.push(p.loss);
      },
      onEpoch: (r: EpochRecord) => {
        this.history.push(r);
        void evaluation.onEpoch();
      },
    });
  }

  private async finish(result: RunResult): Promise<void> {
    this.runId = result.runId;
    if (result.error) {
      this.status = 'failed';
      errors.report(result.error);
      return;
    }
    this.status = result.outcome?.cancelled ? 'cancelled' : 'done';
    this.hasModel = true;
    if (result.outcome) this.history = result.outcome.history;
    if (this.status === 'done') await evaluation.afterTraining();
  }

  async start(datasetId: string, imageSize: number): Promise<void> {
    this.status = 'starting';
    this.history = [];
    this.stepLosses = [];
    evaluation.reset();
    try {
      const cfg = $state.snapshot(this.config);
      cfg.imageSize = imageSize;
      this.status = 'running';
      await this.finish(await getTrainingWorker().startTraining(datasetId, cfg, this.events(), this.initialWeights || undefined));
    } catch (e) {
      this.status = 'failed';
      errors.report(e);
    }
  }

  async resumeInterrupted(): Promise<void> {
    const run = this.interrupted;
    if (!run) return;
    this.interrupted = null;
    this.history = (run.history as EpochRecord[]) ?? [];
    this.stepLosses = [];
    this.config = { ...(run.config as TrainConfig) };
    this.status = 'running';
    try {
      await this.finish(await getTrainingWorker().resumeTraining(run.id, this.events()));
    } catch (e) {
      this.status = 'failed';
      errors.report(e);
    }
  }

  async importWeights(file: File): Promise<void> {
    try {
      const { name } = await getTrainingWorker().importWeights(file.name, new Uint8Array(await file.arrayBuffer()));
      this.weightsNames = await getTrainingWorker().listWeights();
      this.initialWeights = name;
    } catch (e) {
      errors.report(e);
    }
  }

  async exportModel(kind: 'safetensors' | 'tfjs'): Promise<void> {
    try {
      const out = await getTrainingWorker().exportModel();
      if (kind === 'safetensors') saveBlob(new Blob([out.safetensors as BlobPart]), 'model.safetensors');
      else {
        saveBlob(new Blob([out.tfjs.modelJson], { type: 'application/json' }), 'model.json');
        saveBlob(new Blob([out.tfjs.weightsBin as BlobPart]), 'weights.bin');
      }
    } catch (e) {
      errors.report(e);
    }
  }

  /** Load an exported model for evaluation and CAM on the selected dataset, without training. */
  async loadModel(datasetId: string, file: File): Promise<void> {
    try {
      await getTrainingWorker().loadTrainedModel(datasetId, file.name, new Uint8Array(await file.arrayBuffer()));
      this.hasModel = true;
      this.status = 'done';
      await evaluation.afterTraining();
    } catch (e) {
      errors.report(e);
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
      const timings = await getTrainingWorker().measureSpeed(dataset.imageSize);
      if (this.presetsKey !== key) return;
      const trainImages = Math.max(1, Math.round(dataset.imageCount * dataset.splitFractions[0]));
      this.presets = timings.length ? presetsFor(timings, dataset.imageSize, trainImages) : null;
      this.speed = timings.length ? 'ready' : 'unavailable';
    } catch (e) {
      this.speed = 'unavailable';
      errors.report(e);
    }
  }

  /** the presets for this dataset, or null when they are not (yet) measured for it */
  presetsOf(dataset: Pick<DatasetRecord, 'id' | 'imageSize'>): Preset[] | null {
    return this.presetsKey === `${dataset.id}:${dataset.imageSize}` ? this.presets : null;
  }

  applyPreset(p: Preset): void {
    this.config = { ...this.config, ...p.config };
  }

  pause(): void {
    void getTrainingWorker().pause();
    this.status = 'paused';
  }

  resume(): void {
    void getTrainingWorker().resume();
    this.status = 'running';
  }

  cancel(): void {
    void getTrainingWorker().cancel();
  }
}

export const training = new TrainingState();
