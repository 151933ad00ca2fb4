/**
 * Browser-test steps for folder import and export: pick a folder through the real
 * <input webkitdirectory>, wait for the dataset, export the zip and read it back in Node.
 */
import { unzipSync, strFromU8 } from 'fflate';
import { decode as decodePng } from 'fast-png';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { csvRecords as readCsv } from '../../src/lib/dataset/csv';
import { UI, sel } from '../../src/cli/ui';
import { waitForBackend } from './studio-steps';

/** Wait for the backend, set the stored size and split, then choose `dir` in the folder input (Playwright uploads directories in Chromium). */
export async function importFolder(page: Page, dir: string, options: { size: number; split?: string }): Promise<void> {
  // the default size follows the training backend (32 px on a software adapter): let it settle first
  await waitForBackend(page);
  await page.fill(sel(UI.importSize), String(options.size));
  if ((await page.inputValue(sel(UI.importSize))) !== String(options.size)) throw new Error('import size did not take');
  if (options.split) await page.fill(sel(UI.importSplit), options.split);
  await page.setInputFiles(sel(UI.folderInput), dir);
}

/** Wait for the dataset to be ready, failing early (with the studio's message) when an error is shown. */
export async function waitForReady(page: Page, datasetId: string, timeoutMs: number): Promise<void> {
  const ready = `${sel(UI.datasetRow)}[data-id="${datasetId}"][data-status="ready"]`;
  await page.waitForSelector(`${ready}, ${sel(UI.error)}`, { timeout: timeoutMs });
  if (!(await page.$(ready))) {
    const progress = await page.$(sel(UI.importProgress));
    throw new Error(`import failed: ${await page.textContent(sel(UI.error))} (progress: ${progress ? await progress.textContent() : 'none'})`);
  }
}

/** The id of the folder dataset named `name` at `size` px as soon as it is listed (importing or ready). */
export async function folderDatasetId(page: Page, name: string, size: number, timeoutMs = 120_000): Promise<string> {
  const row = await page.waitForSelector(`${sel(UI.datasetRow)}[data-id^="folder-${name}-${size}px-"]`, { timeout: timeoutMs });
  return (await row.getAttribute('data-id'))!;
}

/**
 * The id of the folder dataset named `name` at `size` px once it is ready (ids also carry the folder's identity and
 * settings: see folderDatasetId), failing early like waitForReady.
 */
export async function waitForFolderDataset(page: Page, name: string, size: number, timeoutMs: number): Promise<string> {
  const ready = `${sel(UI.datasetRow)}[data-id^="folder-${name}-${size}px-"][data-status="ready"]`;
  await page.waitForSelector(`${ready}, ${sel(UI.error)}`, { timeout: timeoutMs });
  const row = await page.$(ready);
  if (!row) throw new Error(`import failed: ${await page.textContent(sel(UI.error))}`);
  return (await row.getAttribute('data-id'))!;
}

/**
 * Rows counted straight from IndexedDB (not from the UI). The page function declares no named inner
 * functions: tsx (esbuild keepNames) would wrap them in a `__name` helper that the page does not have.
 */
export async function storedCounts(page: Page, datasetId: string): Promise<{ images: number; pixels: number; rejections: number }> {
  const [images, pixels, rejections] = await page.evaluate(async (id) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('cxr-studio');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const range = IDBKeyRange.bound(`${id}|`, `${id}|\uffff`);
    const counts: number[] = [];
    for (const store of ['images', 'pixels', 'rejections']) {
      counts.push(
        await new Promise<number>((resolve, reject) => {
          const req = db.transaction(store).objectStore(store).count(range);
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        }),
      );
    }
    db.close();
    return counts;
  }, datasetId);
  return { images, pixels, rejections };
}

export interface ExportedDataset {
  files: Record<string, Uint8Array>;
  index: Array<Record<string, string>>;
  stats: Record<string, unknown>;
}

/** index.csv and predictions.csv as records (src/lib/dataset/csv.ts). */
export { readCsv };

/** Click export-zip, capture the download and unzip it in Node. */
export async function exportZip(page: Page, timeoutMs: number): Promise<ExportedDataset> {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: timeoutMs }), page.click(sel(UI.exportZip))]);
  const zipPath = await download.path();
  const files = unzipSync(new Uint8Array(await readFile(zipPath)));
  return {
    files,
    index: readCsv(strFromU8(files['index.csv'])),
    stats: JSON.parse(strFromU8(files['stats.json'])) as Record<string, unknown>,
  };
}

/** Mean and population std of v/255 over the PNGs of one split, summed independently in float64. */
export function pngStats(exported: ExportedDataset, split: string): { mean: number; std: number; images: number } {
  let sum = 0;
  let sumOfSquares = 0;
  let count = 0;
  let images = 0;
  for (const row of exported.index) {
    if (row.split !== split) continue;
    const png = decodePng(exported.files[row.path]);
    if (png.channels !== 1 || png.depth !== 8) throw new Error(`${row.path}: expected 8-bit grey PNG`);
    for (const v of png.data) {
      const x = v / 255;
      sum += x;
      sumOfSquares += x * x;
    }
    count += png.data.length;
    images++;
  }
  const mean = sum / count;
  return { mean, std: Math.sqrt(Math.max(0, sumOfSquares / count - mean * mean)), images };
}

/** Patients whose images sit in more than one split, from an export's index.csv. */
export function patientsInSeveralSplits(index: Array<Record<string, string>>): string[] {
  const splits = new Map<string, Set<string>>();
  for (const row of index) splits.set(row.patient_id, (splits.get(row.patient_id) ?? new Set()).add(row.split));
  return [...splits].filter(([, s]) => s.size > 1).map(([p]) => p);
}

export async function readText(path: string): Promise<string> {
  return readFile(path, 'utf8');
}

/**
 * Wait until the studio chose its training backend (its start-up work is not import work), then
 * record main-thread long tasks from now on, with their start times, in window.__importTasks.
 * Call it AFTER choosing the folder: Chromium itself builds the <input webkitdirectory> FileList in one
 * main-thread task before any page script runs (measured on a bare input with no handler: 1,601 files →
 * a 0.3–2 s task depending on machine load). showDirectoryPicker does not have that cost.
 */
export async function watchLongTasksFromNow(page: Page): Promise<void> {
  await waitForBackend(page);
  await page.evaluate(() => {
    const w = window as unknown as { __importTasks: Array<{ startMs: number; durationMs: number }> };
    w.__importTasks = [];
    const since = performance.now();
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.startTime >= since) w.__importTasks.push({ startMs: Math.round(e.startTime), durationMs: Math.round(e.duration) });
    }).observe({ type: 'longtask', buffered: true });
  });
}

export async function watchedLongTasks(page: Page): Promise<Array<{ startMs: number; durationMs: number }>> {
  return page.evaluate(() => (window as unknown as { __importTasks?: Array<{ startMs: number; durationMs: number }> }).__importTasks?.slice() ?? []);
}
