/**
 * The epoch loop: seeded order → batches streamed from the loader (the next one prefetched
 * while the GPU works) → on-GPU augmentation → train step → validation → history, checkpoint,
 * early stopping. Backend-agnostic: the caller has already chosen the tfjs backend.
 */
import * as tf from '@tensorflow/tfjs';
import type { ResNet } from '../model/resnet';
import type { Adam } from '../model/adam';
import { augmentBatch } from '../model/augment';
import { trainStep } from '../model/train-step';
import { StudioError } from '../errors';
import { autoPosWeight, epochOrder, foldNote, trainingBatches, type Example } from './batches';
import { toInputTensor } from '../model/input-tensor';
import { RunEta } from './eta';
import { predictLogits, summarise, type PixelLoader } from './evaluate';
import type { TrainConfig } from './config';
import { learningRateAt } from './schedule';
import { isBetter } from './checkpoints';

export interface DataSource extends PixelLoader {
  train: Example[];
  val: Example[];
}

export interface StepProgress {
  epoch: number;
  step: number;
  stepsPerEpoch: number;
  loss: number;
  imagesPerSecond: number;
  /** seconds left for the whole run (lib/train/eta.ts); undefined while it is estimating */
  etaSeconds?: number;
  /** forward/backward passes per step: > 1 when the batch was split to fit GPU memory (BatchNorm then
   * normalises each micro-batch with its own statistics) */
  microBatches: number;
  /** learning rate this step used (after the schedule) */
  lr: number;
}

export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  valLoss: number;
  valAccuracy: number;
  valAuc: number;
  valF1: number;
  seconds: number;
  imagesPerSecond: number;
  /** live tfjs tensors after the epoch: must stay constant from epoch to epoch */
  numTensors: number;
  /** GPU bytes the backend holds after the epoch (buffers or textures incl. its pool, read through the
   * platform's gpuMemory hook; absent without one or on CPU); constant from epoch to epoch as the hook empties the pool */
  gpuBytes?: number;
  /** forward/backward passes per full training step (see StepProgress.microBatches) */
  microBatches: number;
  /** GPU memory one training image took this epoch: the growth of the backend's allocation during the
   * epoch's first train step, over one forward/backward pass's images (WebGPU/WebGL; see TrainHooks.gpuMemory) */
  gpuBytesPerImage?: number;
  stepLosses: number[];
}

export interface TrainHooks {
  onStep?(p: StepProgress): void;
  onEpoch?(r: EpochRecord, history: EpochRecord[]): void | Promise<void>;
  /** persist weights + optimizer after an epoch (the platform owns storage) */
  checkpoint?(epoch: number, history: EpochRecord[], monitorValue: number): Promise<void>;
  cancelled?(): boolean;
  /**
   * After an early stop whose best epoch is not the last: load that epoch's weights back (the platform
   * reads them from its checkpoint, which pruning keeps). Without the hook the model stays at the last epoch.
   */
  restoreBest?(epoch: number): Promise<void>;
  /** the platform's GPU memory: pool release and the allocation meter (WebGPU and WebGL) */
  gpuMemory?: GpuMemoryHooks;
  waitWhilePaused?(): Promise<void>;
}

export interface GpuMemoryHooks {
  /** frees idle pooled GPU buffers: after each epoch's validation (before gpuBytes is read) and, when
   * releaseWithinSteps, inside every train step too (see TrainStepOptions.releaseMemory) */
  release(): void;
  releaseWithinSteps: boolean;
  /** before the first train step of each epoch (the pool was just emptied): start measuring */
  begin(): void;
  /** after that step: the largest allocation since begin() (sampled at every release) minus the allocation at begin() */
  growth(): number | undefined;
  /** bytes of every GPU buffer / texture the backend holds now, pool included (undefined on CPU) */
  allocated(): number | undefined;
}

export interface TrainOutcome {
  history: EpochRecord[];
  stoppedEarly: boolean;
  cancelled: boolean;
  posWeight: number;
  /** what the run changed on its own and the person should know (e.g. a folded last batch: lib/train/batches.ts) */
  notes: string[];
  /** epoch with the best `monitor` value so far (the first of equals); undefined while every value is NaN */
  bestEpoch?: number;
}

export function monitorValue(r: EpochRecord, monitor: TrainConfig['monitor']): number {
  return monitor === 'auc' ? r.valAuc : monitor === 'f1' ? r.valF1 : r.valLoss;
}

export interface BestSoFar {
  /** undefined while no epoch has a monitored value (e.g. AUC of a one-class validation split) */
  bestEpoch?: number;
  /** epochs after the best one (all of them when there is none) */
  sinceBest: number;
}

/** Early stopping's view of a history: loss lower is better, AUC and F1 higher; NaN never improves. */
export function bestSoFar(history: EpochRecord[], monitor: TrainConfig['monitor']): BestSoFar {
  let best = NaN;
  let bestEpoch: number | undefined;
  let sinceBest = 0;
  for (const r of history) {
    const v = monitorValue(r, monitor);
    if (isBetter(monitor, v, best)) [best, bestEpoch, sinceBest] = [v, r.epoch, 0];
    else sinceBest++;
  }
  return { bestEpoch, sinceBest };
}

export async function train(
  model: ResNet,
  optimizer: Adam,
  data: DataSource,
  cfg: TrainConfig,
  hooks: TrainHooks = {},
  resumeHistory: EpochRecord[] = [],
): Promise<TrainOutcome> {
  if (data.train.length === 0) throw new StudioError('empty-dataset', 'The training split is empty.');
  const binary = model.config.numClasses === 1;
  const posWeight =
    cfg.imbalance === 'pos-weight' ? (cfg.posWeight === 'auto' ? autoPosWeight(data.train) : cfg.posWeight) : 1;
  const loss = binary ? ({ kind: 'bce', posWeight } as const) : ({ kind: 'ce' } as const);
  const history = resumeHistory.slice();
  const notes: string[] = [];
  const size = model.config.inputSize;
  const runStart = performance.now();
  let imagesDone = 0;
  const eta = new RunEta({ epochs: cfg.epochs, trainImages: data.train.length, valImages: data.val.length });

  for (let epoch = history.length + 1; epoch <= cfg.epochs; epoch++) {
    const t0 = performance.now();
    const order = epochOrder(data.train, cfg.seed, epoch, cfg.imbalance === 'oversample');
    const batches = trainingBatches(order, cfg.batchSize);
    const note = foldNote(order.length, cfg.batchSize);
    if (note && !notes.includes(note)) notes.push(note);
    const stepLosses: number[] = [];
    let next = data.load(batches[0].map((e) => e.id));
    let microBatches = 1;
    let stepGrowth: number | undefined;
    let epochImagesDone = 0;
    for (let step = 0; step < batches.length; step++) {
      await hooks.waitWhilePaused?.();
      const stepStart = performance.now();
      if (hooks.cancelled?.()) return { history, stoppedEarly: false, cancelled: true, posWeight, notes, bestEpoch: bestSoFar(history, cfg.monitor).bestEpoch };
      const images = await next;
      if (step + 1 < batches.length) next = data.load(batches[step + 1].map((e) => e.id));
      const batch = batches[step];
      const x = tf.tidy(() => {
        const raw = toInputTensor(images, size, data.mean, data.std);
        return cfg.augment.enabled ? augmentBatch(raw, cfg.augment, cfg.seed * 7919 + epoch * 131071 + step) : raw;
      });
      const y = binary ? tf.tensor2d(batch.map((e) => e.label), [batch.length, 1]) : tf.tensor1d(batch.map((e) => e.label), 'int32');
      const lr = learningRateAt({
        schedule: cfg.schedule ?? 'none',
        baseLr: cfg.lr,
        epochs: cfg.epochs,
        stepsPerEpoch: batches.length,
        epoch,
        step,
      });
      optimizer.setLearningRate(lr);
      const gpu = hooks.gpuMemory;
      if (step === 0) gpu?.begin();
      const releaseMemory = gpu?.releaseWithinSteps ? gpu.release : undefined;
      const result = await trainStep(model, optimizer, x, y, loss, { microBatchSize: cfg.microBatchSize, releaseMemory });
      if (step === 0) stepGrowth = gpu?.growth();
      const stepLoss = result.loss;
      if (step === 0) microBatches = result.microBatches;
      x.dispose();
      y.dispose();
      if (!Number.isFinite(stepLoss)) {
        throw new StudioError('internal', `Training diverged at epoch ${epoch}, step ${step + 1} (loss ${stepLoss}). Lower the learning rate.`);
      }
      stepLosses.push(stepLoss);
      imagesDone += batch.length;
      epochImagesDone += batch.length;
      const now = performance.now();
      eta.stepDone(batch.length, (now - stepStart) / 1000);
      const rate = imagesDone / Math.max((now - runStart) / 1000, 1e-6);
      hooks.onStep?.({
        epoch,
        step: step + 1,
        stepsPerEpoch: batches.length,
        loss: stepLoss,
        imagesPerSecond: rate,
        etaSeconds: eta.secondsLeft(epoch, data.train.length - epochImagesDone),
        microBatches: result.microBatches,
        lr,
      });
    }
    const stepsEnded = performance.now();
    const val = summarise(await predictLogits(model, data, data.val, cfg.batchSize), data.val, model.config.numClasses, posWeight);
    const validated = performance.now();
    hooks.gpuMemory?.release();
    const seconds = (performance.now() - t0) / 1000;
    const gpuBytes = hooks.gpuMemory?.allocated();
    const record: EpochRecord = {
      epoch,
      trainLoss: stepLosses.reduce((a, b) => a + b, 0) / stepLosses.length,
      valLoss: val.loss,
      valAccuracy: val.accuracy,
      valAuc: val.auc,
      valF1: val.f1,
      seconds,
      imagesPerSecond: data.train.length / seconds,
      numTensors: tf.memory().numTensors,
      ...(gpuBytes !== undefined ? { gpuBytes } : {}),
      microBatches,
      ...(stepGrowth !== undefined ? { gpuBytesPerImage: stepGrowth / Math.ceil(batches[0].length / microBatches) } : {}),
      stepLosses,
    };
    history.push(record);
    await hooks.checkpoint?.(epoch, history, monitorValue(record, cfg.monitor));
    await hooks.onEpoch?.(record, history);
    eta.epochDone((validated - stepsEnded) / 1000, (performance.now() - validated) / 1000);
    const { bestEpoch, sinceBest } = bestSoFar(history, cfg.monitor);
    if (cfg.patience > 0 && sinceBest >= cfg.patience && epoch < cfg.epochs) {
      if (bestEpoch !== undefined && bestEpoch !== epoch) await hooks.restoreBest?.(bestEpoch);
      return { history, stoppedEarly: true, cancelled: false, posWeight, notes, bestEpoch };
    }
  }
  return { history, stoppedEarly: false, cancelled: false, posWeight, notes, bestEpoch: bestSoFar(history, cfg.monitor).bestEpoch };
}
