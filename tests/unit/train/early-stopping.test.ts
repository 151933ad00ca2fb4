/**
 * Early stopping: the pure count over a history (both monitor directions, ties, NaN), then the trainer
 * on the CPU backend. There the best epoch comes from a resumed history whose value no trained epoch can
 * beat (AUC 1, loss 0), so when training stops and which epoch is restored follow by hand.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam } from '../../../src/lib/model/adam';
import { createResNet18, type ResNet } from '../../../src/lib/model/resnet';
import { exportStateDict, loadStateDict, type StateDict } from '../../../src/lib/model/state-dict';
import { RECIPE, validateConfig, type TrainConfig } from '../../../src/lib/train/config';
import { bestSoFar, train, type EpochRecord } from '../../../src/lib/train/trainer';
import { syntheticSource } from '../../support/synthetic-source';

const SIZE = 32;

function record(epoch: number, m: Partial<Pick<EpochRecord, 'valAuc' | 'valLoss' | 'valF1'>>): EpochRecord {
  return {
    epoch, trainLoss: 1, valLoss: m.valLoss ?? 1, valAccuracy: 0.5, valAuc: m.valAuc ?? 0.5, valF1: m.valF1 ?? 0.5,
    seconds: 1, imagesPerSecond: 1, numTensors: 0, microBatches: 1, stepLosses: [1],
  };
}
const aucs = (...v: number[]) => v.map((valAuc, i) => record(i + 1, { valAuc }));
const losses = (...v: number[]) => v.map((valLoss, i) => record(i + 1, { valLoss }));

describe('bestSoFar', () => {
  it('AUC: higher is better; an equal value is not an improvement', () => {
    expect(bestSoFar(aucs(0.6, 0.7, 0.7, 0.65), 'auc')).toEqual({ bestEpoch: 2, sinceBest: 2 });
    expect(bestSoFar(aucs(0.6, 0.7, 0.8), 'auc')).toEqual({ bestEpoch: 3, sinceBest: 0 });
  });

  it('loss: lower is better, and a later improvement resets the count', () => {
    expect(bestSoFar(losses(0.9, 0.5, 0.6, 0.4, 0.45), 'loss')).toEqual({ bestEpoch: 4, sinceBest: 1 });
    expect(bestSoFar(losses(0.4, 0.5, 0.6), 'loss')).toEqual({ bestEpoch: 1, sinceBest: 2 });
  });

  it('reads the monitored field only; NaN never improves', () => {
    const h = [record(1, { valF1: NaN, valAuc: 0.9 }), record(2, { valF1: 0.3, valAuc: 0.1 }), record(3, { valF1: NaN, valAuc: 0.95 })];
    expect(bestSoFar(h, 'f1')).toEqual({ bestEpoch: 2, sinceBest: 1 });
    expect(bestSoFar(h, 'auc')).toEqual({ bestEpoch: 3, sinceBest: 0 });
    expect(bestSoFar(aucs(NaN, NaN), 'auc')).toEqual({ bestEpoch: undefined, sinceBest: 2 });
    expect(bestSoFar([], 'loss')).toEqual({ bestEpoch: undefined, sinceBest: 0 });
  });
});

const config = (over: Partial<TrainConfig>): TrainConfig =>
  validateConfig({ ...RECIPE, epochs: 10, batchSize: 4, imageSize: SIZE, widthMultiplier: 0.125, lr: 1e-2, augment: { ...RECIPE.augment, enabled: false }, ...over });

/** A run whose checkpoints are kept in memory, as the platform keeps them in IndexedDB. */
async function run(cfg: TrainConfig, resumed: EpochRecord[]) {
  const model = createResNet18({ widthMultiplier: 0.125, numClasses: 1, inputSize: SIZE }, 4);
  const adam = new Adam({ lr: cfg.lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 });
  const saved = new Map<number, StateDict>();
  // the resumed epochs' weights: what a resume loads
  for (const r of resumed) saved.set(r.epoch, await exportStateDict(model));
  const events: string[] = [];
  const monitored: number[] = [];
  const outcome = await train(
    model,
    adam,
    syntheticSource(SIZE, 8, 4),
    cfg,
    {
      checkpoint: async (epoch, _h, value) => {
        events.push(`checkpoint ${epoch}`);
        monitored.push(value);
        saved.set(epoch, await exportStateDict(model));
      },
      restoreBest: async (epoch) => {
        events.push(`restore ${epoch}`);
        loadStateDict(model, saved.get(epoch)!, { adaptImageNet: false });
      },
    },
    resumed,
  );
  const final = await exportStateDict(model);
  adam.dispose();
  model.dispose();
  return { outcome, events, monitored, saved, final };
}

const weights = (sd: StateDict) => Array.from(sd.get('fc.weight')!.data as Float32Array);

describe('train: early stopping and restoring the best epoch (CPU)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('AUC, patience 2: best at epoch 1 (AUC 1), stops after epochs 2 and 3 and restores epoch 1', async () => {
    const { outcome, events, monitored, saved, final } = await run(config({ monitor: 'auc', patience: 2 }), aucs(1));
    expect(outcome.history.map((r) => r.epoch)).toEqual([1, 2, 3]);
    expect(outcome).toMatchObject({ stoppedEarly: true, cancelled: false, bestEpoch: 1 });
    expect(events).toEqual(['checkpoint 2', 'checkpoint 3', 'restore 1']);
    expect(monitored).toEqual([outcome.history[1].valAuc, outcome.history[2].valAuc]);
    // the model ends with epoch 1's weights, not the last epoch's (training moved them)
    expect(weights(final)).toEqual(weights(saved.get(1)!));
    expect(weights(saved.get(3)!)).not.toEqual(weights(saved.get(1)!));
  });

  it('loss, patience 1: lower is better (∞ then 0), so epoch 2 is best; stops after epoch 3 and restores 2', async () => {
    const { outcome, events, monitored } = await run(config({ monitor: 'loss', patience: 1 }), losses(Infinity, 0));
    expect(outcome.history.map((r) => r.epoch)).toEqual([1, 2, 3]);
    expect(outcome).toMatchObject({ stoppedEarly: true, bestEpoch: 2 });
    expect(events).toEqual(['checkpoint 3', 'restore 2']);
    expect(monitored).toEqual([outcome.history[2].valLoss]);
  });

  it('patience 0 never stops early and restores nothing; a stop due at the last epoch is no early stop', async () => {
    const never = await run(config({ monitor: 'auc', patience: 0, epochs: 3 }), aucs(1));
    expect(never.outcome).toMatchObject({ stoppedEarly: false, bestEpoch: 1 });
    expect(never.events).toEqual(['checkpoint 2', 'checkpoint 3']);
    const last = await run(config({ monitor: 'auc', patience: 2, epochs: 3 }), aucs(1));
    expect(last.outcome).toMatchObject({ stoppedEarly: false, bestEpoch: 1 });
    expect(last.events).toEqual(['checkpoint 2', 'checkpoint 3']);
  });
});
