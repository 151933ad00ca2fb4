/**
 * Training presets from this machine's measured speed: a live demo whose run (and so its first CAM) fits a
 * time budget, and the full recipe with its minutes per epoch on this dataset. Speed is measured as ms per
 * training image at one or more widths; other widths are estimated from their work (multiply-adds).
 */
import { RECIPE, type TrainConfig } from './config';

/** FLOP (2 × multiply-adds) of one ResNet-18 forward pass, 1-channel conv1, channels × `width`, at `size` px. */
export function resnet18ForwardFlop(size: number, width: number): number {
  const c = (n: number) => Math.max(1, Math.round(n * width));
  const out = (side: number, k: number, stride: number, pad: number) => Math.floor((side + 2 * pad - k) / stride) + 1;
  const conv = (side: number, k: number, inC: number, outC: number) => 2 * side * side * k * k * inC * outC;
  let side = out(size, 7, 2, 3);
  let flop = conv(side, 7, 1, c(64));
  side = out(side, 3, 2, 1); // max pool
  flop += 4 * conv(side, 3, c(64), c(64));
  let inC = c(64);
  for (const outC of [c(128), c(256), c(512)]) {
    side = out(side, 3, 2, 1);
    flop += conv(side, 3, inC, outC) + conv(side, 1, inC, outC) + 3 * conv(side, 3, outC, outC);
    inC = outC;
  }
  return flop;
}

/** One measured training step: ms per image at a width and input size. */
export interface StepTiming {
  widthMultiplier: number;
  imageSize: number;
  msPerImage: number;
}

/**
 * ms per training image at `width`, fitted as fixed + per-FLOP cost through the measured widths at `size`
 * (one measurement: cost proportional to work). Dispatch overhead makes small widths cost more than their
 * work, which the fixed term carries.
 */
export function estimateMsPerImage(timings: StepTiming[], size: number, width: number): number {
  const points = timings.filter((t) => t.imageSize === size && t.msPerImage > 0).map((t) => ({ x: resnet18ForwardFlop(size, t.widthMultiplier), y: t.msPerImage }));
  if (points.length === 0) throw new Error(`no step timing at ${size} px`);
  const x = resnet18ForwardFlop(size, width);
  if (points.length === 1) return (points[0].y * x) / points[0].x;
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  const slope = sxx > 0 ? Math.max(0, points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0) / sxx) : 0;
  const fixed = Math.max(0, my - slope * mx);
  return fixed + slope * x;
}

export interface Preset {
  id: 'live-demo' | 'full-recipe';
  config: Pick<TrainConfig, 'epochs' | 'batchSize' | 'widthMultiplier' | 'lr'>;
  /** estimated training seconds per epoch over the training split (validation not included) */
  secondsPerEpoch: number;
  /** estimated training seconds for the whole run */
  totalSeconds: number;
  /** live demo: the run fits the budget */
  fitsBudget: boolean;
}

export const DEMO_BUDGET_SECONDS = 120;
const DEMO_WIDTHS = [1, 0.5, 0.25, 0.125];
/** a demo learns in a few epochs only with a larger step than the recipe's 1e-4 */
const DEMO_LR = 1e-3;
const DEMO_MAX_EPOCHS = 8;

/**
 * The live demo: the widest model whose run of at least one epoch fits the budget, with as many epochs (≤ 8) as fit;
 * when none fits, the narrowest for one epoch, marked as over budget. The full recipe: width 1, batch 64, 30 epochs.
 */
export function presetsFor(timings: StepTiming[], imageSize: number, trainImages: number, budgetSeconds = DEMO_BUDGET_SECONDS): Preset[] {
  const epochSeconds = (width: number) => (trainImages * estimateMsPerImage(timings, imageSize, width)) / 1000;
  const fitting = DEMO_WIDTHS.find((w) => epochSeconds(w) <= budgetSeconds);
  const width = fitting ?? DEMO_WIDTHS[DEMO_WIDTHS.length - 1];
  const perEpoch = epochSeconds(width);
  const epochs = fitting === undefined ? 1 : Math.max(1, Math.min(DEMO_MAX_EPOCHS, Math.floor(budgetSeconds / perEpoch)));
  const full = epochSeconds(RECIPE.widthMultiplier);
  return [
    {
      id: 'live-demo',
      config: { epochs, batchSize: Math.max(2, Math.min(16, trainImages)), widthMultiplier: width, lr: DEMO_LR },
      secondsPerEpoch: perEpoch,
      totalSeconds: perEpoch * epochs,
      fitsBudget: fitting !== undefined,
    },
    {
      id: 'full-recipe',
      config: { epochs: RECIPE.epochs, batchSize: RECIPE.batchSize, widthMultiplier: RECIPE.widthMultiplier, lr: RECIPE.lr },
      secondsPerEpoch: full,
      totalSeconds: full * RECIPE.epochs,
      fitsBudget: true,
    },
  ];
}

function duration(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`;
  const minutes = seconds / 60;
  if (minutes < 90) return `${Math.round(minutes)} min`;
  return `${(minutes / 60).toFixed(minutes < 600 ? 1 : 0)} h`;
}

/** One line a person reads before choosing, e.g. "Live demo: width ×0.25, 3 epochs of batch 16 — first CAM in about 2 min". */
export function describePreset(p: Preset, budgetSeconds = DEMO_BUDGET_SECONDS): string {
  const c = p.config;
  if (p.id === 'live-demo') {
    const shape = `width ×${c.widthMultiplier}, ${c.epochs} epoch${c.epochs === 1 ? '' : 's'} of batch ${c.batchSize}`;
    return p.fitsBudget
      ? `Live demo: ${shape} — first CAM in about ${duration(p.totalSeconds)}`
      : `Live demo: ${shape} — about ${duration(p.totalSeconds)}, over the ${duration(budgetSeconds)} goal: import fewer or smaller images for a faster demo`;
  }
  return `Full recipe: width ×${c.widthMultiplier}, batch ${c.batchSize}, ${c.epochs} epochs — about ${duration(p.secondsPerEpoch)} per epoch, ${duration(p.totalSeconds)} in all`;
}
