import { describe, expect, it } from 'vitest';
import { ShowcaseState, type ShowcaseDeps } from '../../../src/state/showcase.svelte';
import { StudioError } from '../../../src/lib/errors';
import type { DemoModelCard } from '../../../src/lib/demo/demo-model';
import type { DatasetRecord } from '../../../src/platform/db';
import { dataset, quietErrors } from './fakes';

const card: DemoModelCard = { count: 40, size: 64, seed: 7, width: 0.125, epochs: 3, batch: 32, lr: 1e-3, mean: 0.4, std: 0.2, pointing: 0.85, positives: 8 };
const demoId = 'demo-40-64px-seed7';
const stats = (mean: number, std: number) => ({ mean, std, trainSums: { count: 1, sum: mean, sumOfSquares: mean * mean + std * std } });

function setup(options: { stored?: DatasetRecord[]; importFinishes?: boolean; fetchFails?: boolean; loads?: boolean } = {}) {
  const { errors } = quietErrors();
  const imports: unknown[] = [];
  const loads: Array<{ datasetId: string; name: string; bytes: number; config: unknown }> = [];
  const datasets: ShowcaseDeps['datasets'] = {
    list: options.stored ?? [],
    selectedId: null,
    async importDemo(o) {
      imports.push(o);
      if (options.importFinishes !== false) datasets.list = [...datasets.list, dataset(demoId, { source: 'demo', imageSize: o.size, stats: stats(0.4, 0.2) })];
    },
  };
  const deps: ShowcaseDeps = {
    fetchModel: async () => {
      if (options.fetchFails) throw new StudioError('demo-model-missing', 'The demo model is missing from this build.');
      return { card, name: 'demo-model.safetensors', bytes: new Uint8Array(12) };
    },
    datasets,
    training: {
      async loadModelBytes(datasetId, name, bytes, config) {
        loads.push({ datasetId, name, bytes: bytes.length, config });
        return options.loads !== false;
      },
    },
    errors,
  };
  return { showcase: new ShowcaseState(deps), datasets, errors, imports, loads };
}

describe('ShowcaseState', () => {
  it('rebuilds the demo dataset of the card, selects it and loads the model with the card’s configuration', async () => {
    const { showcase, datasets, imports, loads, errors } = setup();
    await showcase.show();
    expect(imports).toEqual([{ count: 40, size: 64, seed: 7 }]);
    expect(datasets.selectedId).toBe(demoId);
    expect(loads).toEqual([{ datasetId: demoId, name: 'demo-model.safetensors', bytes: 12, config: { imageSize: 64, widthMultiplier: 0.125, epochs: 3, batchSize: 32, lr: 1e-3 } }]);
    expect(showcase.phase).toBe('ready');
    expect(showcase.card?.pointing).toBe(0.85);
    expect(errors.current).toBeNull();
    expect(errors.warnings).toEqual([]);
  });

  it('reuses the stored demo dataset instead of importing it again', async () => {
    const { showcase, imports, loads } = setup({ stored: [dataset(demoId, { source: 'demo', stats: stats(0.4, 0.2) })] });
    await showcase.show();
    expect(imports).toEqual([]);
    expect(loads.map((l) => l.datasetId)).toEqual([demoId]);
  });

  it('does not import or half-load when the model cannot be fetched: the error names the missing model', async () => {
    const { showcase, imports, loads, errors } = setup({ fetchFails: true });
    await showcase.show();
    expect(imports).toEqual([]);
    expect(loads).toEqual([]);
    expect(showcase.phase).toBe('idle');
    expect(errors.current?.code).toBe('demo-model-missing');
  });

  it('stops quietly when the import is cancelled (the import reports for itself)', async () => {
    const { showcase, loads, errors } = setup({ importFinishes: false });
    await showcase.show();
    expect(loads).toEqual([]);
    expect(showcase.phase).toBe('idle');
    expect(errors.current).toBeNull();
  });

  it('warns when the stored demo data no longer has the statistics the model was made on', async () => {
    const { showcase, errors } = setup({ stored: [dataset(demoId, { source: 'demo', stats: stats(0.45, 0.2) })] });
    await showcase.show();
    expect(errors.warnings.join(' ')).toMatch(/no longer matches.*0\.4500\/0\.2000.*0\.4000\/0\.2000.*npm run demo-model/);
    expect(showcase.phase).toBe('ready');
  });
});
