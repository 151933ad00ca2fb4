import { describe, expect, it } from 'vitest';
import { checkpointsToPrune, newestCheckpoint } from '../../../src/lib/train/checkpoints';

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
  it('nothing to prune at the first checkpoint', () => {
    expect(checkpointsToPrune([], 0.5, 'f1')).toEqual([]);
  });
  it('resume starts from the newest epoch, whatever the order stored', () => {
    expect(newestCheckpoint([c(2, 0), c(5, 0), c(3, 0)])?.epoch).toBe(5);
    expect(newestCheckpoint([])).toBeUndefined();
  });
});
