import type { AugmentConfig } from '../model/augment';
import { StudioError } from '../errors';
import type { LrSchedule } from './schedule';

export type Monitor = 'auc' | 'f1' | 'loss';
export type ImbalanceMode = 'pos-weight' | 'oversample' | 'none';

export const MONITORS: readonly Monitor[] = ['auc', 'f1', 'loss'];
export const IMBALANCE_MODES: readonly ImbalanceMode[] = ['pos-weight', 'oversample', 'none'];
export const SCHEDULES: readonly LrSchedule[] = ['none', 'cosine', 'step'];

export interface TrainConfig {
  epochs: number;
  batchSize: number;
  /** square input side, px; equals the dataset's stored image size */
  imageSize: number;
  widthMultiplier: number;
  lr: number;
  beta1: number;
  beta2: number;
  weightDecay: number;
  /** BCE pos_weight; 'auto' = negatives / positives of the training split */
  posWeight: number | 'auto';
  /** 'pos-weight': weighted BCE (posWeight); 'oversample': the minority class drawn again until balanced (batches.ts epochOrder) */
  imbalance: ImbalanceMode;
  augment: AugmentConfig;
  seed: number;
  /** epochs without improvement of `monitor` before stopping; 0 = never stop early */
  patience: number;
  monitor: Monitor;
  /** learning-rate schedule over the run (src/lib/train/schedule.ts); absent = 'none' */
  schedule?: LrSchedule;
  /**
   * At most this many images per forward/backward pass; larger batches are split into micro-batches with
   * gradient accumulation (BatchNorm statistics then come per micro-batch). Absent = the whole batch.
   * The platform sets it from the measured GPU bytes per image and the adapter limits / gpuBudgetMB.
   */
  microBatchSize?: number;
  /** GPU memory a training step may use, MB (10^6 bytes); absent = derived from the adapter's limits */
  gpuBudgetMB?: number;
}

/** The published recipe (RSNA pneumonia): 224 px, batch 64, Adam 1e-4, 30 epochs. */
export const RECIPE: TrainConfig = {
  epochs: 30,
  batchSize: 64,
  imageSize: 224,
  widthMultiplier: 1,
  lr: 1e-4,
  beta1: 0.9,
  beta2: 0.999,
  weightDecay: 0,
  posWeight: 'auto',
  imbalance: 'pos-weight',
  augment: {
    enabled: true,
    rotationDeg: 5,
    translateFrac: 0.05,
    scaleMin: 0.9,
    scaleMax: 1.1,
    cropAreaMin: 0.35,
    cropAreaMax: 1,
  },
  seed: 1,
  patience: 0,
  monitor: 'auc',
};

/**
 * What a software adapter (SwiftShader) can finish in minutes rather than days. 64 px is the smallest size
 * whose explanations show anything: layer 3's map is 4×4 there (at 32 px layer 4's is 1×1, layer 3's 2×2).
 */
export const SMALL_MACHINE: Partial<TrainConfig> = {
  epochs: 4,
  batchSize: 16,
  imageSize: 64,
  widthMultiplier: 0.125,
  lr: 3e-3,
};

export function validateConfig(c: TrainConfig): TrainConfig {
  const bad = (what: string) => {
    throw new StudioError('bad-config', what);
  };
  if (!Number.isInteger(c.epochs) || c.epochs < 1 || c.epochs > 1000) bad(`Epochs must be 1–1000, got ${c.epochs}.`);
  if (!Number.isInteger(c.batchSize) || c.batchSize < 1 || c.batchSize > 1024) bad(`Batch size must be 1–1024, got ${c.batchSize}.`);
  if (!Number.isInteger(c.imageSize) || c.imageSize < 32 || c.imageSize > 512) bad(`Image size must be 32–512 px, got ${c.imageSize}.`);
  if (!(c.widthMultiplier > 0 && c.widthMultiplier <= 2)) bad(`Width multiplier must be in (0, 2], got ${c.widthMultiplier}.`);
  if (!(c.lr > 0 && c.lr < 1)) bad(`Learning rate must be in (0, 1), got ${c.lr}.`);
  if (c.posWeight !== 'auto' && !(c.posWeight > 0)) bad(`pos_weight must be positive or 'auto', got ${c.posWeight}.`);
  if (!Number.isInteger(c.patience) || c.patience < 0) bad(`Patience must be a whole number ≥ 0, got ${c.patience}.`);
  if (!MONITORS.includes(c.monitor)) bad(`Unknown monitor ${c.monitor}: use ${MONITORS.join(', ')}.`);
  if (!IMBALANCE_MODES.includes(c.imbalance)) bad(`Unknown imbalance mode ${c.imbalance}: use ${IMBALANCE_MODES.join(', ')}.`);
  if (c.schedule !== undefined && !SCHEDULES.includes(c.schedule)) bad(`Unknown learning-rate schedule ${c.schedule}: use ${SCHEDULES.join(', ')}.`);
  if (c.microBatchSize !== undefined && !(Number.isInteger(c.microBatchSize) && c.microBatchSize >= 1))
    bad(`Micro-batch size must be a whole number ≥ 1, got ${c.microBatchSize}.`);
  if (c.gpuBudgetMB !== undefined && !(c.gpuBudgetMB > 0)) bad(`GPU memory budget must be positive, got ${c.gpuBudgetMB} MB.`);
  return c;
}

/** Settings without a place in the main row of the training panel (TrainSettings.svelte, the CLI's options). */
export type AdvancedSetting = 'monitor' | 'schedule' | 'imbalance' | 'gpuBudgetMB' | 'microBatchSize';

const NUMBER_NAMES = { gpuBudgetMB: 'GPU memory budget (MB)', microBatchSize: 'Micro-batch size' } as const;

/**
 * `c` with one advanced setting as its control gives it: a select's value, or a number's text (empty:
 * unset, the studio decides). Checked by validateConfig on its own, so a mistake elsewhere does not block it;
 * a StudioError ('bad-config') says what is wrong.
 */
export function withSetting(c: TrainConfig, key: AdvancedSetting, text: string): TrainConfig {
  const t = text.trim();
  let value: string | number | undefined = t;
  if (key === 'gpuBudgetMB' || key === 'microBatchSize') {
    value = t === '' ? undefined : Number(t);
    if (value !== undefined && !Number.isFinite(value)) throw new StudioError('bad-config', `${NUMBER_NAMES[key]} must be a number, got "${text}".`);
  }
  validateConfig({ ...RECIPE, [key]: value });
  return { ...c, [key]: value };
}
