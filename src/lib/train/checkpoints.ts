/** Which checkpoints a run keeps: the one just written and the best by the monitored metric. */
import type { Monitor } from './config';

export interface CheckpointSummary {
  id: string;
  epoch: number;
  monitorValue: number;
}

/** `a` beats `b` on `monitor`: loss lower, AUC and F1 higher; NaN (e.g. AUC of one class) beats nothing and loses to any number. */
export function isBetter(monitor: Monitor, a: number, b: number): boolean {
  if (Number.isNaN(a)) return false;
  return Number.isNaN(b) || (monitor === 'loss' ? a < b : a > b);
}

/**
 * Ids of `existing` checkpoints to delete when a new one with `newValue` is written: all but the
 * best of them, and that one too when the new checkpoint is better.
 */
export function checkpointsToPrune(existing: CheckpointSummary[], newValue: number, monitor: Monitor): string[] {
  let best: CheckpointSummary | undefined;
  for (const c of existing) if (!best || isBetter(monitor, c.monitorValue, best.monitorValue)) best = c;
  const keepBest = best !== undefined && !isBetter(monitor, newValue, best.monitorValue);
  return existing.filter((c) => !(keepBest && c === best)).map((c) => c.id);
}

/** The checkpoint a resume starts from: the newest epoch. */
export function newestCheckpoint<T extends { epoch: number }>(all: T[]): T | undefined {
  return all.reduce<T | undefined>((n, c) => (!n || c.epoch > n.epoch ? c : n), undefined);
}
