/** Datasets: the stored list, demo generation and folder import, with progress and cancel. */
import { DEMO_DEFAULTS } from '../lib/demo/generate';
import { parseLabelCsv, labelFromPath, classIndex, type LabelTable } from '../lib/dataset/labels';
import { DEFAULT_SPLIT_FRACTIONS, splitFromPath } from '../lib/dataset/splits';
import { chunk } from '../lib/chunk';
import { StudioError } from '../lib/errors';
import { deleteDataset, openStudioDb, type DatasetRecord, type RejectionRecord } from '../platform/db';
import { proxy } from 'comlink';
import { getImportPool } from '../platform/workers';
import { saveBlob } from '../platform/download';
import type { PickedFile } from '../platform/folder';
import type { ChunkResult, FinalizeResult, ImportItem } from '../platform/import-service';
import type { ImportReport } from '../platform/export';
import type { ImportApi } from '../../workers/import.worker';
import type { Remote } from 'comlink';
import { errors } from './errors.svelte';
import { advance, startProgress, type Progress } from './progress';

export interface ImportSummary extends FinalizeResult {
  datasetId: string;
  rejected: RejectionRecord[];
}

const CHUNK = 8;

/** RSNA's Target 0/1, shown under names a person reads; 'pneumonia' stays class index 1 (see classIndex). */
const RSNA_CLASS_NAMES: Record<string, string> = { '0': 'normal', '1': 'pneumonia' };

function withRsnaNames(table: LabelTable): LabelTable {
  if (table.kind !== 'rsna') return table;
  return { ...table, labels: new Map([...table.labels].map(([key, target]) => [key, RSNA_CLASS_NAMES[target] ?? target])) };
}

export interface ImportOptions {
  /** side of the stored square images, px */
  size: number;
  fit?: 'stretch' | 'letterbox';
  seed?: number;
  /** train/val/test fractions for folders without train/ val/ test/ sub-folders */
  fractions?: [number, number, number];
}


class DatasetState {
  list = $state<DatasetRecord[]>([]);
  selectedId = $state<string | null>(null);
  progress = $state<Progress | null>(null);
  lastImport = $state<ImportSummary | null>(null);
  /** the import report of the selected dataset, loaded on demand */
  report = $state<ImportReport | null>(null);
  private cancelRequested = false;

  get selected(): DatasetRecord | undefined {
    return this.list.find((d) => d.id === this.selectedId);
  }

  async refresh(): Promise<void> {
    let stored: DatasetRecord[];
    try {
      stored = await (await openStudioDb()).getAll('datasets');
    } catch {
      // the browser may be closing the connection (e.g. disk full): reopen once
      await new Promise((r) => setTimeout(r, 300));
      stored = await (await openStudioDb()).getAll('datasets');
    }
    this.list = stored.sort((a, b) => b.createdAt - a.createdAt);
    if (!this.selectedId || !this.selected) this.selectedId = this.list.find((d) => d.status === 'ready')?.id ?? null;
  }

  cancel(): void {
    this.cancelRequested = true;
  }

  private async createRecord(
    partial: Pick<DatasetRecord, 'id' | 'name' | 'source' | 'imageSize' | 'classes'>,
    seed: number,
    fractions: [number, number, number] = DEFAULT_SPLIT_FRACTIONS,
  ): Promise<void> {
    const db = await openStudioDb();
    const existing = await db.get('datasets', partial.id);
    if (existing) {
      // continue an interrupted import of the same source (ids derive from paths: nothing is duplicated);
      // the split settings chosen now apply when it is finalised
      await db.put('datasets', { ...existing, splitSeed: seed, splitFractions: fractions });
      return;
    }
    await db.put('datasets', {
      ...partial,
      createdAt: Date.now(),
      status: 'importing',
      imageCount: 0,
      rejectedCount: 0,
      splitSeed: seed,
      splitFractions: fractions,
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
    this.report = await pool.run((api) => api.importReport(datasetId));
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

  async importFolder(name: string, picked: PickedFile[], options: ImportOptions): Promise<void> {
    try {
      if (picked.length === 0) throw new StudioError('empty-dataset', `The folder "${name}" holds no files.`);
      const csvFile = picked.find((f) => /\.csv$/i.test(f.path) && !f.path.includes('/'));
      let table: LabelTable | null = null;
      if (csvFile) table = withRsnaNames(parseLabelCsv(await csvFile.file.text()));
      const imageFiles = picked.filter((f) => f !== csvFile);
      const names = table ? [...new Set(table.labels.values())] : [...new Set(imageFiles.map((f) => labelFromPath(f.path)).filter((l): l is string => l !== null))];
      const { classes } = classIndex(names);
      const seed = options.seed ?? 1;
      const id = `folder-${name}-${options.size}px`;
      await this.createRecord({ id, name, source: 'folder', imageSize: options.size, classes }, seed, options.fractions);
      await this.refresh(); // list the dataset (as importing) while it imports
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
    if (this.report?.datasetId === id) this.report = null;
    await this.refresh();
  }

  async rename(id: string, name: string): Promise<void> {
    const trimmed = name.trim();
    if (!trimmed) return;
    const db = await openStudioDb();
    const record = await db.get('datasets', id);
    if (!record) return;
    await db.put('datasets', { ...record, name: trimmed });
    await this.refresh();
  }

  /** Re-draw the patient-level splits of a ready dataset (folders' train/ val/ test/ stay fixed). */
  async resplit(id: string, fractions: [number, number, number], seed: number): Promise<void> {
    try {
      const db = await openStudioDb();
      const record = await db.get('datasets', id);
      if (!record) return;
      await db.put('datasets', { ...record, splitFractions: fractions, splitSeed: seed });
      await this.finish(id);
    } catch (e) {
      errors.report(e);
    }
  }

  async loadReport(id: string): Promise<void> {
    try {
      this.report = await getImportPool().run((api) => api.importReport(id));
    } catch (e) {
      errors.report(e);
    }
  }

  async downloadReport(id: string): Promise<void> {
    try {
      const csv = await getImportPool().run((api) => api.importReportCsv(id));
      const name = this.list.find((d) => d.id === id)?.name ?? id;
      saveBlob(new Blob([csv], { type: 'text/csv' }), `${name}-import-report.csv`);
    } catch (e) {
      errors.report(e);
    }
  }

  /** Export on the import worker (PNG + sha256 + zip there), with progress and cancel. */
  private async runExport<T>(label: string, total: number, work: (api: Remote<ImportApi>, progress: (done: number, total: number) => boolean) => Promise<T>): Promise<T | null> {
    this.cancelRequested = false;
    this.progress = startProgress(label, total);
    try {
      const onProgress = proxy((done: number, all: number) => {
        if (this.progress) this.progress = advance({ ...this.progress, total: all }, done);
        return !this.cancelRequested;
      });
      const result = await getImportPool().run((api) => work(api, onProgress));
      return this.cancelRequested ? null : result;
    } finally {
      this.progress = null;
    }
  }

  /** exports replace patient ids, file names and source paths with salted hashes */
  pseudonymise = $state(false);

  async exportZip(id: string): Promise<void> {
    try {
      const record = this.list.find((d) => d.id === id);
      if (!record) return;
      const blob = await this.runExport(`Exporting ${record.name}`, record.imageCount, (api, p) => api.exportZip(id, p, { pseudonymise: this.pseudonymise }));
      if (blob) saveBlob(blob, `${record.name}-${record.imageSize}px.zip`);
    } catch (e) {
      errors.report(e);
    }
  }

  /** Export into a folder picked with showDirectoryPicker (Chromium); the worker writes the files. */
  async exportToFolder(id: string): Promise<void> {
    try {
      const record = this.list.find((d) => d.id === id);
      const picker = (globalThis as { showDirectoryPicker?: (o: { mode: string }) => Promise<unknown> }).showDirectoryPicker;
      if (!record || !picker) return;
      let dir: unknown;
      try {
        dir = await picker({ mode: 'readwrite' });
      } catch (e) {
        if ((e as { name?: string }).name === 'AbortError') return;
        throw e;
      }
      await this.runExport(`Exporting ${record.name}`, record.imageCount, (api, p) =>
        api.exportToDirectory(id, dir as Parameters<typeof api.exportToDirectory>[1], p, { pseudonymise: this.pseudonymise }),
      );
    } catch (e) {
      errors.report(e);
    }
  }
}

export const datasets = new DatasetState();
