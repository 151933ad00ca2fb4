/**
 * The training worker's API: backend choice, model lifetime, training with checkpoints in
 * IndexedDB, resume after a reload, weights in and out. Runs in workers/train.worker.ts;
 * progress reaches the page through comlink-proxied callbacks.
 */
import * as tf from '@tensorflow/tfjs';
import { createResNet18, type ResNet } from '../lib/model/resnet';
import { Adam } from '../lib/model/adam';
import { exportStateDict, loadStateDict } from '../lib/model/state-dict';
import { readSafetensors, writeSafetensors } from '../lib/model/safetensors';
import { readPth } from '../lib/model/pth';
import { toTfjsWeights, type TfjsWeights } from '../lib/model/tfjs-weights';
import type { StateDict } from '../lib/model/state-dict';
import { train, type EpochRecord, type StepProgress, type TrainOutcome } from '../lib/train/trainer';
import { gpuMemoryHooks, planTrainMemory } from './gpu-memory';
import { noSessionReaders } from './session-guard';
import { validateConfig, type TrainConfig } from '../lib/train/config';
import { StudioError, toErrorData, type StudioErrorData } from '../lib/errors';
import { initBackend, type BackendInfo, type BackendName } from './backend';
import { useKernels, type KernelChoice } from './studio-kernels';
import { openStoredDataset, type StoredDataset } from './dataset-source';
import { openStudioDb, type RunRecord } from './db';
import { loadNewestCheckpoint, saveCheckpoint } from './checkpoint-store';
import { loadWeights, storeWeights } from './weights-store';
import { measureStepTimes } from './step-timing';
import type { StepTiming } from '../lib/train/presets';

export interface TrainEvents {
  onStep(p: StepProgress): void;
  onEpoch(r: EpochRecord): void;
}

export interface RunResult {
  runId: string;
  outcome?: TrainOutcome;
  error?: StudioErrorData;
}

let backend: BackendInfo | undefined;
let model: ResNet | undefined;
let optimizer: Adam | undefined;
let dataset: StoredDataset | undefined;
let activeRun: RunRecord | undefined;
let paused = false;
let cancelRequested = false;
let resumePaused: (() => void) | undefined;

/** Set when the WebGPU device is lost (driver reset, GPU removed, tab in background too long). */
let deviceLost: string | undefined;

export async function init(order: BackendName[] = ['webgpu', 'webgl', 'cpu'], kernels: KernelChoice = 'studio'): Promise<BackendInfo> {
  if (!backend) {
    backend = await initBackend(order);
    if (backend.name === 'webgpu') backend.kernels = useKernels(kernels);
    const device = (tf.backend() as unknown as { device?: { lost?: Promise<{ message?: string; reason?: string }> } }).device;
    void device?.lost?.then((info) => {
      deviceLost = info.message || info.reason || 'unknown reason';
    });
  }
  return backend;
}

function deviceLostError(): StudioError {
  return new StudioError(
    'device-lost',
    `The GPU device was lost (${deviceLost}). Reload the page and choose "Resume interrupted run": training continues from the last checkpoint.`,
  );
}

function numClassesFor(classes: string[]): number {
  return classes.length <= 2 ? 1 : classes.length;
}

/**
 * Makes `next` the session's dataset and `build()` its model, once no evaluation or explanation still reads
 * the old ones (session-guard.ts); nothing awaits between the wait and the swap.
 */
async function replaceSession(next: StoredDataset, build: () => void): Promise<void> {
  await noSessionReaders();
  dataset = next;
  build();
}

function freshModel(cfg: TrainConfig, classes: string[]): void {
  model?.dispose();
  optimizer?.dispose();
  model = createResNet18({ widthMultiplier: cfg.widthMultiplier, numClasses: numClassesFor(classes), inputSize: cfg.imageSize }, cfg.seed);
  optimizer = new Adam({ lr: cfg.lr, beta1: cfg.beta1, beta2: cfg.beta2, eps: 1e-8, weightDecay: cfg.weightDecay });
}

/** Optimizer state as one safetensors blob: keys "m.<param>" and "v.<param>". */
async function checkpoint(run: RunRecord, epoch: number, history: EpochRecord[], monitorValue: number): Promise<void> {
  if (!model || !optimizer) return;
  const weights = writeSafetensors(await exportStateDict(model));
  const state = await optimizer.exportState();
  const merged = new Map([...[...state.m].map(([k, v]) => [`m.${k}`, v] as const), ...[...state.v].map(([k, v]) => [`v.${k}`, v] as const)]);
  await saveCheckpoint(run, { epoch, weights, optimizer: writeSafetensors(merged), optimizerStep: state.step, history, monitorValue }, (run.config as TrainConfig).monitor);
}

async function runTraining(run: RunRecord, cfg: TrainConfig, events: TrainEvents, history: EpochRecord[]): Promise<RunResult> {
  if (!model || !optimizer || !dataset) throw new StudioError('internal', 'Training started without a model.');
  paused = false;
  cancelRequested = false;
  activeRun = run;
  const db = await openStudioDb();
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
        checkpoint: (epoch, h, value) => checkpoint(run, epoch, h, value),
        cancelled: () => cancelRequested,
        waitWhilePaused: () => (paused ? new Promise<void>((r) => (resumePaused = r)) : Promise.resolve()),
      },
      history,
    );
    run.status = outcome.cancelled ? 'cancelled' : 'done';
    run.history = outcome.history;
    await db.put('runs', run);
    return { runId: run.id, outcome };
  } catch (e) {
    // after a device loss the run stays 'running' so that a reload offers to resume it
    if (deviceLost) return { runId: run.id, error: toErrorData(deviceLostError()) };
    run.status = 'failed';
    await db.put('runs', run).catch(() => undefined);
    return { runId: run.id, error: toErrorData(e) };
  } finally {
    activeRun = undefined;
  }
}

function readWeightsFile(name: string, bytes: Uint8Array): StateDict {
  try {
    return /\.safetensors$/i.test(name) ? readSafetensors(bytes) : readPth(bytes);
  } catch (e) {
    throw new StudioError('bad-weights', `${name}: ${toErrorData(e).message}`);
  }
}

/** Keep an imported .pth / .safetensors in IndexedDB (after checking it parses) for later runs. */
export async function importWeights(name: string, bytes: Uint8Array): Promise<{ name: string; tensors: number }> {
  const sd = readWeightsFile(name, bytes);
  if (!sd.has('conv1.weight') || !sd.has('fc.weight')) {
    throw new StudioError('bad-weights', `${name} is not a ResNet state dict (no conv1.weight / fc.weight).`);
  }
  await storeWeights(name, bytes);
  return { name, tensors: sd.size };
}

export async function listWeights(): Promise<string[]> {
  return (await openStudioDb()).getAllKeys('weights');
}

export async function startTraining(datasetId: string, config: TrainConfig, events: TrainEvents, weightsName?: string): Promise<RunResult> {
  await init();
  const cfg = validateConfig(config);
  const next = await openStoredDataset(datasetId);
  if (cfg.imageSize !== next.record.imageSize) {
    throw new StudioError('bad-config', `This dataset was imported at ${next.record.imageSize} px; train at that size or re-import.`);
  }
  await replaceSession(next, () => freshModel(cfg, next.record.classes));
  if (weightsName && model) {
    const bytes = await loadWeights(weightsName);
    if (!bytes) throw new StudioError('bad-weights', `Imported weights "${weightsName}" are no longer stored; import the file again.`);
    loadStateDict(model, readWeightsFile(weightsName, bytes), { adaptImageNet: true });
  }
  const run: RunRecord = {
    id: `run-${Date.now().toString(36)}`,
    datasetId,
    createdAt: Date.now(),
    status: 'running',
    config: cfg,
    history: [],
    backend,
  };
  await (await openStudioDb()).put('runs', run);
  return runTraining(run, cfg, events, []);
}

/** Continue an interrupted run (or add epochs to a finished one) from its newest checkpoint. */
export async function resumeTraining(runId: string, events: TrainEvents, extraEpochs = 0): Promise<RunResult> {
  await init();
  const db = await openStudioDb();
  const run = await db.get('runs', runId);
  if (!run) throw new StudioError('internal', `Run ${runId} no longer exists.`);
  const latest = await loadNewestCheckpoint(runId);
  const cfg = { ...(run.config as TrainConfig) };
  cfg.epochs += extraEpochs;
  const next = await openStoredDataset(run.datasetId);
  await replaceSession(next, () => freshModel(cfg, next.record.classes));
  if (latest && model && optimizer) {
    loadStateDict(model, readSafetensors(latest.weights), { adaptImageNet: false });
    const merged = readSafetensors(latest.optimizer);
    const pick = (prefix: string) => new Map([...merged].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
    optimizer.importState({ step: latest.optimizerStep, m: pick('m.'), v: pick('v.') });
  }
  run.status = 'running';
  run.config = cfg;
  await db.put('runs', run);
  return runTraining(run, cfg, events, (latest?.history as EpochRecord[]) ?? []);
}

export function pause(): void {
  paused = true;
}

export function resume(): void {
  paused = false;
  resumePaused?.();
  resumePaused = undefined;
}

export function cancel(): void {
  cancelRequested = true;
  resume();
}

export function isTraining(): boolean {
  return activeRun !== undefined;
}

/**
 * This machine's training speed at `imageSize` for the presets (step-timing.ts). Empty on the CPU backend (a step
 * there takes minutes) and when a run is active; a run started meanwhile stops the measurement at the next step.
 */
export async function measureSpeed(imageSize: number): Promise<StepTiming[]> {
  const info = await init();
  if (info.name === 'cpu' || isTraining()) return [];
  return measureStepTimes(imageSize, isTraining);
}

export interface ModelExport {
  safetensors: Uint8Array;
  tfjs: TfjsWeights;
}

/** The current model as model.safetensors (torchvision keys) and in the tfjs weights format. */
export async function exportModel(): Promise<ModelExport> {
  if (!model) throw new StudioError('internal', 'No model in this session: train, resume or load one first.');
  const sd = await exportStateDict(model);
  return { safetensors: writeSafetensors(sd), tfjs: toTfjsWeights(sd, { ...model.config, mean: dataset?.mean, std: dataset?.std }) };
}

/**
 * Load a model the studio exported (or any 1-channel torchvision ResNet-18 state dict) for
 * evaluation and CAM on a stored dataset. Width and head follow the file's shapes.
 */
export async function loadTrainedModel(datasetId: string, name: string, bytes: Uint8Array): Promise<{ widthMultiplier: number; numClasses: number }> {
  await init();
  const sd = readWeightsFile(name, bytes);
  const conv1 = sd.get('conv1.weight');
  const fc = sd.get('fc.weight');
  if (!conv1 || !fc) throw new StudioError('bad-weights', `${name} is not a ResNet state dict (no conv1.weight / fc.weight).`);
  if (conv1.shape[1] !== 1) throw new StudioError('bad-weights', `${name} expects ${conv1.shape[1]} input channels; use it as initial weights for training instead.`);
  const next = await openStoredDataset(datasetId);
  const config = { widthMultiplier: conv1.shape[0] / 64, numClasses: fc.shape[0], inputSize: next.record.imageSize };
  await replaceSession(next, () => {
    model?.dispose();
    model = createResNet18(config, 1);
    loadStateDict(model, sd, { adaptImageNet: false });
  });
  return { widthMultiplier: config.widthMultiplier, numClasses: config.numClasses };
}

/** The model and dataset of this worker session, for evaluation/explanation services. */
export function session(): { model: ResNet; dataset: StoredDataset } {
  if (!model || !dataset) throw new StudioError('internal', 'No trained model in this session: train or resume a run first.');
  return { model, dataset };
}

export function memory(): { numTensors: number; numBytes: number } {
  const m = tf.memory();
  return { numTensors: m.numTensors, numBytes: m.numBytes };
}
