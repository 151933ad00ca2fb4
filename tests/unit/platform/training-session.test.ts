import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createResNet18 } from '../../../src/lib/model/resnet';
import { Adam } from '../../../src/lib/model/adam';
import type { StoredDataset } from '../../../src/platform/dataset-source';
import type { RunRecord } from '../../../src/platform/db';
import { RECIPE } from '../../../src/lib/train/config';
import { readingSession } from '../../../src/platform/session-guard';
import { SessionHolder, TrainingSession } from '../../../src/platform/training-session';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function storedDataset(id: string): StoredDataset {
  return {
    record: { id, name: id, source: 'demo', createdAt: 1, imageSize: 32, classes: ['normal', 'opacity'], status: 'ready', imageCount: 0, rejectedCount: 0, splitSeed: 1, splitFractions: [0.7, 0.15, 0.15] },
    metas: [],
    mean: 0.5,
    std: 0.25,
    examples: () => [],
    load: async () => [],
  };
}

function session(id: string, withOptimizer = true): TrainingSession {
  const model = createResNet18({ widthMultiplier: 0.125, numClasses: 1, inputSize: 32 }, 1);
  const optimizer = withOptimizer ? new Adam({ lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 }) : undefined;
  return new TrainingSession(storedDataset(id), model, optimizer);
}

const run: RunRecord = { id: 'run-1', datasetId: 'a', createdAt: 1, status: 'running', config: RECIPE, history: [] };

describe('SessionHolder', () => {
  it('has no session before a run or a load', () => {
    const holder = new SessionHolder();
    expect(holder.peek()).toBeUndefined();
    expect(() => holder.current()).toThrow(expect.objectContaining({ code: 'internal' }));
  });

  it('frees the old model before it builds the next one, so only one model holds tensors', async () => {
    const holder = new SessionHolder();
    const before = tf.memory().numTensors;
    const first = await holder.replace(() => session('a'));
    const perModel = tf.memory().numTensors - before;
    expect(perModel).toBeGreaterThan(0);
    let tensorsWhileBuilding = -1;
    const second = await holder.replace(() => {
      tensorsWhileBuilding = tf.memory().numTensors;
      return session('b', false);
    });
    expect(tensorsWhileBuilding).toBe(before);
    expect(tf.memory().numTensors).toBe(before + perModel);
    expect(holder.current()).toBe(second);
    expect(holder.current().dataset.record.id).toBe('b');
    expect(first.model.params.get('conv1.weight')!.isDisposed).toBe(true);
    second.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('waits for a reader of the current session before it replaces it', async () => {
    const holder = new SessionHolder();
    const first = await holder.replace(() => session('a'));
    let finish!: () => void;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    const events: string[] = [];
    const reader = readingSession(async () => {
      const { model } = holder.current();
      await gate;
      events.push(model.params.get('fc.weight')!.isDisposed ? 'read a disposed model' : 'read');
    });
    const reading = reader();
    const replacing = holder.replace(() => session('b')).then(() => events.push('replaced'));
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(holder.current()).toBe(first);
    finish();
    await Promise.all([reading, replacing]);
    expect(events).toEqual(['read', 'replaced']);
    holder.current().dispose();
  });

  it('counts a session as training while it holds a run, and gives it its own pause/cancel state', async () => {
    const holder = new SessionHolder();
    const a = await holder.replace(() => session('a'));
    a.control.cancel();
    a.run = run;
    expect(holder.current().training).toBe(true);
    const b = await holder.replace(() => session('b'));
    expect(b.training).toBe(false);
    expect(b.control.cancelled).toBe(false);
    b.dispose();
  });
});
