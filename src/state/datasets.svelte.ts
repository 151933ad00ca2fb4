/** Datasets: the stored list, demo generation and folder import, with progress and cancel. */
import { DEMO_DEFAULTS } from '../lib/demo/generate';
import { parseLabelCsv, labelFromPath, classIndex, type LabelTable } from '../lib/dataset/labels';
import { splitFromPath } from '../lib/dataset/splits';
import { chunk } from '../lib/chunk';
import { StudioError } from '../lib/errors';
import { deleteDataset, openStudioDb, type DatasetRecord, type RejectionRecord } from '../platform/db';
import { getImportPool } from '../platform/workers';
import type { PickedFile } from '../platform/folder';
import type { ChunkResult, FinalizeResult, ImportItem } from '../platform/import-service';
import type { ImportApi } from '../../workers/import.worker';
import type { Remote } from 'comlink';
import { errors } from './errors.svelte';
import { advance, startProgress, type Progress } from './progress';

export interface ImportSummary extends FinalizeResult {
  datasetId: string;
  rejected: RejectionRecord[];
}

const CHUNK = 8;

class DatasetState {
  list = $state<DatasetRecord[]>([]);
  selectedId = $state<string | null>(null);
  progress = $state<Progress | null>(null);
  lastImport = $state<ImportSummary | null>(null);
  private cancelRequested = false;

  get selected(): DatasetRecord | undefined {
    return this.list.find((d) => d.id === this.selectedId);
  }

  async refresh(): Promise<void> {
    const db = await openStudioDb();
    this.list = (await db.getAll('datasets')).sort((a, b) => b.createdAt - a.createdAt);
    if (!this.selectedId || !this.selected) this.selectedId = this.list.find((d) => d.status === 'ready')?.id ?? null;
  }

  cancel(): void {
    this.cancelRequested = true;
  }

  private async createRecord(partial: Pick<DatasetRecord, 'id' | 'name' | 'source' | 'imageSize' | 'classes'>, seed: number): Promise<void> {
    const db = await openStudioDb();
    const existing = await db.get('datasets', partial.id);
    if (existing) return; // continue an interrupted import of the same source
    await db.put('datasets', {
      ...partial,
      createdAt: Date.now(),
      status: 'importing',
      imageCount: 0,
      rejectedCount: 0,
      splitSeed: seed,
      splitFractions: [0.8, 0.1, 0.1],
    });
  }

  /** Run chunks on the pool with a progress bar; stops dispatching when cancelled. */
  private async runChunks<T>(
    label: string,
    units: T[][],
    total: number,
    work: (api: Remote<ImportApi>, unit: T[]) => Promise<ChunkResult>,
  ): Promise<boolean> {
    this.cancelRequested = false;
    this.progress = startProgress(label, total);
    let done = 0;
    const pool = getImportPool();
    let failure: unknown;
    await Promise.all(
      units.map((unit) =>
        pool.run(async (api) => {
          if (this.cancelRequested || failure) return;
          try {
            await work(api, unit);
          } catch (e) {
            failure = e;
            return;
          }
          done += unit.length;
          if (this.progress) this.progress = advance(this.progress, done);
        }),
      ),
    );
    this.progress = null;
    if (failure) throw failure;
    return !this.cancelRequested;
  }

  private async finish(datasetId: string): Promise<void> {
    const pool = getImportPool();
    const result = await pool.run((api) => api.finalizeDataset(datasetId));
    const db = await openStudioDb();
    const rejected = await db.getAllFromIndex('rejections', 'byDataset', datasetId);
    this.lastImport = { ...result, datasetId, rejected };
    if (result.leakage.length > 0) {
      errors.warn(`${result.leakage.length} image(s) have identical pixels in two different splits (possible leakage), e.g. ${result.leakage[0].a} and ${result.leakage[0].b}.`);
    }
    await this.refresh();
    this.selectedId = datasetId;
  }

  async importDemo(options: { count?: number; size?: number; seed?: number } = {}): Promise<void> {
    const count = options.count ?? DEMO_DEFAULTS.count;
    const size = options.size ?? DEMO_DEFAULTS.size;
    const seed = options.seed ?? DEMO_DEFAULTS.seed;
    const id = `demo-${count}-${size}px-seed${seed}`;
    try {
      await this.createRecord({ id, name: `Demo: ${count} synthetic radiographs, ${size} px`, source: 'demo', imageSize: size, classes: ['normal', 'pneumonia'] }, seed);
      const starts = chunk(Array.from({ length: count }, (_, i) => i), CHUNK);
      const complete = await this.runChunks('Generating demo images', starts, count, (api, idx) =>
        api.generateDemo(id, size, seed, DEMO_DEFAULTS.positiveFraction, idx[0], idx.length),
      );
      if (complete) await this.finish(id);
      else await this.refresh();
    } catch (e) {
      errors.report(e);
      await this.refresh();
    }
  }

  async importFolder(name: string, picked: PickedFile[], options: { size: number; fit?: 'stretch' | 'letterbox'; seed?: number }): Promise<void> {
    try {
      if (picked.length === 0) throw new StudioError('empty-dataset', `The folder "${name}" holds no files.`);
      const csvFile = picked.find((f) => /\.csv$/i.test(f.path) && !f.path.includes('/'));
      let table: LabelTable | null = null;
      if (csvFile) table = parseLabelCsv(await csvFile.file.text());
      const imageFiles = picked.filter((f) => f !== csvFile);
      const names = table ? [...new Set(table.labels.values())] : [...new Set(imageFiles.map((f) => labelFromPath(f.path)).filter((l): l is string => l !== null))];
      const { classes } = classIndex(names);
      const seed = options.seed ?? 1;
      const id = `folder-${name}-${options.size}px`;
      await this.createRecord({ id, name, source: 'folder', imageSize: options.size, classes }, seed);
      const items: ImportItem[] = imageFiles.map((f) => ({ file: f.file, path: f.path, splitHint: splitFromPath(f.path) }));
      const complete = await this.runChunks(`Importing ${name}`, chunk(items, CHUNK), items.length, (api, unit) =>
        api.importFiles(id, options.size, options.fit ?? 'stretch', { classes, table }, unit),
      );
      if (complete) await this.finish(id);
      else await this.refresh();
    } catch (e) {
      errors.report(e);
      await this.refresh();
    }
  }

  async remove(id: string): Promise<void> {
    await deleteDataset(await openStudioDb(), id);
    await this.refresh();
  }
}

export const datasets = new DatasetState();
