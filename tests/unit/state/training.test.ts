import { describe, expect, it, vi } from 'vitest';
import { TrainingState } from '../../../src/state/training.svelte';
import { tfjsVersionProblem } from '../../../src/lib/tfjs-internals/version';
import { EvaluationState } from '../../../src/state/evaluation.svelte';
import type { TrainEvents, RunResult } from '../../../src/platform/training-service';
import type { RunRecord } from '../../../src/platform/db';
import type { TrainConfig } from '../../../src/lib/train/config';
import { epoch, explanation, quietErrors, runRecord, savedFiles, sameThread, scored, trainingWorker } from './fakes';

/** the run as the worker reads it back: what reopen restores (not the page's copy) */
const stored = (id: string): RunRecord => runRecord(id, { history: [epoch(1), epoch(2)], config: { ...runRecord(id).config, widthMultiplier: 0.5, imageSize: 96 } });

const context = { datasetId: 'd1', name: 'demo', source: 'demo', classes: ['normal', 'pneumonia'], mean: 0.5, std: 0.2, fingerprint: 'f', inputSize: 64, widthMultiplier: 0.25, counts: {} };

/** A worker whose training run reports two steps and two epochs, then returns `result`. */
function studio(result: Partial<RunResult> = {}) {
  const calls: string[] = [];
  let sentConfig: TrainConfig | undefined;
  const worker = trainingWorker({
    init: () => ({ name: 'webgpu', adapter: 'swiftshader', software: true }),
    listWeights: () => ['imagenet.pth'],
    startTraining: (async (_id: string, cfg: TrainConfig, events: TrainEvents) => {
      sentConfig = cfg;
      events.onRun?.('run-1');
      for (const n of [1, 2]) {
        events.onStep({ epoch: n, step: 1, stepsPerEpoch: 1, loss: 1 / n, imagesPerSecond: 5, etaSeconds: 1, microBatches: 1, lr: 1e-3 });
        events.onEpoch(epoch(n));
      }
      return { runId: 'run-1', outcome: { history: [epoch(1), epoch(2)], cancelled: false, bestEpoch: 2 }, ...result };
    }) as never,
    resumeTraining: (async (_id: string, events: TrainEvents) => {
      events.onRun?.('run-0');
      events.onEpoch(epoch(3));
      return { runId: 'run-0', outcome: { history: [epoch(1), epoch(2), epoch(3)], cancelled: false } };
    }) as never,
    openRun: ((id: string) => {
      calls.push(`open ${id}`);
      return { run: stored(id), epoch: 2 };
    }) as never,
    cancel: () => void calls.push('cancel'),
    pause: () => void calls.push('pause'),
    resume: () => void calls.push('resume'),
    evalContext: () => context,
    predictSet: ((source: { split?: string }) => (source.split === 'val' ? [scored('a', 1, 2), scored('b', 0, 1)] : [scored('c', 0, -1, 'test')])) as never,
    explainImages: ((ids: string[]) => ids.map(explanation)) as never,
    demoPointingGame: () => ({ hits: 1, total: 2, accuracy: 0.5, split: 'val+test', tolerancePx: 4, method: 'cam' }),
    teacherImages: () => ['a', 'b'],
    loadTrainedModel: ((id: string, name: string) => void calls.push(`load ${id} ${name}`)) as never,
  });
  const { errors } = quietErrors();
  const { save, files } = savedFiles();
  const training = new TrainingState({ worker, errors, save, callback: sameThread });
  const evaluation = new EvaluationState({ worker, errors, save, trainingEvents: training.events, now: () => new Date('2026-01-02T03:04:05Z') });
  return { training, evaluation, errors, calls, files, sentConfig: () => sentConfig };
}

describe('TrainingState', () => {
  it('a loaded model (the bundled demo model) replaces the last run on the panel: its configuration, no curves, evaluated at once', async () => {
    const { training, evaluation, calls } = studio();
    await training.start('d1', 64);
    expect(training.history).toHaveLength(2);
    const ready: unknown[] = [];
    training.events.on('model-ready', (m) => void ready.push(m.config.widthMultiplier));
    expect(await training.loadModelBytes('demo-1600', 'demo-model.safetensors', new Uint8Array(4), { imageSize: 224, widthMultiplier: 0.125 })).toBe(true);
    expect(calls).toContain('load demo-1600 demo-model.safetensors');
    expect(training.history).toEqual([]);
    expect(training.stepLosses).toEqual([]);
    expect(training.runId).toBeNull();
    expect(training.config.imageSize).toBe(224);
    expect(ready).toEqual([0.125]);
    expect(evaluation.sets.val).toHaveLength(2);
  });

  it('picks small settings on a software adapter and lists stored weights', async () => {
    const { training, errors } = studio();
    await training.initBackend();
    expect(training.backend?.software).toBe(true);
    expect(training.config.imageSize).toBe(64);
    expect(training.weightsNames).toEqual(['imagenet.pth']);
    expect(errors.warnings[0]).toMatch(/software adapter \(swiftshader\)/);
  });

  it("trains at the dataset's image size; steps and epochs arrive; the evaluation subscriber scores the model", async () => {
    const { training, evaluation, sentConfig } = studio();
    training.config.imageSize = 32;
    await training.start('d1', 64);
    expect(sentConfig()?.imageSize).toBe(64);
    expect(training.status).toBe('done');
    expect(training.stepLosses).toEqual([1, 0.5]);
    expect(training.history.map((h) => h.epoch)).toEqual([1, 2]);
    expect(training.hasModel).toBe(true);
    expect(evaluation.context?.datasetId).toBe('d1');
    expect(Object.keys(evaluation.sets).sort()).toEqual(['test', 'val']);
    expect(evaluation.model).toEqual({ runId: 'run-1', config: expect.objectContaining({ imageSize: 64 }) });
    expect(evaluation.pointing?.hits).toBe(1);
  });

  it('every epoch refreshes the teacher CAMs when teacher mode is on', async () => {
    const { training, evaluation } = studio();
    evaluation.teacherEnabled = true;
    await training.start('d1', 64);
    await vi.waitFor(() => expect(evaluation.teacherEpoch).toBeGreaterThanOrEqual(1));
    expect(evaluation.teacher.map((e) => e.imageId)).toEqual(['a', 'b']);
  });

  it('a new run clears what the previous model showed', async () => {
    const { training, evaluation } = studio();
    await training.start('d1', 64);
    expect(evaluation.images.length).toBe(2);
    const second = training.start('d1', 64);
    expect(evaluation.context).toBeNull();
    expect(evaluation.sets).toEqual({});
    await second;
  });

  it('a failed run lands in the errors with its code and nothing is evaluated', async () => {
    const failing = studio({ error: { code: 'out-of-memory', message: 'GPU memory ran out' }, outcome: undefined });
    await failing.training.start('d1', 64);
    expect(failing.training.status).toBe('failed');
    expect(failing.errors.current).toMatchObject({ code: 'out-of-memory', origin: 'training' });
    expect(failing.evaluation.context).toBeNull();
  });

  it('clears a training error once a run completes', async () => {
    const { training, errors } = studio();
    errors.report('training', { code: 'device-lost', message: 'lost' });
    await training.start('d1', 64);
    expect(errors.current).toBeNull();
  });

  it('cancel, pause and resume reach the worker', async () => {
    const { training, calls } = studio();
    training.pause();
    expect(training.status).toBe('paused');
    training.resume();
    expect(training.status).toBe('running');
    training.cancel();
    await Promise.resolve();
    expect(calls).toEqual(['pause', 'resume', 'cancel']);
  });

  it('resumes a run with its history and config; the run list hears its id when stored and when it ended', async () => {
    const { training } = studio();
    const heard: string[] = [];
    training.events.on('run-stored', ({ runId }) => void heard.push(`stored ${runId}`));
    training.events.on('run-ended', ({ runId }) => void heard.push(`ended ${runId}`));
    await training.resumeRun(runRecord('run-0', { status: 'running', history: [epoch(1), epoch(2)], config: { ...runRecord('x').config, epochs: 3 } }));
    expect(training.config.epochs).toBe(3);
    expect(training.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    expect(training.status).toBe('done');
    expect(heard).toEqual(['stored run-0', 'ended run-0']);
  });

  it("reopens a finished run: its model, history and config are back and evaluation scores it as after training", async () => {
    const { training, evaluation, calls } = studio();
    await training.reopen(runRecord('run-7'));
    expect(calls).toEqual(['open run-7']);
    expect(training.runId).toBe('run-7');
    expect(training.hasModel).toBe(true);
    expect(training.status).toBe('done');
    expect(training.history.map((h) => h.epoch)).toEqual([1, 2]);
    expect(training.stepLosses).toEqual([1, 0.5]);
    expect(training.config.widthMultiplier).toBe(0.5);
    expect(training.ending).toMatch(/the model is epoch 2's, the last one/);
    expect(evaluation.model).toEqual({ runId: 'run-7', config: expect.objectContaining({ widthMultiplier: 0.5, imageSize: 96 }) });
    expect(Object.keys(evaluation.sets).sort()).toEqual(['test', 'val']);
  });

  it('pos_weight takes "auto" or a positive number and ignores anything else', () => {
    const { training } = studio();
    training.setPosWeight(' 2.5 ');
    expect(training.config.posWeight).toBe(2.5);
    training.setPosWeight('-1');
    training.setPosWeight('many');
    expect(training.config.posWeight).toBe(2.5);
    training.setPosWeight('auto');
    expect(training.config.posWeight).toBe('auto');
  });
});

describe('GPU problems from the worker', () => {
  it('a device loss while idle reaches the banner; the run it breaks adds no second message', async () => {
    let tell: ((e: { code: 'device-lost'; message: string }) => void) | undefined;
    const lost = { code: 'device-lost' as const, message: 'The GPU device was lost (destroyed). Reload the page and choose "Resume interrupted run".' };
    const worker = trainingWorker({
      init: ((_order: unknown, _kernels: unknown, onGpuProblem: typeof tell) => {
        tell = onGpuProblem;
        return { name: 'webgpu', adapter: 'nvidia', software: false };
      }) as never,
      listWeights: () => [],
      startTraining: (async () => ({ runId: 'run-1', error: lost })) as never,
    });
    const { errors } = quietErrors();
    const training = new TrainingState({ worker, errors, save: savedFiles().save, callback: sameThread });
    await training.initBackend();
    expect(errors.current).toBeNull();
    tell!(lost);
    expect(errors.current).toEqual({ ...lost, origin: 'gpu' });
    await training.start('d1', 64);
    expect(errors.current).toEqual({ ...lost, origin: 'gpu' });
    errors.dismiss();
    expect(errors.current).toBeNull();
  });
});

describe('endingOf', () => {
  it('says when a run stopped early and which epoch the model was restored to', async () => {
    const { endingOf } = await import('../../../src/state/training.svelte');
    const history = [epoch(1), epoch(2), epoch(3), epoch(4)];
    expect(endingOf({ runId: 'r', outcome: { history, stoppedEarly: false, cancelled: false, bestEpoch: 2 } } as RunResult)).toBe('');
    expect(endingOf({ runId: 'r', outcome: { history, stoppedEarly: true, cancelled: false, bestEpoch: 2 } } as RunResult)).toBe(
      'Stopped early after epoch 4: no improvement for the patience set. The model was restored to epoch 2, the best one.',
    );
    expect(endingOf({ runId: 'r', outcome: { history, stoppedEarly: true, cancelled: false, bestEpoch: 4 } } as RunResult)).toBe('Stopped early after epoch 4: no improvement for the patience set.');
  });

  it('tells what the run changed on its own, such as a folded last batch, before how it stopped', async () => {
    const { endingOf } = await import('../../../src/state/training.svelte');
    const history = [epoch(1), epoch(2)];
    const notes = ['81 training images at batch 16 leave a last batch of one image …'];
    expect(endingOf({ runId: 'r', outcome: { history, stoppedEarly: false, cancelled: false, bestEpoch: 2, notes } } as RunResult)).toBe(notes[0]);
    expect(endingOf({ runId: 'r', outcome: { history, stoppedEarly: true, cancelled: false, bestEpoch: 2, notes } } as RunResult)).toBe(`${notes[0]} Stopped early after epoch 2: no improvement for the patience set.`);
  });
});

describe('tfjs version at start', () => {
  it('a bundled tfjs other than the pinned one is said in the page', async () => {
    const problem = tfjsVersionProblem({ 'tfjs-core': '4.23.0' })!;
    const worker = trainingWorker({ init: () => ({ name: 'webgpu', adapter: 'nvidia', software: false, tfjsProblem: problem }), listWeights: () => [] });
    const { errors } = quietErrors();
    const training = new TrainingState({ worker, errors, save: savedFiles().save, callback: sameThread });
    await training.initBackend();
    expect(errors.warnings).toEqual([problem]);
  });
});
