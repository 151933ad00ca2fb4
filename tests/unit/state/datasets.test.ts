import { describe, expect, it } from 'vitest';
import { DatasetState, sortDatasets } from '../../../src/state/datasets.svelte';
import type { ImportReport } from '../../../src/platform/export';
import type { ImportItem, ImportJob, LabelSource, NewDataset } from '../../../src/platform/import-service';
import type { DatasetRecord } from '../../../src/platform/db';
import type { StorageInfo } from '../../../src/platform/storage';
import { StudioError } from '../../../src/lib/errors';
import type { OtherTabs, TabMessage } from '../../../src/platform/other-tabs';
import { MemoryDatasetStore, dataset, inlinePool, quietErrors, sameThread, savedFiles } from './fakes';

const report = (datasetId: string): ImportReport => ({ datasetId, name: datasetId, classes: [], imageCount: 0, byClass: {}, bySplit: { train: 0, val: 0, test: 0 }, byEncoding: {}, bySplitAndClass: { train: {}, val: {}, test: {} }, rejected: [], leakage: [], patientsInSeveralSplits: [] });

/** An import worker on the in-memory store: chunks count images, finalising marks the dataset ready. */
function setup(options: { leakage?: Array<{ a: string; b: string }>; failChunk?: boolean; store?: MemoryDatasetStore; tabs?: OtherTabs } = {}) {
  const store = options.store ?? new MemoryDatasetStore();
  const chunks: Array<{ start: number; count: number }> = [];
  const imported: Array<{ paths: string[]; labels: LabelSource; size: number }> = [];
  const jobs = new Map<string, ImportJob>();
  const begun: string[] = [];
  const finalize = async (id: string) => {
    const record = (await store.get(id))!;
    await store.put({ ...record, status: 'ready', imageCount: chunks.reduce((n, c) => n + c.count, 0) + imported.reduce((n, c) => n + c.paths.length, 0) });
    return { imageCount: 0, rejectedCount: 0, mean: 0.5, std: 0.2, splitCounts: { train: 0, val: 0, test: 0 }, leakage: options.leakage ?? [] };
  };
  const state: { datasets?: DatasetState; cancelAfterTwo?: boolean; store?: (bytes: number) => number } = {};
  const seenProgress: string[] = [];
  const pool = inlinePool({
    generateDemo: async (_id: string, _size: number, _seed: number, _pos: number, start: number, count: number) => {
      chunks.push({ start, count });
      const p = state.datasets!.progress;
      if (p) seenProgress.push(`${p.done}/${p.total}`);
      // the person cancels while the second chunk runs
      if (chunks.length === 2 && options.failChunk === undefined && state.cancelAfterTwo) state.datasets!.cancel();
      if (options.failChunk) throw new StudioError('quota-exceeded', 'disk full');
      return { stored: count, skipped: 0, rejected: [] };
    },
    // the import service's writes to datasets, on the in-memory store
    openDataset: async (d: NewDataset, splitSeed: number, splitFractions: [number, number, number]) => {
      const existing = await store.get(d.id);
      await store.put(existing ? { ...existing, splitSeed, splitFractions } : { ...dataset(d.id, { ...d, status: 'importing', imageCount: 0 }), splitSeed, splitFractions });
      return existing ? 'resumed' : 'created';
    },
    updateDataset: async (id: string, change: Partial<DatasetRecord>) => {
      const record = await store.get(id);
      if (record) await store.put({ ...record, ...change });
    },
    beginImport: async (job: ImportJob) => {
      jobs.set(job.datasetId, job);
      begun.push(job.datasetId);
    },
    importFiles: async (id: string, items: ImportItem[]) => {
      const job = jobs.get(id);
      if (!job) throw new Error(`${id} was not begun`);
      imported.push({ paths: items.map((i) => i.path), labels: job.labels, size: job.imageSize });
      return { stored: items.length, skipped: 0, rejected: [] };
    },
    finalizeDataset: finalize,
    importReport: async (id: string) => report(id),
    browseImages: async () => {
      throw new StudioError('storage-closed', 'closing');
    },
  });
  const storage: StorageInfo = { usageBytes: 1536, quotaBytes: 2 * 1024 ** 3, persisted: false, ephemeral: false };
  let stored = 0;
  const { errors } = quietErrors();
  const { save, files } = savedFiles();
  const datasets = new DatasetState({ pool, store, errors, save, callback: sameThread, storage: { info: async () => ({ ...storage, usageBytes: storage.usageBytes + stored }), requestPersistent: async () => true }, pause: async () => {}, tabs: options.tabs });
  state.datasets = datasets;
  state.store = (bytes: number) => (stored += bytes);
  return { datasets, store, chunks, imported, begun, jobs, errors, files, seenProgress, state };
}

describe('DatasetState', () => {
  it('generates the demo chunk by chunk with a progress bar, finalises it and selects it', async () => {
    const { datasets, chunks, store, seenProgress } = setup();
    await datasets.importDemo({ count: 20, size: 32, seed: 3 });
    expect(seenProgress).toEqual(['0/20', '8/20', '16/20']);
    expect(chunks).toEqual([{ start: 0, count: 8 }, { start: 8, count: 8 }, { start: 16, count: 4 }]);
    expect(datasets.progress).toBeNull();
    const id = 'demo-20-32px-seed3';
    expect(store.records.get(id)).toMatchObject({ status: 'ready', imageCount: 20, splitSeed: 3 });
    expect(datasets.selectedId).toBe(id);
    expect(datasets.importReport?.datasetId).toBe(id);
    expect(datasets.lastImport?.datasetId).toBe(id);
  });

  it('the storage figure follows an import: what the browser reports after the writes', async () => {
    const { datasets, state } = setup();
    await datasets.initStorage();
    expect(datasets.storageUsage?.used).toBe('1.5 KB');
    state.store!(3 * 1024 ** 2);
    await datasets.importDemo({ count: 8, size: 32, seed: 1 });
    expect(datasets.storageUsage?.used).toBe('3.0 MB');
  });

  it('a cancelled import stops dispatching and is listed as importing, not finalised', async () => {
    const { datasets, chunks, state } = setup();
    state.cancelAfterTwo = true;
    await datasets.importDemo({ count: 40, size: 32, seed: 1 });
    expect(chunks.length).toBe(2);
    expect(datasets.list.map((d) => d.status)).toEqual(['importing']);
    expect(datasets.selectedId).toBeNull();
  });

  it("a failed chunk lands in the errors with its code; the next finished import clears it", async () => {
    const failing = setup({ failChunk: true });
    await failing.datasets.importDemo({ count: 8 });
    expect(failing.errors.current).toMatchObject({ code: 'quota-exceeded', origin: 'import' });
    const { datasets, errors } = setup();
    errors.report('import', new StudioError('not-dicom', 'x'));
    await datasets.importDemo({ count: 8, size: 32 });
    expect(errors.current).toBeNull();
  });

  it('imports a picked folder with labels from its CSV and the split spec; storage is refreshed', async () => {
    const { datasets, imported, store } = setup();
    const file = (text: string) => new File([text], 'f');
    const picked = {
      name: 'rsna',
      files: [
        { path: 'labels.csv', file: file('patientId,x,y,width,height,Target\na,1,1,2,2,1\nb,,,,,0\n') },
        { path: 'a.dcm', file: file('') },
        { path: 'b.dcm', file: file('') },
      ],
    };
    await datasets.importFrom(async () => picked, { size: 64, splitSpec: '70/15/15', seed: 9 });
    expect(imported).toHaveLength(1);
    expect(imported[0].paths).toEqual(['a.dcm', 'b.dcm']);
    expect(imported[0].size).toBe(64);
    expect(imported[0].labels.classes).toEqual(['normal', 'pneumonia']);
    const id = [...store.records.keys()].find((k) => k.startsWith('folder-rsna-64px-'))!;
    expect(store.records.get(id)).toMatchObject({ status: 'ready', splitSeed: 9, splitFractions: [0.7, 0.15, 0.15] });
    expect(datasets.storageUsage).toEqual({ used: '1.5 KB', quota: '2.0 GB' });
  });

  it('sends the label table to a worker once, not with every chunk', async () => {
    const { datasets, imported, begun, jobs } = setup();
    const files = Array.from({ length: 20 }, (_, i) => ({ path: `normal/${i}.png`, file: new File([], `${i}.png`) }));
    await datasets.importFolder('xr', files, { size: 32 });
    expect(imported.map((c) => c.paths.length)).toEqual([8, 8, 4]);
    expect(begun).toHaveLength(1);
    expect(jobs.get(begun[0])?.scaledDecode).toBe(false); // off by default: see tests/browser/scaled-decode.test.ts
  });

  it('two different folders with the same name import as two datasets; the same folder again resumes its own', async () => {
    const { datasets, store, imported } = setup();
    const folder = (content: string) => [{ path: 'normal/a.png', file: new File([content], 'a.png', { lastModified: 1000 }) }, { path: 'pneumonia/b.png', file: new File(['b'], 'b.png', { lastModified: 1000 }) }];
    await datasets.importFolder('images', folder('first'), { size: 32 });
    await datasets.importFolder('images', folder('second folder'), { size: 32 });
    const ids = [...store.records.keys()];
    expect(ids).toHaveLength(2);
    expect(ids.every((id) => id.startsWith('folder-images-32px-'))).toBe(true);
    expect(new Set(imported.map((c) => c.paths.join()))).toEqual(new Set(['normal/a.png,pneumonia/b.png']));
    await datasets.importFolder('images', folder('first'), { size: 32 });
    expect(store.records.size).toBe(2);
    await datasets.importFolder('images', folder('first'), { size: 32, fit: 'letterbox' });
    expect(store.records.size).toBe(3);
  });

  it('a bad split spec or an empty folder is reported and imports nothing', async () => {
    const { datasets, imported, errors } = setup();
    await datasets.importFrom(async () => ({ name: 'x', files: [{ path: 'a.dcm', file: new File([], 'a') }] }), { size: 32, splitSpec: '80/30', seed: 1 });
    expect(errors.current?.origin).toBe('import');
    expect(errors.current?.code).toBe('bad-config');
    await datasets.importFrom(async () => ({ name: 'empty', files: [] }), { size: 32, splitSpec: '80/10/10', seed: 1 });
    expect(errors.current?.code).toBe('empty-dataset');
    await datasets.importFrom(async () => null, { size: 32, splitSpec: '80/10/10', seed: 1 });
    expect(imported).toEqual([]);
  });

  it('delete removes the dataset and its report and refreshes the list', async () => {
    const { datasets, store } = setup();
    await store.put(dataset('a', { createdAt: 1 }));
    await store.put(dataset('b', { createdAt: 2 }));
    await datasets.refresh();
    expect(datasets.list.map((d) => d.id)).toEqual(['b', 'a']);
    await datasets.loadReport('b');
    await datasets.remove('b');
    expect(datasets.list.map((d) => d.id)).toEqual(['a']);
    expect(datasets.importReport).toBeNull();
    expect(datasets.selectedId).toBe('a');
  });

  it('reads the list once more when the first read fails', async () => {
    const { datasets, store } = setup();
    await store.put(dataset('a'));
    store.failingLists = 1;
    await datasets.refresh();
    expect(datasets.list.map((d) => d.id)).toEqual(['a']);
  });

  it('renames (trimmed, never to nothing) and re-splits with new settings', async () => {
    const { datasets, store } = setup();
    await store.put(dataset('a'));
    await datasets.rename('a', '  chest  ');
    await datasets.rename('a', '   ');
    expect(store.records.get('a')?.name).toBe('chest');
    await datasets.resplit('a', { splitSpec: '60/20/20', seed: 4 });
    expect(store.records.get('a')).toMatchObject({ splitFractions: [0.6, 0.2, 0.2], splitSeed: 4 });
  });

  it('a failed browse is reported and gives no page', async () => {
    const { datasets, errors } = setup();
    expect(await datasets.browse('a', {}, 0, 48)).toBeNull();
    expect(errors.current).toMatchObject({ code: 'storage-closed', origin: 'import' });
  });

  it('newest first', () => {
    expect(sortDatasets([dataset('a', { createdAt: 1 }), dataset('c', { createdAt: 3 }), dataset('b', { createdAt: 2 })]).map((d) => d.id)).toEqual(['c', 'b', 'a']);
  });
});

/** Two tabs on one database: what one posts, the other hears (as a BroadcastChannel: never the sender). */
function twoTabs(): [OtherTabs, OtherTabs] {
  const listeners: Array<Array<(m: TabMessage) => void>> = [[], []];
  const tab = (me: number): OtherTabs => ({
    post: (m) => listeners[1 - me].forEach((l) => l(m)),
    subscribe: (l) => {
      listeners[me].push(l);
      return () => undefined;
    },
  });
  return [tab(0), tab(1)];
}

describe('two tabs', () => {
  it("an import in one tab shows in the other as importing, then ready; a delete there empties this tab's list", async () => {
    const store = new MemoryDatasetStore();
    const [tabA, tabB] = twoTabs();
    const a = setup({ store, tabs: tabA }).datasets;
    const b = setup({ store, tabs: tabB }).datasets;
    const id = 'demo-8-32px-seed1';
    const seenInB: string[][] = [];
    tabB.subscribe(() => seenInB.push([...b.importingElsewhere])); // after B's own handler
    await a.importDemo({ count: 8, size: 32, seed: 1 });
    await new Promise((r) => setTimeout(r, 0));
    expect(seenInB).toEqual([[id], [id], []]); // importing, datasets-changed (still importing), done
    expect(b.importedElsewhere(id)).toBe(false);
    expect(b.list.map((d) => [d.id, d.status])).toEqual([[id, 'ready']]);
    await b.remove(id);
    await new Promise((r) => setTimeout(r, 0));
    expect(a.list).toEqual([]);
  });

  it('the record is written before the other tab hears "importing" (its refresh lists it)', async () => {
    const store = new MemoryDatasetStore();
    const [tabA, tabB] = twoTabs();
    const a = setup({ store, tabs: tabA }).datasets;
    const storedWhenTold: boolean[] = [];
    tabB.subscribe((m) => {
      if (m.kind === 'importing' && m.active) storedWhenTold.push(store.records.has(m.id));
    });
    await a.importDemo({ count: 8, size: 32, seed: 1 });
    await a.importFolder('xr', [{ path: 'normal/a.png', file: new File([], 'a.png') }], { size: 32 });
    expect(storedWhenTold).toEqual([true, true]);
  });
});

describe('start-up', () => {
  it('initStorage asks for persistence, then reads the list and the storage figure', async () => {
    const store = new MemoryDatasetStore();
    await store.put(dataset('a', { status: 'ready' }));
    const { datasets } = setup({ store });
    await datasets.initStorage();
    expect(datasets.list.map((d) => d.id)).toEqual(['a']);
    expect(datasets.selectedId).toBe('a');
    expect(datasets.storageUsage?.used).toBe('1.5 KB');
  });
});
