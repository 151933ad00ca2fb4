import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_POINTS, LatentMapState, SELECTION_CAMS, type EvaluationView, type Projector } from '../../../src/state/latent-map.svelte';
import { Emitter } from '../../../src/state/events';
import type { TrainingEvents } from '../../../src/state/deps';
import type { LatentImage } from '../../../src/lib/latent';
import type { EvalContext } from '../../../src/platform/explain-service';
import { project } from '../../../src/lib/latent';
import { parseCsv } from '../../../src/lib/dataset/csv';
import { explanation, quietErrors, sameThread, savedFiles, trainingWorker } from '../state/fakes';

const context: EvalContext = { datasetId: 'd1', name: 'demo', source: 'demo', classes: ['normal', 'pneumonia'], mean: 0.5, std: 0.2, fingerprint: 'f', inputSize: 64, widthMultiplier: 0.125, counts: {} };

/** n images in two clusters of features (label 0 near 0, label 1 near 10), logits agreeing with the label but for the last */
function images(n: number, split = 'val'): LatentImage[] {
  return Array.from({ length: n }, (_, i) => {
    const label = i % 2;
    return {
      id: `${split}-${i}`,
      sourcePath: `${split}/${i}.png`,
      split,
      label,
      logits: [i === n - 1 ? (label ? -2 : 2) : label ? 2 : -2],
      features: Float32Array.from({ length: 8 }, (_, k) => label * 10 + ((i * 7 + k * 3) % 5) / 5),
      thumbnail: new Uint8Array(4),
      thumbnailSize: 2,
    };
  });
}

function setup(options: { onEditSelection?: (ids: string[]) => void; projector?: Projector } = {}) {
  const asked: Array<{ source: unknown; limit: number | undefined }> = [];
  const explained: Array<{ ids: string[]; method: string; layer: number }> = [];
  const worker = trainingWorker({
    latentFeatures: ((source: { split?: string }, limit?: number, onProgress?: (done: number, total: number) => void) => {
      asked.push({ source, limit });
      const all = images(12, source.split ?? 'external');
      onProgress?.(6, 12);
      onProgress?.(12, 12);
      return all;
    }) as never,
    explainImages: ((ids: string[], method: string, _cls: number | undefined, layer: number) => {
      explained.push({ ids, method, layer });
      return ids.map(explanation);
    }) as never,
  });
  const progress: number[] = [];
  const projector: Projector = options.projector ?? {
    project: async (features, dim, method, seed, onProgress) =>
      project(features, dim, method, {
        seed,
        onProgress: (f) => {
          progress.push(f);
          onProgress?.(f);
        },
      }),
    cancel: () => undefined,
  };
  const evaluation: EvaluationView = { context: null, sets: {}, threshold: 0.5, temperature: 1, method: 'gradcam', layer: 3, camClass: -1 };
  const events = new Emitter<TrainingEvents>();
  const { errors } = quietErrors();
  const { save, files } = savedFiles();
  let clock = 0;
  const latent = new LatentMapState({ worker, projector, evaluation, errors, save, callback: sameThread, trainingEvents: events, onEditSelection: options.onEditSelection, now: () => (clock += 100) });
  return { latent, evaluation, events, asked, explained, files, errors, progress };
}

describe('LatentMapState', () => {
  it('says what to do first while no model is evaluated, and computes nothing', async () => {
    const { latent, asked, errors } = setup();
    expect(latent.available).toBe(false);
    await latent.compute();
    expect(asked).toEqual([]);
    expect(latent.phase).toBe('idle');
    expect(errors.current?.message).toMatch(/model first/);
  });

  it('computes the map of the chosen set: features with the point cap, then the projection; points coloured by label', async () => {
    const { latent, evaluation, asked, progress } = setup();
    evaluation.context = { ...context };
    latent.setKey = 'test';
    latent.method = 'pca';
    latent.maxPoints = 500;
    await latent.compute();
    expect(asked).toEqual([{ source: { split: 'test' }, limit: 500 }]);
    expect(latent.phase).toBe('ready');
    expect(latent.points).toHaveLength(12);
    expect(latent.shown).toMatchObject({ setKey: 'test', method: 'pca' });
    expect(latent.timings).toEqual({ featuresMs: 100, projectionMs: 100 });
    expect(progress.at(-1)).toBe(1);
    // PCA's first axis separates the two feature clusters, so the labels
    const xs = (label: number) => latent.points.filter((p) => p.label === label).map((p) => p.x);
    expect(Math.max(...xs(0)) < Math.min(...xs(1)) || Math.min(...xs(0)) > Math.max(...xs(1))).toBe(true);
    expect(latent.colouring.legend.map((e) => [e.category, e.count])).toEqual([
      ['normal', 6],
      ['pneumonia', 6],
    ]);
    latent.colourBy = 'correctness';
    expect(latent.colouring.legend.map((e) => [e.category, e.count])).toEqual([
      ['correct', 11],
      ['wrong', 1],
    ]);
  });

  it('reuses the feature pass for another projection of the same set and cap; a new model needs a new one', async () => {
    const { latent, evaluation, events, asked } = setup();
    evaluation.context = { ...context };
    await latent.compute();
    latent.method = 'pca';
    await latent.compute();
    expect(asked).toHaveLength(1);
    expect(latent.shown?.method).toBe('pca');
    latent.maxPoints = 10;
    await latent.compute();
    expect(asked).toHaveLength(2);
    latent.maxPoints = null as unknown as number;
    await latent.compute();
    expect(asked.at(-1)!.limit).toBe(DEFAULT_MAX_POINTS);
    await events.emit('model-ready', { runId: null, config: {} as never });
    await latent.compute();
    expect(asked).toHaveLength(4);
  });

  it('offers val, test, the scored external sets and train', () => {
    const { latent, evaluation } = setup();
    evaluation.sets = { val: [], test: [], 'external:x1': [] };
    expect(latent.setOptions.map((o) => o.key)).toEqual(['val', 'test', 'external:x1', 'train']);
  });

  it('a selection shows the CAMs of the selected images with the evaluation’s method and layer, and hands them to the editor', async () => {
    const edited: string[][] = [];
    const { latent, evaluation, explained } = setup({ onEditSelection: (ids) => edited.push(ids) });
    evaluation.context = { ...context };
    await latent.compute();
    const ids = latent.points.filter((p) => p.label === 1).map((p) => p.id);
    await latent.select(ids);
    expect(latent.selection).toEqual(ids);
    expect(latent.gallery.map((e) => e.imageId)).toEqual(ids);
    expect(explained.at(-1)).toEqual({ ids, method: 'gradcam', layer: 3 });
    expect(latent.canEdit).toBe(true);
    latent.editSelection();
    expect(edited).toEqual([ids]);
  });

  it('draws CAMs for the first SELECTION_CAMS images of a large selection', async () => {
    const { latent, evaluation, explained } = setup();
    evaluation.context = { ...context };
    const many = Array.from({ length: SELECTION_CAMS + 5 }, (_, i) => `id-${i}`);
    await latent.select(many);
    expect(latent.selection).toHaveLength(SELECTION_CAMS + 5);
    expect(explained.at(-1)!.ids).toEqual(many.slice(0, SELECTION_CAMS));
    expect(latent.canEdit).toBe(false);
  });

  it('exports the points as CSV with their coordinates', async () => {
    const { latent, evaluation, files } = setup();
    evaluation.context = { ...context };
    latent.method = 'pca';
    await latent.compute();
    latent.downloadCsv();
    const rows = parseCsv(await files.get('latent-map-val-pca.csv')!.text());
    expect(rows).toHaveLength(13);
    expect(rows.slice(1).map((r) => [r[0], Number(r[7]), Number(r[8])])).toEqual(latent.points.map((p) => [p.id, Number(p.x.toPrecision(9)), Number(p.y.toPrecision(9))]));
  });

  it('cancel drops the projection running and asks the worker to stop; a new run clears the map', async () => {
    let release: () => void = () => undefined;
    let cancels = 0;
    const projector: Projector = {
      project: () => new Promise((resolve) => (release = () => resolve({ coords: new Float64Array(24) }))),
      cancel: () => void cancels++,
    };
    const { latent, evaluation, events } = setup({ projector });
    evaluation.context = { ...context };
    const computing = latent.compute();
    await new Promise((r) => setTimeout(r, 0));
    expect(latent.phase).toBe('projecting');
    latent.cancel();
    release();
    await computing;
    expect(cancels).toBe(1);
    expect(latent.phase).toBe('idle');
    expect(latent.points).toEqual([]);

    const { latent: again, evaluation: ev2, events: ev } = setup();
    ev2.context = { ...context };
    await again.compute();
    await again.select([again.points[0].id]);
    await ev.emit('run-started', undefined);
    expect(again.phase).toBe('idle');
    expect(again.points).toEqual([]);
    expect(again.selection).toEqual([]);
    void events;
  });
});
