/**
 * The training worker's API: backend choice, model lifetime, training with checkpoints in
 * IndexedDB, resume after a reload, weights in and out. Runs in workers/train.worker.ts;
 * progress reaches the page through comlink-proxied callbacks. The state lives in one
 * TrainingService; the module exports its methods under the names the worker exposes.
 */
import { createResNet18 } from '../lib/model/resnet';
import { Adam } from '../lib/model/adam';
import { exportStateDict, loadStateDict } from '../lib/model/state-dict';
import { readSafetensors, writeSafetensors } from '../lib/model/safetensors';
import { readPth } from '../lib/model/pth';
import { toTfjsWeights, type TfjsWeights } from '../lib/model/tfjs-weights';
import type { StateDict } from '../lib/model/state-dict';
import { train, type EpochRecord, type StepProgress, type TrainOutcome } from '../lib/train/trainer';
import { gpuMemoryHooks, planTrainMemory } from './gpu-memory';
import { validateConfig, type TrainConfig } from '../lib/train/config';
import { StudioError, toErrorData, type StudioErrorData } from '../lib/errors';
import { initBackend, type BackendInfo, type BackendName } from './backend';
import { useKernels, type KernelChoice } from './studio-kernels';
import { openStoredDataset, type StoredDataset } from './dataset-source';
import { openStudioDb, type RunRecord } from './db';
import { loadEpochWeights, loadNewestCheckpoint, loadRunModel, saveCheckpoint } from './checkpoint-store';
import { loadWeights, storeWeights } from './weights-store';
import { measureStepTimes } from './step-timing';
import type { StepTiming } from '../lib/train/presets';
import { transfer } from 'comlink';
import { SessionHolder, TrainingSession } from './training-session';
import { GpuProblems, mayBeDeviceLoss, type GpuProblemListener } from './gpu-problems';
import { bundledTfjsVersions, tfjsVersionProblem } from '../lib/tfjs-internals';

export interface TrainEvents {
  /** the run's record is stored (before its first step): its id, for the page to tell other tabs */
  onRun?(runId: string): void;
  onStep(p: StepProgress): void;
  onEpoch(r: EpochRecord): void;
}

/** A finished run's model, loaded back: the epoch whose weights it holds, with the run as stored. */
export interface OpenedRun {
  run: RunRecord;
  epoch: number;
}

export interface RunResult {
  runId: string;
  outcome?: TrainOutcome;
  error?: StudioErrorData;
}

export interface ModelExport {
  safetensors: Uint8Array;
  tfjs: TfjsWeights;
}

function numClassesFor(classes: string[]): number {
  return classes.length <= 2 ? 1 : classes.length;
}

function freshSession(dataset: StoredDataset, cfg: TrainConfig): TrainingSession {
  const model = createResNet18({ widthMultiplier: cfg.widthMultiplier, numClasses: numClassesFor(dataset.record.classes), inputSize: cfg.imageSize }, cfg.seed);
  const optimizer = new Adam({ lr: cfg.lr, beta1: cfg.beta1, beta2: cfg.beta2, eps: 1e-8, weightDecay: cfg.weightDecay });
  return new TrainingSession(dataset, model, optimizer);
}

function readWeightsFile(name: string, bytes: Uint8Array): StateDict {
  try {
    return /\.safetensors$/i.test(name) ? readSafetensors(bytes) : readPth(bytes);
  } catch (e) {
    throw new StudioError('bad-weights', `${name}: ${toErrorData(e).message}`);
  }
}

/** Optimizer state as one safetensors blob: keys "m.<param>" and "v.<param>". */
async function checkpoint(model: TrainingSession['model'], optimizer: Adam, run: RunRecord, epoch: number, history: EpochRecord[], monitorValue: number): Promise<void> {
  const weights = writeSafetensors(await exportStateDict(model));
  const state = await optimizer.exportState();
  const merged = new Map([...[...state.m].map(([k, v]) => [`m.${k}`, v] as const), ...[...state.v].map(([k, v]) => [`v.${k}`, v] as const)]);
  await saveCheckpoint(run, { epoch, weights, optimizer: writeSafetensors(merged), optimizerStep: state.step, history, monitorValue }, run.config.monitor);
}

class TrainingService {
  private backend: BackendInfo | undefined;
  private opening: Promise<BackendInfo> | undefined;
  readonly sessions = new SessionHolder();
  private readonly gpu = new GpuProblems(() => this.isTraining());
  /** runs asked for and not yet returned: while any is, the worker counts as training */
  private preparing = 0;

  /**
   * Opens the backend once. `onGpuProblem` (a comlink proxy from the page) hears of GPU device loss and
   * uncaptured GPU errors from now on, training or not; every caller of init may subscribe.
   */
  async init(order: BackendName[] = ['webgpu', 'webgl', 'cpu'], kernels: KernelChoice = 'studio', onGpuProblem?: GpuProblemListener): Promise<BackendInfo> {
    // one opening, whoever asks first: the page's init and a run started right after a reload may overlap
    this.opening ??= this.openBackend(order, kernels).catch((e) => {
      this.opening = undefined;
      throw e;
    });
    const backend = await this.opening;
    if (onGpuProblem) this.gpu.subscribe(onGpuProblem);
    return backend;
  }

  private async openBackend(order: BackendName[], kernels: KernelChoice): Promise<BackendInfo> {
    const backend = await initBackend(order);
    const problem = tfjsVersionProblem(bundledTfjsVersions());
    if (problem) backend.tfjsProblem = problem;
    if (backend.name === 'webgpu') {
      backend.kernels = useKernels(kernels);
      this.gpu.watch();
    }
    this.backend = backend;
    return backend;
  }

  private async runTraining(session: TrainingSession, run: RunRecord, events: TrainEvents, history: EpochRecord[]): Promise<RunResult> {
    const { model, optimizer, dataset, control } = session;
    if (!optimizer) throw new StudioError('internal', 'Training started without an optimizer.');
    const cfg = run.config;
    control.reset();
    session.run = run;
    const db = await openStudioDb();
    events.onRun?.(run.id);
    try {
      // Split batches that would not fit GPU memory into micro-batches (gpu-memory.ts); not stored in the run.
      const plan = await planTrainMemory(cfg, model.config.numClasses);
      const fitted: TrainConfig = { ...cfg, microBatchSize: plan.microBatchSize };
      const outcome = await train(
        model,
        optimizer,
        { mean: dataset.mean, std: dataset.std, load: dataset.load, train: dataset.examples('train'), val: dataset.examples('val') },
        fitted,
        {
          gpuMemory: gpuMemoryHooks(plan),
          onStep: (p) => events.onStep(p),
          onEpoch: (r) => events.onEpoch(r),
          checkpoint: (epoch, h, value) => checkpoint(model, optimizer, run, epoch, h, value),
          // after an early stop the model goes back to its best epoch (pruning keeps that checkpoint)
          restoreBest: async (epoch) => {
            const best = await loadEpochWeights(run.id, epoch);
            if (best) loadStateDict(model, readSafetensors(best), { adaptImageNet: false });
          },
          cancelled: () => control.cancelled,
          waitWhilePaused: () => control.waitWhilePaused(),
        },
        history,
      );
      run.status = outcome.cancelled ? 'cancelled' : 'done';
      run.history = outcome.history;
      // after an early stop the model went back to its best epoch; otherwise it is the last one
      run.modelEpoch = outcome.stoppedEarly && outcome.bestEpoch !== undefined ? outcome.bestEpoch : outcome.history[outcome.history.length - 1]?.epoch;
      await db.put('runs', run);
      return { runId: run.id, outcome };
    } catch (e) {
      // after a device loss the run stays 'running' so that a reload offers to resume it; the failing op
      // can reject before device.lost resolves, hence the short wait (skipped for errors the studio diagnosed)
      if ((this.gpu.lost || mayBeDeviceLoss(e)) && (await this.gpu.lostSoon())) return { runId: run.id, error: toErrorData(this.gpu.lostError()) };
      run.status = 'failed';
      await db.put('runs', run).catch(() => undefined);
      return { runId: run.id, error: toErrorData(e) };
    } finally {
      session.run = undefined;
    }
  }

  /** Keep an imported .pth / .safetensors in IndexedDB (after checking it parses) for later runs. */
  async importWeights(name: string, bytes: Uint8Array): Promise<{ name: string; tensors: number }> {
    const sd = readWeightsFile(name, bytes);
    if (!sd.has('conv1.weight') || !sd.has('fc.weight')) {
      throw new StudioError('bad-weights', `${name} is not a ResNet state dict (no conv1.weight / fc.weight).`);
    }
    await storeWeights(name, bytes);
    return { name, tensors: sd.size };
  }

  async listWeights(): Promise<string[]> {
    return (await openStudioDb()).getAllKeys('weights');
  }

  startTraining(datasetId: string, config: TrainConfig, events: TrainEvents, weightsName?: string): Promise<RunResult> {
    return this.preparingRun(() => this.newRun(datasetId, config, events, weightsName));
  }

  resumeTraining(runId: string, events: TrainEvents, extraEpochs = 0): Promise<RunResult> {
    return this.preparingRun(() => this.continueRun(runId, events, extraEpochs));
  }

  /** From the call on, the worker counts as training (the page already shows the run as running). */
  private async preparingRun(start: () => Promise<RunResult>): Promise<RunResult> {
    this.preparing++;
    try {
      return await start();
    } finally {
      this.preparing--;
    }
  }

  private async newRun(datasetId: string, config: TrainConfig, events: TrainEvents, weightsName?: string): Promise<RunResult> {
    await this.init();
    const cfg = validateConfig(config);
    const next = await openStoredDataset(datasetId);
    if (cfg.imageSize !== next.record.imageSize) {
      throw new StudioError('bad-config', `This dataset was imported at ${next.record.imageSize} px; train at that size or re-import.`);
    }
    const session = await this.sessions.replace(() => freshSession(next, cfg));
    if (weightsName) {
      const bytes = await loadWeights(weightsName);
      if (!bytes) throw new StudioError('bad-weights', `Imported weights "${weightsName}" are no longer stored; import the file again.`);
      loadStateDict(session.model, readWeightsFile(weightsName, bytes), { adaptImageNet: true });
    }
    const run: RunRecord = {
      id: `run-${Date.now().toString(36)}`,
      datasetId,
      createdAt: Date.now(),
      status: 'running',
      config: cfg,
      history: [],
      backend: this.backend,
    };
    await (await openStudioDb()).put('runs', run);
    return this.runTraining(session, run, events, []);
  }

  /** Continue an interrupted run (or add epochs to a finished one) from its newest checkpoint. */
  private async continueRun(runId: string, events: TrainEvents, extraEpochs: number): Promise<RunResult> {
    await this.init();
    const db = await openStudioDb();
    const run = await db.get('runs', runId);
    if (!run) throw new StudioError('internal', `Run ${runId} no longer exists.`);
    const latest = await loadNewestCheckpoint(runId);
    const cfg = { ...run.config };
    cfg.epochs += extraEpochs;
    const next = await openStoredDataset(run.datasetId);
    const session = await this.sessions.replace(() => freshSession(next, cfg));
    if (latest && session.optimizer) {
      loadStateDict(session.model, readSafetensors(latest.weights), { adaptImageNet: false });
      const merged = readSafetensors(latest.optimizer);
      const pick = (prefix: string) => new Map([...merged].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
      session.optimizer.importState({ step: latest.optimizerStep, m: pick('m.'), v: pick('v.') });
    }
    run.status = 'running';
    run.config = cfg;
    await db.put('runs', run);
    return this.runTraining(session, run, events, latest?.history ?? []);
  }

  pause(): void {
    this.sessions.peek()?.control.pause();
  }

  resume(): void {
    this.sessions.peek()?.control.resume();
  }

  cancel(): void {
    this.sessions.peek()?.control.cancel();
  }

  /** runTraining only runs inside preparingRun, so the count alone decides */
  isTraining(): boolean {
    return this.preparing > 0;
  }

  /**
   * This machine's training speed at `imageSize` for the presets (step-timing.ts). Empty on the CPU backend (a step
   * there takes minutes) and when a run is active; a run started meanwhile stops the measurement at the next step.
   */
  async measureSpeed(imageSize: number): Promise<StepTiming[]> {
    const info = await this.init();
    if (info.name === 'cpu' || this.isTraining()) return [];
    return measureStepTimes(imageSize, () => this.isTraining());
  }

  /** The current model as model.safetensors (torchvision keys) and in the tfjs weights format. */
  async exportModel(): Promise<ModelExport> {
    const session = this.sessions.peek();
    if (!session) throw new StudioError('internal', 'No model in this session: train, resume or load one first.');
    const { model, dataset } = session;
    const sd = await exportStateDict(model);
    const exported = { safetensors: writeSafetensors(sd), tfjs: toTfjsWeights(sd, { ...model.config, mean: dataset.mean, std: dataset.std }) };
    // moved to the page, not copied (full width: two ~45 MB buffers)
    return transfer(exported, [exported.safetensors.buffer as ArrayBuffer, exported.tfjs.weightsBin.buffer as ArrayBuffer]);
  }

  /**
   * Load a finished run's model back from the checkpoint it ended with (checkpoint-store.ts loadRunModel), for
   * evaluation, CAMs and export; without optimizer state (to train on, resume the run instead).
   */
  async openRun(runId: string): Promise<OpenedRun> {
    await this.init();
    if (this.isTraining()) throw new StudioError('internal', 'A run is training in this tab: wait for it to end (or cancel it) before reopening another.');
    const run = await (await openStudioDb()).get('runs', runId);
    if (!run) throw new StudioError('internal', `Run ${runId} no longer exists.`);
    const kept = await loadRunModel(run);
    if (!kept) throw new StudioError('internal', 'This run kept no checkpoint (it ended before its first epoch): there is no model to reopen.');
    const dataset = await openStoredDataset(run.datasetId);
    const cfg = run.config;
    await this.sessions.replace(() => {
      const model = createResNet18({ widthMultiplier: cfg.widthMultiplier, numClasses: numClassesFor(dataset.record.classes), inputSize: cfg.imageSize }, cfg.seed);
      loadStateDict(model, readSafetensors(kept.weights), { adaptImageNet: false });
      return new TrainingSession(dataset, model);
    });
    return { run, epoch: kept.epoch };
  }

  /**
   * Load a model the studio exported (or any 1-channel torchvision ResNet-18 state dict) for
   * evaluation and CAM on a stored dataset. Width and head follow the file's shapes.
   */
  async loadTrainedModel(datasetId: string, name: string, bytes: Uint8Array): Promise<{ widthMultiplier: number; numClasses: number }> {
    await this.init();
    const sd = readWeightsFile(name, bytes);
    const conv1 = sd.get('conv1.weight');
    const fc = sd.get('fc.weight');
    if (!conv1 || !fc) throw new StudioError('bad-weights', `${name} is not a ResNet state dict (no conv1.weight / fc.weight).`);
    if (conv1.shape[1] !== 1) throw new StudioError('bad-weights', `${name} expects ${conv1.shape[1]} input channels; use it as initial weights for training instead.`);
    const next = await openStoredDataset(datasetId);
    const config = { widthMultiplier: conv1.shape[0] / 64, numClasses: fc.shape[0], inputSize: next.record.imageSize };
    await this.sessions.replace(() => {
      const model = createResNet18(config, 1);
      loadStateDict(model, sd, { adaptImageNet: false });
      return new TrainingSession(next, model);
    });
    return { widthMultiplier: config.widthMultiplier, numClasses: config.numClasses };
  }
}

const service = new TrainingService();

export const init = service.init.bind(service);
export const importWeights = service.importWeights.bind(service);
export const listWeights = service.listWeights.bind(service);
export const startTraining = service.startTraining.bind(service);
export const resumeTraining = service.resumeTraining.bind(service);
export const pause = service.pause.bind(service);
export const resume = service.resume.bind(service);
export const cancel = service.cancel.bind(service);
export const measureSpeed = service.measureSpeed.bind(service);
export const exportModel = service.exportModel.bind(service);
export const loadTrainedModel = service.loadTrainedModel.bind(service);
export const openRun = service.openRun.bind(service);

/** This worker's session, handed to the evaluation/explanation service (explain-service.ts). */
export function session(): TrainingSession {
  return service.sessions.current();
}

