/** Datasets: the stored list, demo generation and folder import, with progress and cancel. */
import { DEMO_DEFAULTS } from '../lib/demo/generate';
import { demoDatasetId } from '../lib/demo/demo-model';
import { labelCsvIndex, planFolderImport, type ListedFile } from '../lib/dataset/folder-plan';
import { DEFAULT_SPLIT_FRACTIONS, parseSplitSpec } from '../lib/dataset/splits';
import { chunk } from '../lib/chunk';
import { StudioError } from '../lib/errors';
import type { DatasetRecord, ImageRecord, RejectionRecord } from '../platform/db';
import type { PickedFile } from '../platform/folder';
import type { ChunkResult, FinalizeResult, ImportItem, ImportJob, NewDataset } from '../platform/import-service';
import { addProfiles, emptyProfile, workerMs, type ImportProfile } from '../lib/dataset/import-profile';
import type { BrowseFilter, ImportReport, Thumbnail } from '../platform/export';
import type { StorageInfo } from '../platform/storage';
import { formatBytes } from '../lib/state-helpers/format-bytes';
import type { Callback, DatasetStore, ImportPool, ImportWorker, OtherTabs, PickedFolder, SaveFile, StorageAccess, TabMessage } from './deps';
import type { ErrorState } from './errors.svelte';
import { advance, startProgress, type Progress } from './progress';
import { auditJson, auditPairsCsv, auditTablesCsv } from '../lib/audit/export';

export interface ImportSummary extends FinalizeResult {
  datasetId: string;
  rejected: RejectionRecord[];
}

const CHUNK = 8;

export interface ImportOptions {
  /** side of the stored square images, px */
  size: number;
  fit?: 'stretch' | 'letterbox';
  seed?: number;
  /** train/val/test fractions for folders without train/ val/ test/ sub-folders */
  fractions?: [number, number, number];
  /**
   * decode 8-bit grey JPEG at a DCT scale when the stored size is ≤ half the source (faster; off by default: on the
   * cxr-dicom folder the stored images are several grey levels from the full decode, see tests/browser/scaled-decode.test.ts)
   */
  scaledDecode?: boolean;
}

/** What the page's import controls hold: the stored size, "80/10/10" and the split seed. */
export interface ImportSettings {
  size: number;
  splitSpec: string;
  seed: number;
}

export interface DatasetDeps {
  pool: ImportPool;
  store: DatasetStore;
  storage: StorageAccess;
  errors: ErrorState;
  save: SaveFile;
  /** comlink's proxy in the page */
  callback: Callback;
  /** waits before the one retry of a failed list read */
  pause?: (ms: number) => Promise<void>;
  /** the studio's other tabs: what changes here is told there, and the other way round */
  tabs?: OtherTabs;
}

/** newest first */
export function sortDatasets(list: DatasetRecord[]): DatasetRecord[] {
  return [...list].sort((a, b) => b.createdAt - a.createdAt);
}

export class DatasetState {
  list = $state<DatasetRecord[]>([]);
  selectedId = $state<string | null>(null);
  progress = $state<Progress | null>(null);
  lastImport = $state<ImportSummary | null>(null);
  /** the import report of the selected dataset, loaded on demand */
  importReport = $state<ImportReport | null>(null);
  /** browser storage use and persistence, refreshed after imports and deletes */
  storage = $state<StorageInfo | null>(null);
  /** datasets another tab is importing right now (not interrupted imports) */
  importingElsewhere = $state<string[]>([]);
  /** where the last folder import's time went, per stage (bench:import reads it from the 'cxr-import-profile' mark) */
  lastProfile: ImportProfile | null = null;
  private cancelRequested = false;

  constructor(private readonly deps: DatasetDeps) {
    deps.tabs?.subscribe((m) => void this.fromOtherTab(m));
  }

  private async fromOtherTab(m: TabMessage): Promise<void> {
    if (m.kind === 'importing') {
      const others = this.importingElsewhere.filter((id) => id !== m.id);
      this.importingElsewhere = m.active ? [...others, m.id] : others;
    }
    await this.refresh().catch((e) => this.report(e));
  }

  /** whether this stored dataset is an import another tab is running (not one to pick up again) */
  importedElsewhere(id: string): boolean {
    return this.importingElsewhere.includes(id);
  }

  private tell(message: TabMessage): void {
    this.deps.tabs?.post(message);
  }

  private report(e: unknown): void {
    this.deps.errors.report('import', e);
  }

  get selected(): DatasetRecord | undefined {
    return this.list.find((d) => d.id === this.selectedId);
  }

  async refresh(): Promise<void> {
    let stored: DatasetRecord[];
    try {
      stored = await this.deps.store.list();
    } catch {
      // the browser may be closing the connection (e.g. disk full): reopen once
      await (this.deps.pause ?? ((ms) => new Promise((r) => setTimeout(r, ms))))(300);
      stored = await this.deps.store.list();
    }
    this.list = sortDatasets(stored);
    if (!this.selectedId || !this.selected) this.selectedId = this.list.find((d) => d.status === 'ready')?.id ?? null;
    await this.refreshStorage(); // what is stored changed with the list: the figure follows it
  }

  cancel(): void {
    this.cancelRequested = true;
  }

  /** The dataset's record, written (or resumed) by the import service, which owns every write to datasets. */
  private async createRecord(dataset: NewDataset, seed: number, fractions: [number, number, number] = DEFAULT_SPLIT_FRACTIONS): Promise<void> {
    await this.deps.pool.run((api) => api.openDataset(dataset, seed, fractions));
  }

  /** Run chunks on the pool with a progress bar; stops dispatching when cancelled. */
  private async runChunks<T>(
    label: string,
    units: T[][],
    total: number,
    work: (api: ImportWorker, unit: T[]) => Promise<ChunkResult>,
  ): Promise<boolean> {
    this.cancelRequested = false;
    this.progress = startProgress(label, total);
    let done = 0;
    const { pool } = this.deps;
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
    const { pool } = this.deps;
    const result = await pool.run((api) => api.finalizeDataset(datasetId));
    const rejected = await this.deps.store.rejections(datasetId);
    this.lastImport = { ...result, datasetId, rejected };
    this.importReport = await pool.run((api) => api.importReport(datasetId));
    this.deps.errors.succeeded('import');
    if (result.leakage.length > 0) {
      this.deps.errors.warn(`${result.leakage.length} image(s) have identical pixels in two different splits (possible leakage), e.g. ${result.leakage[0].a} and ${result.leakage[0].b}.`);
    }
    await this.refresh();
    this.selectedId = datasetId;
    this.tell({ kind: 'datasets-changed' });
  }

  /**
   * One import: `prepare` checks the input, writes the record and returns the dataset's id and what fills it (true: completely);
   * the other tabs hear it start and end; a complete import is finalised, an incomplete one listed.
   */
  private async runImport(prepare: () => Promise<{ id: string; fill: () => Promise<boolean> }>): Promise<void> {
    let id: string | undefined;
    try {
      const plan = await prepare();
      id = plan.id;
      this.tell({ kind: 'importing', id, active: true });
      if (await plan.fill()) await this.finish(id);
      else await this.refresh();
    } catch (e) {
      this.report(e);
      await this.refresh();
    } finally {
      if (id) this.tell({ kind: 'importing', id, active: false });
    }
  }

  async importDemo(options: { count?: number; size?: number; seed?: number } = {}): Promise<void> {
    const count = options.count ?? DEMO_DEFAULTS.count;
    const size = options.size ?? DEMO_DEFAULTS.size;
    const seed = options.seed ?? DEMO_DEFAULTS.seed;
    const id = demoDatasetId({ count, size, seed });
    await this.runImport(async () => {
      // written before the other tabs are told, so their refresh lists it
      await this.createRecord({ id, name: `Demo: ${count} synthetic radiographs, ${size} px`, source: 'demo', imageSize: size, classes: ['normal', 'pneumonia'] }, seed);
      return {
        id,
        fill: async () => {
          const starts = chunk(Array.from({ length: count }, (_, i) => i), CHUNK);
          return this.runChunks('Generating demo images', starts, count, (api, idx) =>
            api.generateDemo(id, size, seed, DEMO_DEFAULTS.positiveFraction, idx[0], idx.length),
          );
        },
      };
    });
  }

  async importFolder(name: string, picked: PickedFile[], options: ImportOptions): Promise<void> {
    await this.runImport(async () => {
      if (picked.length === 0) throw new StudioError('empty-dataset', `The folder "${name}" holds no files.`);
      const listing: ListedFile[] = picked.map((f) => ({ path: f.path, size: f.file.size, lastModified: f.file.lastModified ?? 0 }));
      const csvIndex = labelCsvIndex(listing);
      const csvText = csvIndex >= 0 ? await picked[csvIndex].file.text() : null;
      const fit = options.fit ?? 'stretch';
      const scaledDecode = options.scaledDecode ?? false;
      const plan = planFolderImport(name, listing, csvText, { size: options.size, fit, scaledDecode });
      const { datasetId: id, classes, table } = plan;
      // written before the other tabs are told, so their refresh lists it
      await this.createRecord({ id, name, source: 'folder', imageSize: options.size, classes }, options.seed ?? 1, options.fractions);
      return {
        id,
        fill: async () => {
          await this.refresh(); // list the dataset (as importing) while it imports
          const items: ImportItem[] = plan.images.map((f) => ({ file: picked[f.index].file, path: f.path, splitHint: f.splitHint }));
          const job: ImportJob = { datasetId: id, imageSize: options.size, fit, labels: { classes, table }, scaledDecode };
          // the label table goes to each worker once (a replaced worker is a new proxy: it gets it too)
          const begun = new WeakSet<ImportWorker>();
          let profile = emptyProfile();
          const complete = await this.runChunks(`Importing ${name}`, chunk(items, CHUNK), items.length, async (api, unit) => {
            const sent = performance.now();
            if (!begun.has(api)) {
              await api.beginImport(job);
              begun.add(api);
            }
            const result = await api.importFiles(id, unit);
            if (result.profile) {
              const chunkProfile = result.profile;
              chunkProfile.stageMs.messages += Math.max(0, performance.now() - sent - workerMs(chunkProfile));
              profile = addProfiles(profile, chunkProfile);
            }
            return result;
          });
          this.lastProfile = profile;
          performance.mark('cxr-import-profile', { detail: { datasetId: id, ...profile } });
          return complete;
        },
      };
    });
  }

  /** Import a picked or dropped folder with the page's settings; a bad split spec is reported, nothing imported. */
  async importPicked(picked: PickedFolder, settings: ImportSettings): Promise<void> {
    let fractions: [number, number, number];
    try {
      fractions = parseSplitSpec(settings.splitSpec);
    } catch (e) {
      this.report(e);
      return;
    }
    await this.importFolder(picked.name, picked.files, { size: settings.size, seed: settings.seed, fractions });
  }

  /**
   * Import the folder that `read` gets from the page (the directory picker, a drop, a file input); a failure to
   * read it is reported like an import failure, and a cancelled picker (null) imports nothing.
   */
  async importFrom(read: () => Promise<PickedFolder | null>, settings: ImportSettings): Promise<void> {
    try {
      const picked = await read();
      if (picked) await this.importPicked(picked, settings);
    } catch (e) {
      this.report(e);
    }
  }

  /** The page's start: ask for persistent storage once, then read the list and storage (one read, after the request). */
  async initStorage(): Promise<void> {
    await this.deps.storage.requestPersistent().catch(() => false);
    await this.refresh();
  }

  /** what the page prints: "1.5 MB" used of "2 GB" */
  get storageUsage(): { used: string; quota: string } | null {
    return this.storage && { used: formatBytes(this.storage.usageBytes), quota: formatBytes(this.storage.quotaBytes) };
  }

  async refreshStorage(): Promise<void> {
    try {
      this.storage = await this.deps.storage.info();
    } catch (e) {
      this.report(e);
    }
  }

  async remove(id: string): Promise<void> {
    try {
      await this.deps.store.remove(id);
    } catch (e) {
      this.report(e);
    }
    if (this.importReport?.datasetId === id) this.importReport = null;
    await this.refresh();
    this.tell({ kind: 'datasets-changed' });
  }

  async rename(id: string, name: string): Promise<void> {
    const trimmed = name.trim();
    if (!trimmed) return;
    try {
      await this.deps.pool.run((api) => api.updateDataset(id, { name: trimmed }));
    } catch (e) {
      this.report(e);
    }
    await this.refresh();
    this.tell({ kind: 'datasets-changed' });
  }

  /** Re-draw the patient-level splits of a ready dataset (folders' train/ val/ test/ stay fixed). */
  async resplit(id: string, settings: Pick<ImportSettings, 'splitSpec' | 'seed'>): Promise<void> {
    try {
      const fractions = parseSplitSpec(settings.splitSpec);
      if (!(await this.deps.store.get(id))) return;
      await this.deps.pool.run((api) => api.updateDataset(id, { splitFractions: fractions, splitSeed: settings.seed }));
      await this.finish(id);
    } catch (e) {
      this.report(e);
    }
  }

  async loadReport(id: string): Promise<void> {
    try {
      this.importReport = await this.deps.pool.run((api) => api.importReport(id));
    } catch (e) {
      this.report(e);
    }
  }

  /** One page of the dataset's images (thumbnails) for the browser; null after a reported failure. */
  async browse(id: string, filter: BrowseFilter, offset: number, limit: number): Promise<{ total: number; items: Thumbnail[] } | null> {
    try {
      return await this.deps.pool.run((api) => api.browseImages(id, filter, offset, limit));
    } catch (e) {
      this.report(e);
      return null;
    }
  }

  /** One image's metadata and pixels, for the viewer; `datasetId`: as that dataset (a revision) has it. */
  async imageDetail(id: string, datasetId?: string): Promise<{ meta: ImageRecord; pixels: Uint8Array } | null> {
    try {
      return await this.deps.pool.run((api) => api.imageDetail(id, datasetId));
    } catch (e) {
      this.report(e);
      return null;
    }
  }

  /**
   * Save the dataset's audit: 'json' (all of it), 'pairs' (CSV, one row per stored near-duplicate pair) or
   * 'tables' (CSV in long form: per split, attribute, shortcut and leakage rows). Nothing without an audit.
   */
  downloadAudit(id: string, kind: 'json' | 'pairs' | 'tables'): void {
    const record = this.list.find((d) => d.id === id);
    const audit = record?.audit;
    if (!record || !audit) return;
    if (kind === 'json') this.deps.save(new Blob([auditJson(audit, record)], { type: 'application/json' }), `${record.name}-audit.json`);
    else if (kind === 'pairs') this.deps.save(new Blob([auditPairsCsv(audit)], { type: 'text/csv' }), `${record.name}-audit-pairs.csv`);
    else this.deps.save(new Blob([auditTablesCsv(audit, record.classes)], { type: 'text/csv' }), `${record.name}-audit-tables.csv`);
  }

  async downloadReport(id: string): Promise<void> {
    try {
      const csv = await this.deps.pool.run((api) => api.importReportCsv(id));
      const name = this.list.find((d) => d.id === id)?.name ?? id;
      this.deps.save(new Blob([csv], { type: 'text/csv' }), `${name}-import-report.csv`);
    } catch (e) {
      this.report(e);
    }
  }

  /** Export on the import worker (PNG + sha256 + zip there), with progress and cancel. */
  private async runExport<T>(label: string, total: number, work: (api: ImportWorker, progress: (done: number, total: number) => boolean) => Promise<T>): Promise<T | null> {
    this.cancelRequested = false;
    this.progress = startProgress(label, total);
    try {
      const onProgress = this.deps.callback((done: number, all: number) => {
        if (this.progress) this.progress = advance({ ...this.progress, total: all }, done);
        return !this.cancelRequested;
      });
      const result = await this.deps.pool.run((api) => work(api, onProgress));
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
      if (blob) this.deps.save(blob, `${record.name}-${record.imageSize}px.zip`);
    } catch (e) {
      this.report(e);
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
      this.report(e);
    }
  }
}
