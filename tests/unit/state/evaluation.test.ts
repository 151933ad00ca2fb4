import { describe, expect, it, vi } from 'vitest';
import { EvaluationState, type TrustComputer } from '../../../src/state/evaluation.svelte';
import { Emitter } from '../../../src/state/events';
import type { TrainingEvents } from '../../../src/state/deps';
import { RECIPE } from '../../../src/lib/train/config';
import { PREDICTION_COLUMNS, type ScoredImage } from '../../../src/lib/eval';
import { epoch, explanation, quietErrors, savedFiles, scored, trainingWorker } from './fakes';
import { setTrust, type SetTrust } from '../../../src/lib/eval/trust';
import { expectedCalibrationError, fitTemperature, scaledProbabilities, sigmoid } from '../../../src/lib/metrics';

const context = { datasetId: 'd1', name: 'demo', source: 'demo', classes: ['normal', 'pneumonia'], mean: 0.5, std: 0.2, fingerprint: 'f00d', inputSize: 64, widthMultiplier: 0.25, counts: {} };
// val: positives score high, negatives spread out, so the threshold decides which negatives are false positives
const val = [scored('p1', 1, 3), scored('p2', 1, 1.5), scored('n1', 0, 2), scored('n2', 0, 0.2), scored('n3', 0, -2)];
const test = [scored('t1', 1, 2, 'test'), scored('t2', 0, -1, 'test')];

function evaluated(inputSize = context.inputSize, metrics?: TrustComputer) {
  const explained: string[][] = [];
  /** method and layer of every explainImages call */
  const asked: Array<[string, number]> = [];
  let pointingGames = 0;
  const worker = trainingWorker({
    evalContext: () => ({ ...context, inputSize }),
    predictSet: ((source: { split?: string; externalDatasetId?: string }) => (source.split === 'val' ? val : source.split === 'test' ? test : [scored('x1', 1, 4, 'test')])) as never,
    explainImages: ((ids: string[], method: string, _cls: number | undefined, layer: number) => {
      explained.push(ids);
      asked.push([method, layer]);
      return ids.map(explanation);
    }) as never,
    demoPointingGame: () => {
      pointingGames++;
      return { hits: 3, total: 4, accuracy: 0.75, split: 'val+test', tolerancePx: 4, method: 'cam' };
    },
    teacherImages: () => ['p1', 'n1'],
    camZipFor: () => new Uint8Array([80, 75, 5, 6]),
    modelCardFacts: () => ({ counts: { train: { normal: 20, pneumonia: 18 }, val: { normal: 3, pneumonia: 2 } }, imageSize: inputSize, tfjs: '4.22.0', backend: 'cpu' }),
    explanationChecks: ((split: string, methods: string[], layer: number) => ({
      layer,
      images: 2,
      steps: 2,
      blurRadius: 3,
      methods: methods.map((method) => ({ method, deletion: { map: [1, 0.2, 0], random: [1, 0.8, 0], mapArea: 0.35, randomArea: 0.65 }, insertion: { map: [0, 0.9, 1], random: [0, 0.3, 1], mapArea: 0.7, randomArea: 0.4 }, randomisation: [{ layer: 'fc', correlation: 0.2 }, { layer: 'layer4', correlation: 0.1 }, { layer: 'layer3', correlation: 0.05 }], verdicts: [`${method} on ${split} is faithful`] })),
    })) as never,
  });
  const { errors } = quietErrors();
  const { save, files } = savedFiles();
  const events = new Emitter<TrainingEvents>();
  const evaluation = new EvaluationState({ worker, errors, save, trainingEvents: events, metrics, now: () => new Date('2026-01-02T03:04:05Z') });
  const ready = () => events.emit('model-ready', { runId: 'run-7', config: { ...RECIPE, imageSize: 32 } });
  return { evaluation, events, explained, asked, pointingGames: () => pointingGames, files, errors, ready };
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
    await evaluation.downloadMetrics();
    const doc = JSON.parse(await files.get('metrics.json')!.text());
    expect(doc.generatedAt).toBe('2026-01-02T03:04:05.000Z');
    expect(doc.runId).toBe('run-7');
    expect(doc.config.imageSize).toBe(64);
    expect(doc.config.epochs).toBe(RECIPE.epochs);
    expect(doc.dataset).toEqual({ id: 'd1', name: 'demo', fingerprint: 'f00d', classes: ['normal', 'pneumonia'], mean: 0.5, std: 0.2 });
    expect(Object.keys(doc.sets)).toEqual(['val', 'test']);
    expect(doc.sets.val.binary.tp).toBe(2);
    expect(doc.pointingGame).toEqual({ split: 'val+test', hits: 3, total: 4, accuracy: 0.75 });
    // every set's intervals at the threshold, as setTrust draws them
    expect(Object.keys(doc.trust)).toEqual(['val', 'test']);
    const want = setTrust(val, 0.5, 1)!;
    expect(doc.trust.val.intervals.auc).toEqual(want.intervals.auc);
    expect(doc.trust.val.bootstrap).toEqual({ draws: 1000, seed: 1, level: 0.95 });
    expect(doc.temperature).toBe(1);
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

  it('explains on layer 3 at 64 px (layer 4 would be 2×2), with Grad-CAM: plain CAM exists on layer 4 only', async () => {
    const { evaluation, asked, ready } = evaluated(64);
    expect(evaluation.method).toBe('cam');
    await ready();
    expect([evaluation.layer, evaluation.method, evaluation.camProblem]).toEqual([3, 'gradcam', null]);
    expect(new Set(asked.map(String))).toEqual(new Set(['gradcam,3']));
    expect(evaluation.layerOptions).toEqual([
      { layer: 4, side: 2 },
      { layer: 3, side: 4 },
    ]);
    expect(evaluation.methods).toEqual(['gradcam', 'gradcam++']);
    // choosing layer 4 there: nothing to draw, and the panel is told why and what to choose
    await evaluation.setLayer(4);
    expect(evaluation.camProblem).toMatch(/2×2 map.*choose layer 3/);
    expect(evaluation.methods).toContain('cam');
  });

  it('at 224 px keeps layer 4 and plain CAM; switching to layer 3 turns CAM into Grad-CAM and re-explains', async () => {
    const { evaluation, asked, ready } = evaluated(224);
    await ready();
    expect([evaluation.layer, evaluation.method]).toEqual([4, 'cam']);
    expect(asked.at(-1)).toEqual(['cam', 4]);
    const before = asked.length;
    await evaluation.setLayer(3);
    expect(evaluation.method).toBe('gradcam');
    expect(asked.length).toBeGreaterThan(before);
    expect(asked.slice(before).every(([m, l]) => m === 'gradcam' && l === 3)).toBe(true);
    // back on layer 4, plain CAM (still the chosen method) returns; a method chosen on layer 3 stays
    await evaluation.setLayer(4);
    expect([evaluation.method, asked.at(-1)]).toEqual(['cam', ['cam', 4]]);
    await evaluation.setLayer(3);
    await evaluation.chooseMethod('gradcam++');
    await evaluation.setLayer(4);
    expect([evaluation.method, asked.at(-1)]).toEqual(['gradcam++', ['gradcam++', 4]]);
  });

  it('a 32 px model: no map is 4×4, so the panel says which size to import; no pointing game, no CAM zip', async () => {
    const { evaluation, errors, files, pointingGames, ready } = evaluated(32);
    await ready();
    expect(evaluation.layer).toBe(3);
    expect(evaluation.camProblem).toMatch(/At 32 px, layer 3 gives a 2×2 map.*import the images again at 64 px/);
    expect(pointingGames()).toBe(0);
    expect(evaluation.pointing).toBeNull();
    await evaluation.downloadCamZip();
    expect(files.size).toBe(0);
    expect(errors.current).toMatchObject({ code: 'bad-config', origin: 'evaluation' });
  });

  it("teacher mode during training learns the model's size from the worker and uses its layer", async () => {
    const { evaluation, events, asked } = evaluated(64);
    evaluation.teacherEnabled = true;
    await events.emit('epoch', epoch(1));
    await vi.waitFor(() => expect(evaluation.teacherEpoch).toBe(1));
    expect([evaluation.inputSize, evaluation.layer]).toEqual([64, 3]);
    expect(asked).toEqual([['gradcam', 3]]);
    expect(evaluation.teacher.map((e) => e.imageId)).toEqual(['p1', 'n1']);
  });

  it('a map asked for before the layer changed again is dropped when it arrives late', async () => {
    let releaseLayer4 = () => {};
    const layer4Held = new Promise<void>((resolve) => (releaseLayer4 = resolve));
    const worker = trainingWorker({
      evalContext: () => ({ ...context, inputSize: 224 }),
      predictSet: ((source: { split?: string }) => (source.split === 'val' ? val : test)) as never,
      explainImages: (async (ids: string[], method: 'cam' | 'gradcam', _cls: number | undefined, layer: 3 | 4) => {
        if (layer === 4 && method === 'gradcam') await layer4Held;
        return ids.map((id) => ({ ...explanation(id), method, layer }));
      }) as never,
      demoPointingGame: () => null,
    });
    const events = new Emitter<TrainingEvents>();
    const evaluation = new EvaluationState({ worker, errors: quietErrors().errors, save: savedFiles().save, trainingEvents: events });
    await events.emit('model-ready', { runId: 'r', config: { ...RECIPE } });
    await evaluation.setLayer(3); // CAM becomes Grad-CAM on layer 3
    const toLayer4 = evaluation.setLayer(4); // its Grad-CAM answers late
    const backTo3 = evaluation.setLayer(3);
    await backTo3;
    releaseLayer4();
    await toLayer4;
    expect([evaluation.cam?.layer, evaluation.cam?.method]).toEqual([3, 'gradcam']);
    expect(Object.values(evaluation.gallery).every((e) => e.layer === 3)).toBe(true);
  });

  it('a model loaded after another (no run start between) is scored afresh: no interval, calibration or pointing game of the one before stays', async () => {
    let computed = 0;
    const metrics = { setTrust: async (images: ScoredImage[], threshold: number, temperature?: number) => (computed++, setTrust(images, threshold, temperature, { draws: 20 })) };
    const { evaluation, ready, pointingGames } = evaluated(64, metrics);
    await ready();
    await vi.waitFor(() => expect(evaluation.trust).not.toBeNull());
    evaluation.temperature = 2;
    const first = computed;
    await ready();
    expect(evaluation.temperature).toBe(1);
    await vi.waitFor(() => expect(evaluation.trust).not.toBeNull());
    expect(computed).toBeGreaterThan(first);
    expect(pointingGames()).toBe(2);
  });

  it('shows the intervals of the shown set once computed; an answer overtaken by a later threshold is dropped', async () => {
    const answers: Array<{ threshold: number; release: () => void }> = [];
    const metrics = {
      setTrust: (images: ScoredImage[], threshold: number, temperature?: number) =>
        new Promise<SetTrust | null>((resolve) => answers.push({ threshold, release: () => resolve(setTrust(images, threshold, temperature, { draws: 50 })) })),
    };
    const { evaluation: gated, ready } = evaluated(64, metrics);
    await ready();
    await vi.waitFor(() => expect(answers).toHaveLength(1));
    expect(gated.trustPending).toBe(true);
    expect(gated.trust).toBeNull();
    await gated.setThreshold(0.8);
    void gated.refreshTrust(); // at once, not after the slider's pause
    await vi.waitFor(() => expect(answers).toHaveLength(2));
    answers[1].release();
    await vi.waitFor(() => expect(gated.trust).not.toBeNull());
    answers[0].release(); // the 0.5 answer arrives last: not shown
    await new Promise((r) => setTimeout(r, 0));
    expect(gated.trust!.intervals.sensitivity.estimate).toBe(setTrust(val, 0.8, 1, { draws: 50 })!.intervals.sensitivity.estimate);
    expect(answers[1].threshold).toBe(0.8);
  });

  it('a specificity target sets the lowest threshold that keeps it', async () => {
    const { evaluation, ready } = evaluated();
    await ready();
    evaluation.targetSpecificity = 0.6;
    await evaluation.presetSpecificity();
    // negatives at σ(2), σ(0.2), σ(−2): keeping 2 of 3 negatives below the threshold puts it just above σ(0.2), at σ(1.5)
    expect(evaluation.threshold).toBeCloseTo(sigmoid(1.5), 9);
    expect(evaluation.metrics?.kind === 'binary' && evaluation.metrics.binary.specificity).toBeCloseTo(2 / 3, 9);
    evaluation.targetSpecificity = 1;
    await evaluation.presetSpecificity();
    expect(evaluation.metrics?.kind === 'binary' && evaluation.metrics.binary.specificity).toBe(1);
  });

  it('temperature scaling fitted on val changes the probabilities and the ECE, not the AUC', async () => {
    const { evaluation, ready } = evaluated();
    await ready();
    const auc = evaluation.metrics?.kind === 'binary' && evaluation.metrics.binary.rocAuc;
    await evaluation.calibrate();
    const t = fitTemperature(val.map((p) => p.logits[0]), val.map((p) => p.label));
    expect(evaluation.temperature).toBeCloseTo(t, 12);
    expect(evaluation.metrics?.kind === 'binary' && evaluation.metrics.binary.rocAuc).toBe(auc);
    const labels = val.map((p) => p.label);
    expect(evaluation.calibration!.after!.ece).toBeCloseTo(expectedCalibrationError(labels, scaledProbabilities(val.map((p) => p.logits[0]), t), 10), 12);
    expect(evaluation.calibration!.after!.ece).not.toBeCloseTo(evaluation.calibration!.before.ece, 6);
    await vi.waitFor(() => expect(evaluation.trust?.calibration.temperature).toBe(evaluation.temperature));
    await evaluation.setTemperature(1);
    expect(evaluation.calibration!.after).toBeNull();
  });

  it('runs the explanation checks on the chosen layer and writes the model card with every section', async () => {
    const { evaluation, files, ready } = evaluated(224);
    await ready();
    await evaluation.runExplanationChecks();
    expect(evaluation.checks?.methods.map((m) => m.method)).toEqual(['cam', 'gradcam', 'gradcam++']);
    evaluation.limitations = 'Only synthetic images.';
    await evaluation.downloadModelCard([epoch(1), epoch(2)]);
    const md = await files.get('model-card.md')!.text();
    for (const heading of ['## Model details', '## Intended use', '## Data', '## Training', '## Metrics', '## Calibration', '## Explanation checks', '## Limitations']) expect(md).toContain(heading);
    expect(md).toContain('Only synthetic images.');
    expect(md).toContain('cam on layer 4:');
    expect(md).toMatch(/ROC AUC \| \d\.\d{3} \(\d\.\d{3}–\d\.\d{3}\)/);
    expect(md).toContain('| val | 3 | 2 | 5 |');
    const json = JSON.parse(await files.get('model-card.json')!.text());
    expect(json.versions).toMatchObject({ tfjs: '4.22.0', backend: 'cpu' });
    expect(json.history).toHaveLength(2);
  });
});
