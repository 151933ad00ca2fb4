import { describe, expect, it } from 'vitest';
import { RunsState, bestMetric, describeConfig } from '../../../src/state/runs.svelte';
import { TrainingState } from '../../../src/state/training.svelte';
import { EvaluationState } from '../../../src/state/evaluation.svelte';
import type { RunTabMessage } from '../../../src/state/deps';
import { modelEpochOf } from '../../../src/platform/checkpoint-store';
import { epoch, explanation, quietErrors, runRecord, runStore, savedFiles, sameThread, scored, tabBus, trainingWorker, type MemoryRunStore } from './fakes';

const macrotask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
const names: Record<string, string> = { d1: 'chest demo', d2: 'rsna' };

const withAuc = (n: number, valAuc: number) => ({ ...epoch(n), valAuc });

/** A tab: its run list over `store`, with a TrainingState and EvaluationState on a scripted worker. */
function tab(store: MemoryRunStore, tabs?: ReturnType<ReturnType<typeof tabBus<RunTabMessage>>>) {
  const selected: string[] = [];
  const opened: string[] = [];
  const worker = trainingWorker({
    openRun: ((id: string) => {
      opened.push(id);
      return { run: store.records.get(id)!, epoch: 2 };
    }) as never,
    evalContext: () => ({ datasetId: 'd2', name: 'rsna', source: 'folder', classes: ['normal', 'pneumonia'], mean: 0.5, std: 0.2, fingerprint: 'f', inputSize: 64, widthMultiplier: 0.25, counts: {} }),
    predictSet: ((source: { split?: string }) => [scored('a', 1, 2, source.split), scored('b', 0, -1, source.split)]) as never,
    explainImages: ((ids: string[]) => ids.map(explanation)) as never,
    demoPointingGame: () => null,
  });
  const { errors } = quietErrors();
  const training = new TrainingState({ worker, errors, save: savedFiles().save, callback: sameThread });
  const evaluation = new EvaluationState({ worker, errors, save: savedFiles().save, trainingEvents: training.events });
  const runs = new RunsState({
    store,
    errors,
    trainingEvents: training.events,
    reopen: (run) => training.reopen(run),
    resume: (run) => training.resumeRun(run),
    selectDataset: (id) => void selected.push(id),
    datasetName: (id) => names[id],
    tabs,
    pause: macrotask,
  });
  return { runs, training, evaluation, errors, selected, opened };
}

describe('RunsState', () => {
  it('lists the runs of listed datasets, newest first, with dataset, configuration, best metric and state', async () => {
    const store = runStore(
      [
        runRecord('old', { createdAt: 1, history: [withAuc(1, 0.6), withAuc(2, 0.8), withAuc(3, 0.7)] }),
        runRecord('new', { createdAt: 2, datasetId: 'd2', status: 'cancelled', history: [withAuc(1, Number.NaN)] }),
        runRecord('gone', { createdAt: 3, datasetId: 'deleted' }),
      ],
      { old: [2, 3] },
    );
    const { runs } = tab(store);
    await runs.load();
    expect(runs.rows.map((r) => [r.run.id, r.datasetName, r.state, r.summary])).toEqual([
      ['new', 'rsna', 'cancelled', '64 px · width ×0.125 · batch 16 · 3 epochs'],
      ['old', 'chest demo', 'done', '64 px · width ×0.125 · batch 16 · 3 epochs'],
    ]);
    expect(runs.rows[1].best).toEqual({ monitor: 'auc', value: 0.8, epoch: 2 });
    expect(runs.rows[0].best).toBeNull();
    expect(runs.rows.map((r) => r.reopenable)).toEqual([false, true]);
  });

  it('reopening a run selects its dataset, loads its model and evaluation follows with its config and history', async () => {
    const config = { ...runRecord('x').config, widthMultiplier: 0.25, epochs: 2 };
    const store = runStore([runRecord('r2', { datasetId: 'd2', config, history: [withAuc(1, 0.6), withAuc(2, 0.9)] })], { r2: [2] });
    const { runs, training, evaluation, selected, opened } = tab(store);
    await runs.load();
    await runs.reopen('r2');
    expect(selected).toEqual(['d2']);
    expect(opened).toEqual(['r2']);
    expect(training.hasModel).toBe(true);
    expect(training.history.map((h) => h.valAuc)).toEqual([0.6, 0.9]);
    expect(training.config).toEqual(config);
    expect(evaluation.model).toEqual({ runId: 'r2', config });
    expect(evaluation.metrics).not.toBeNull();
  });

  it('a run without a checkpoint is not reopened', async () => {
    const { runs, opened } = tab(runStore([runRecord('empty', { status: 'cancelled' })]));
    await runs.load();
    await runs.reopen('empty');
    expect(opened).toEqual([]);
  });

  it('deletes a run only once confirmed, with its checkpoints; the others stay', async () => {
    const store = runStore([runRecord('a', { createdAt: 1 }), runRecord('b', { createdAt: 2 })], { a: [1], b: [1, 2] });
    const { runs } = tab(store);
    await runs.load();
    runs.askDelete('b');
    expect(runs.confirmingDelete).toBe('b');
    runs.keep();
    await runs.confirmDelete();
    expect(store.removed).toEqual([]);
    runs.askDelete('b');
    await runs.confirmDelete();
    expect(store.removed).toEqual(['b']);
    expect(store.kept.has('b')).toBe(false);
    expect(runs.rows.map((r) => r.run.id)).toEqual(['a']);
    expect(runs.rows[0].checkpoints).toEqual([1]);
  });

  it('a run left running by a closed tab is interrupted: resumable, and once dismissed no longer offered', async () => {
    const store = runStore([runRecord('dead', { status: 'running', history: [epoch(1)] }), runRecord('done', { createdAt: 0 })], { dead: [1] });
    const { runs } = tab(store, tabBus<RunTabMessage>()());
    await runs.load();
    const dead = runs.rows.find((r) => r.run.id === 'dead')!;
    expect([dead.state, dead.resumable, dead.deletable]).toEqual(['interrupted', true, true]);
    expect(runs.latestInterrupted?.run.id).toBe('dead');
    await runs.dismiss('dead');
    expect(store.records.get('dead')?.status).toBe('interrupted');
    const dismissed = runs.rows.find((r) => r.run.id === 'dead')!;
    expect([dismissed.state, dismissed.resumable, dismissed.reopenable]).toEqual(['interrupted', false, true]);
    expect(runs.latestInterrupted).toBeNull();
  });

  it('a run another open tab trains is shown as running there, not as interrupted', async () => {
    const store = runStore([runRecord('live', { status: 'running' })]);
    const bus = tabBus<RunTabMessage>();
    const trainer = tab(store, bus());
    await trainer.training.events.emit('run-stored', { runId: 'live' });
    expect(trainer.runs.rows[0].state).toBe('running');

    const other = tab(store, bus());
    await other.runs.load();
    expect(other.runs.rows[0]).toMatchObject({ state: 'elsewhere', resumable: false, reopenable: false, deletable: false });

    store.records.get('live')!.status = 'done';
    store.kept.set('live', [3]);
    await trainer.training.events.emit('run-ended', { runId: 'live' });
    await macrotask();
    expect(other.runs.rows[0]).toMatchObject({ state: 'done', reopenable: true });
  });

  it('a tab closed mid-run tells the others: they offer its run for resuming without a reload', async () => {
    const store = runStore([runRecord('live', { status: 'running', history: [epoch(1)] })], { live: [1] });
    const bus = tabBus<RunTabMessage>();
    const trainer = tab(store, bus());
    await trainer.training.events.emit('run-stored', { runId: 'live' });
    const other = tab(store, bus());
    await other.runs.load();
    expect(other.runs.rows[0].state).toBe('elsewhere');

    trainer.runs.leaving();
    await macrotask();
    expect(other.runs.rows[0]).toMatchObject({ state: 'interrupted', resumable: true });
  });
});

describe('run summaries', () => {
  it('says the configuration and picks the best epoch by the monitor (loss lowest, NaN never)', () => {
    expect(describeConfig({ imageSize: 224, widthMultiplier: 0.125, batchSize: 32, epochs: 1 })).toBe('224 px · width ×0.125 · batch 32 · 1 epoch');
    const history = [epoch(1, 0.9), epoch(2, 0.4), epoch(3, Number.NaN)];
    expect(bestMetric(history, 'loss')).toEqual({ monitor: 'loss', value: 0.4, epoch: 2 });
    expect(bestMetric([withAuc(1, Number.NaN)], 'auc')).toBeNull();
  });
});

describe('the checkpoint a reopened run loads (checkpoint-store modelEpochOf)', () => {
  const history = [withAuc(1, 0.7), withAuc(2, 0.9), withAuc(3, 0.8), withAuc(4, 0.6)];
  it('the epoch the run stored it ended with, when kept', () => {
    expect(modelEpochOf(runRecord('r', { history, modelEpoch: 2 }), [2, 4])).toBe(2);
    expect(modelEpochOf(runRecord('r', { history, modelEpoch: 4 }), [2, 4])).toBe(4);
  });
  it('older records: the best epoch after an early stop, else the newest kept checkpoint', () => {
    const stoppedEarly = runRecord('r', { history, config: { ...runRecord('r').config, epochs: 10, patience: 2 } });
    expect(modelEpochOf(stoppedEarly, [2, 4])).toBe(2);
    expect(modelEpochOf(runRecord('r', { history, config: { ...runRecord('r').config, epochs: 4 } }), [2, 4])).toBe(4);
    expect(modelEpochOf(runRecord('r', { history: history.slice(0, 3), status: 'cancelled' }), [2, 3])).toBe(3);
    expect(modelEpochOf(runRecord('r'), [])).toBeUndefined();
  });
});
