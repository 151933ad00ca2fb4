/** Training, evaluation and CAM as the page sees them; the work runs in the training worker. */
import { proxy } from 'comlink';
import { RECIPE, SMALL_MACHINE, type TrainConfig } from '../lib/train/config';
import type { EpochRecord, StepProgress } from '../lib/train/trainer';
import { binaryMetrics, type BinaryMetrics } from '../lib/metrics';
import type { BackendInfo } from '../platform/backend';
import type { CamResult, Prediction, RunResult } from '../platform/training-service';
import { openStudioDb, type RunRecord } from '../platform/db';
import { getTrainingWorker } from '../platform/workers';
import { errors } from './errors.svelte';

export type TrainStatus = 'idle' | 'starting' | 'running' | 'paused' | 'done' | 'cancelled' | 'failed';

class TrainingState {
  backend = $state<BackendInfo | null>(null);
  config = $state<TrainConfig>({ ...RECIPE });
  status = $state<TrainStatus>('idle');
  step = $state<StepProgress | null>(null);
  stepLosses = $state<number[]>([]);
  history = $state<EpochRecord[]>([]);
  runId = $state<string | null>(null);
  interrupted = $state<RunRecord | null>(null);
  predictions = $state<Prediction[]>([]);
  threshold = $state(0.5);
  cam = $state<CamResult | null>(null);
  camImageId = $state<string | null>(null);

  get metrics(): BinaryMetrics | null {
    if (this.predictions.length === 0) return null;
    return binaryMetrics(
      this.predictions.map((p) => p.label),
      this.predictions.map((p) => p.probability),
      this.threshold,
    );
  }

  async initBackend(): Promise<void> {
    try {
      const info = await getTrainingWorker().init(['webgpu', 'webgl', 'cpu']);
      this.backend = info;
      if (info.software) {
        this.config = { ...this.config, ...SMALL_MACHINE };
        errors.warn(
          `The GPU backend runs on a software adapter (${info.adapter}): training is slow, so small settings were chosen (${SMALL_MACHINE.imageSize} px, width ×${SMALL_MACHINE.widthMultiplier}).`,
        );
      }
      await this.findInterrupted();
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
    if (result.outcome) this.history = result.outcome.history;
    if (this.status === 'done') await this.evaluate();
  }

  async start(datasetId: string, imageSize: number): Promise<void> {
    this.status = 'starting';
    this.history = [];
    this.stepLosses = [];
    this.predictions = [];
    this.cam = null;
    try {
      const cfg = $state.snapshot(this.config);
      cfg.imageSize = imageSize;
      this.status = 'running';
      await this.finish(await getTrainingWorker().startTraining(datasetId, cfg, this.events()));
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

  async evaluate(): Promise<void> {
    try {
      this.predictions = await getTrainingWorker().predictSplit('val');
      if (this.predictions.length > 0) await this.showCam(this.predictions[0].id);
    } catch (e) {
      errors.report(e);
    }
  }

  async showCam(imageId: string): Promise<void> {
    try {
      this.camImageId = imageId;
      this.cam = await getTrainingWorker().camForImage(imageId);
    } catch (e) {
      errors.report(e);
    }
  }
}

export const training = new TrainingState();
