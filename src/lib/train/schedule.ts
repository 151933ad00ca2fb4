import { StudioError } from '../errors';

export type LrSchedule = 'none' | 'cosine' | 'step';

/** Step schedule: the rate is multiplied by STEP_GAMMA at each of these fractions of the epochs. */
export const STEP_GAMMA = 0.1;
export const STEP_MILESTONES = [0.5, 0.75] as const;

export interface ScheduleInput {
  schedule: LrSchedule;
  baseLr: number;
  epochs: number;
  stepsPerEpoch: number;
  /** 1-based epoch and 0-based step within it of the step about to be taken */
  epoch: number;
  step: number;
}

/**
 * Learning rate for one optimizer step.
 * - none: baseLr.
 * - cosine (per step, no warm-up, to 0): baseLr · ½(1 + cos(π · t / T)), t = steps taken before this one,
 *   T = epochs · stepsPerEpoch; the first step uses baseLr.
 * - step: baseLr · 0.1^k, k = milestones (50 %, 75 % of the epochs, rounded down, at least epoch 1)
 *   already reached: with 10 epochs, epochs 1–5 use baseLr, 6–7 baseLr/10, 8–10 baseLr/100.
 * Pure in (epoch, step), so a resumed run continues on the same curve.
 */
export function learningRateAt(s: ScheduleInput): number {
  if (!(s.baseLr > 0) || s.epochs < 1 || s.stepsPerEpoch < 1 || s.epoch < 1 || s.step < 0)
    throw new StudioError('bad-config', `learning-rate schedule: bad input ${JSON.stringify(s)}`);
  switch (s.schedule) {
    case 'none':
      return s.baseLr;
    case 'cosine': {
      const t = (s.epoch - 1) * s.stepsPerEpoch + s.step;
      const total = s.epochs * s.stepsPerEpoch;
      return s.baseLr * 0.5 * (1 + Math.cos((Math.PI * Math.min(t, total)) / total));
    }
    case 'step': {
      const reached = STEP_MILESTONES.filter((f) => s.epoch > Math.max(1, Math.floor(f * s.epochs))).length;
      return s.baseLr * STEP_GAMMA ** reached;
    }
    default:
      throw new StudioError('bad-config', `unknown learning-rate schedule ${String(s.schedule)}`);
  }
}
