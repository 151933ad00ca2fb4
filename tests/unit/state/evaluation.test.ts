import { describe, expect, it } from 'vitest';
import { EvaluationState } from '../../../src/state/evaluation.svelte';
import { Emitter } from '../../../src/state/events';
import type { TrainingEvents } from '../../../src/state/deps';
import { RECIPE } from '../../../src/lib/train/config';
import { PREDICTION_COLUMNS } from '../../../src/lib/eval';
import { explanation, quietErrors, savedFiles, scored, trainingWorker } from './fakes';

const context = { datasetId: 'd1', name: 'demo', source: 'demo', classes: ['normal', 'pneumonia'], mean: 0.5, std: 0.2, fingerprint: 'f00d', inputSize: 64, widthMultiplier: 0.25, counts: {} };
// val: positives score high, negatives spread out, so the threshold decides which negatives are false positives
const val = [scored('p1', 1, 3), scored('p2', 1, 1.5), scored('n1', 0, 2), scored('n2', 0, 0.2), scored('n3', 0, -2)];
const test = [scored('t1', 1, 2, 'test'), scored('t2', 0, -1, 'test')];

function evaluated() {
  const explained: string[][] = [];
  const worker = trainingWorker({
    evalContext: () => context,
    predictSet: ((source: { split?: string; externalDatasetId?: string }) => (source.split === 'val' ? val : source.split === 'test' ? test : [scored('x1', 1, 4, 'test')])) as never,
    explainImages: ((ids: string[]) => {
      explained.push(ids);
      return ids.map(explanation);
    }) as never,
    demoPointingGame: () => ({ hits: 3, total: 4, accuracy: 0.75, split: 'val+test', tolerancePx: 4, method: 'cam' }),
    camZipFor: () => new Uint8Array([80, 75, 5, 6]),
  });
  const { errors } = quietErrors();
  const { save, files } = savedFiles();
  const events = new Emitter<TrainingEvents>();
  const evaluation = new EvaluationState({ worker, errors, save, trainingEvents: events, now: () => new Date('2026-01-02T03:04:05Z') });
  const ready = () => events.emit('model-ready', { runId: 'run-7', config: { ...RECIPE, imageSize: 32 } });
  return { evaluation, events, explained, files, errors, ready };
}

const galleryIds = (e: EvaluationState) => e.galleries.map((g) => g.images.map((p) => p.id));

describe('EvaluationState', () => {
  it('scores val and test when a model is ready, shows the first CAM and the galleries', async () => {
    const { evaluation, ready } = evaluated();
    await ready();
    expect(evaluation.setKey).toBe('val');
    expect(evaluation.images.map((p) => p.id)).toEqual(val.map((p) => p.id));
    expect(evaluation.cam?.imageId).toBe('p1');
    expect(galleryIds(evaluation)).toEqual([['n1', 'n2'], []]);
    expect(Object.keys(evaluation.gallery).sort()).toEqual(['n1', 'n2']);
    expect(evaluation.pointing?.accuracy).toBe(0.75);
  });

  it('a threshold change recomputes the metrics and explains the images the galleries show then', async () => {
    const { evaluation, explained, ready } = evaluated();
    await ready();
    const before = evaluation.metrics;
    await evaluation.setThreshold(0.9);
    // σ(2) ≈ 0.88 and σ(1.5) ≈ 0.82 fall below 0.9: n1 is no false positive any more, p2 becomes a false negative
    expect(galleryIds(evaluation)).toEqual([[], ['p2']]);
    expect(evaluation.metrics?.kind === 'binary' && evaluation.metrics.binary.fp).toBe(0);
    expect(before?.kind === 'binary' && before.binary.fp).toBe(2);
    expect(explained.at(-1)).toEqual(['p2']);
    expect(evaluation.gallery.p2?.imageId).toBe('p2');
  });

  it("Youden's J and the sensitivity preset move the threshold to one that separates the classes", async () => {
    const { evaluation, ready } = evaluated();
    await ready();
    await evaluation.presetSensitivity();
    // the highest threshold that still finds every positive: σ(1.5)
    expect(evaluation.threshold).toBeCloseTo(1 / (1 + Math.exp(-1.5)), 6);
    evaluation.threshold = 0.01;
    await evaluation.presetYouden();
    expect(evaluation.threshold).toBeGreaterThan(0.5);
    expect(evaluation.metrics?.kind === 'binary' && evaluation.metrics.binary.recall).toBe(1);
  });

  it('logits far past exp overflow give finite thresholds', async () => {
    const { evaluation } = evaluated();
    evaluation.sets = { val: [scored('a', 1, 800), scored('b', 0, -800), scored('c', 1, 40), scored('d', 0, -40)] };
    await evaluation.presetYouden();
    expect(Number.isFinite(evaluation.threshold)).toBe(true);
  });

  it('metrics.json: the size the model takes, the run, every set at the threshold, the pointing game', async () => {
    const { evaluation, files, ready } = evaluated();
    await ready();
    await evaluation.selectSet('test');
    evaluation.downloadMetrics();
    const doc = JSON.parse(await files.get('metrics.json')!.text());
    expect(doc.generatedAt).toBe('2026-01-02T03:04:05.000Z');
    expect(doc.runId).toBe('run-7');
    expect(doc.config.imageSize).toBe(64);
    expect(doc.config.epochs).toBe(RECIPE.epochs);
    expect(doc.dataset).toEqual({ id: 'd1', name: 'demo', fingerprint: 'f00d', classes: ['normal', 'pneumonia'], mean: 0.5, std: 0.2 });
    expect(Object.keys(doc.sets)).toEqual(['val', 'test']);
    expect(doc.sets.val.binary.tp).toBe(2);
    expect(doc.pointingGame).toEqual({ split: 'val+test', hits: 3, total: 4, accuracy: 0.75 });
  });

  it('predictions.csv: one row per scored image of every set, class names and the prediction at the threshold', async () => {
    const { evaluation, files, ready } = evaluated();
    await ready();
    await evaluation.selectSet('external:e1');
    evaluation.downloadPredictions();
    const lines = (await files.get('predictions.csv')!.text()).trim().split('\r\n');
    expect(lines[0]).toBe(PREDICTION_COLUMNS.join(','));
    expect(lines).toHaveLength(1 + val.length + test.length + 1);
    expect(lines[1]).toBe('val/p1.dcm,p-p1,val,pneumonia,3.000000,0.9525741,pneumonia');
    expect(lines.find((l) => l.startsWith('val/n3.dcm'))).toBe('val/n3.dcm,p-n3,val,normal,-2.000000,0.1192029,normal');
  });

  it('the CAM zip of the shown set is saved under its name; a failed inference is reported as evaluation', async () => {
    const { evaluation, files, errors, ready } = evaluated();
    await ready();
    await evaluation.downloadCamZip();
    expect([...files.keys()]).toEqual(['cams-val.zip']);
    expect(evaluation.zipping).toBe(false);
    // this fake worker cannot read a file: the failure reaches the banner as an evaluation error
    await evaluation.infer(new File([new Uint8Array([1])], 'x.dcm'));
    expect(errors.current).toMatchObject({ code: 'internal', origin: 'evaluation' });
    expect(evaluation.busy).toBe(false);
  });

  it('a run that starts while a model is scored stops that scoring', async () => {
    const { evaluation, events, ready } = evaluated();
    const scoring = ready();
    await events.emit('run-started', undefined);
    await scoring;
    expect(evaluation.context).toBeNull();
    expect(evaluation.sets).toEqual({});
  });
});
