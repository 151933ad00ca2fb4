import { describe, expect, it } from 'vitest';
import { checkpointsToPrune, isBetter, newestCheckpoint } from '../../../src/lib/train/checkpoints';

const c = (epoch: number, monitorValue: number) => ({ id: `r|${epoch}`, epoch, monitorValue });

describe('checkpoint pruning', () => {
  it('keeps the best older checkpoint when the new one is not better (AUC: higher is better)', () => {
    expect(checkpointsToPrune([c(1, 0.7), c(2, 0.9), c(3, 0.8)], 0.85, 'auc')).toEqual(['r|1', 'r|3']);
  });
  it('drops every older checkpoint when the new one is the best', () => {
    expect(checkpointsToPrune([c(1, 0.7), c(2, 0.9)], 0.95, 'auc')).toEqual(['r|1', 'r|2']);
  });
  it('loss: lower is better; a tie keeps the older best', () => {
    expect(checkpointsToPrune([c(1, 0.5), c(2, 0.3)], 0.4, 'loss')).toEqual(['r|1']);
    expect(checkpointsToPrune([c(1, 0.5), c(2, 0.3)], 0.3, 'loss')).toEqual(['r|1']);
  });
  it('AUC and F1: a new value equal to the best keeps the older best; equal older bests keep the earliest', () => {
    expect(checkpointsToPrune([c(1, 0.7), c(2, 0.9)], 0.9, 'auc')).toEqual(['r|1']);
    expect(checkpointsToPrune([c(1, 0.8), c(2, 0.8), c(3, 0.6)], 0.7, 'f1')).toEqual(['r|2', 'r|3']);
  });
  it('the same values rank the other way round for loss than for AUC', () => {
    const existing = [c(1, 0.2), c(2, 0.6), c(3, 0.4)];
    expect(checkpointsToPrune(existing, 0.5, 'loss')).toEqual(['r|2', 'r|3']);
    expect(checkpointsToPrune(existing, 0.5, 'auc')).toEqual(['r|1', 'r|3']);
  });
  it('a NaN value (AUC of a one-class split) is never the best kept', () => {
    // it was: the NaN checkpoint stayed "best" and the real best (0.8) was deleted
    expect(checkpointsToPrune([c(1, NaN), c(2, 0.8)], 0.7, 'auc')).toEqual(['r|1']);
    expect(checkpointsToPrune([c(1, NaN), c(2, NaN)], 0.7, 'auc')).toEqual(['r|1', 'r|2']);
    expect(checkpointsToPrune([c(1, 0.5)], NaN, 'loss')).toEqual([]);
    expect(isBetter('auc', 0.1, NaN)).toBe(true);
    expect(isBetter('loss', NaN, 0.1)).toBe(false);
    expect(isBetter('loss', NaN, NaN)).toBe(false);
  });
  it('nothing to prune at the first checkpoint', () => {
    expect(checkpointsToPrune([], 0.5, 'f1')).toEqual([]);
  });
  it('resume starts from the newest epoch, whatever the order stored', () => {
    expect(newestCheckpoint([c(2, 0), c(5, 0), c(3, 0)])?.epoch).toBe(5);
    expect(newestCheckpoint([])).toBeUndefined();
  });
});
