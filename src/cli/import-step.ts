/**
 * Import a folder through the studio's own controls (import-size / import-split / import-seed, then the
 * <input webkitdirectory>), wait for its dataset row, and read the results the UI offers: the import
 * report CSV download and the dataset export zip (unzipped into `<out>/dataset`).
 */
import { copyFile, link, mkdir, mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { csvRecords } from '../lib/dataset/csv';
import { StudioError } from '../lib/errors';
import { waitOrError } from './session';
import { downloadBytes, fill } from './ui';

export interface ImportRequest {
  folder: string;
  labels?: string;
  imageSize?: number;
  split?: [number, number, number];
  seed?: number;
}

export interface Rejection {
  file: string;
  code: string;
  reason: string;
}

export interface ImportResult {
  datasetId: string;
  name: string;
  filesSeen: number;
  imported: number;
  rejected: Rejection[];
  imageSize: number;
  classes: string[];
  /** images per split and class */
  splits: Record<string, Record<string, number>>;
  /** distinct patients per split */
  patients: Record<string, number>;
  /** of v/255 over the training split */
  mean: number;
  std: number;
  seconds: number;
  filesPerSecond: number;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/**
 * The studio reads labels from a CSV at the top of the picked folder. For a CSV kept elsewhere, pick a
 * staging folder of the same name: hard links to every file (copies across file systems; Chromium's
 * folder upload skips symbolic links) plus a copy of the CSV.
 */
async function folderWithLabels(folder: string, labels: string): Promise<string> {
  const root = path.join(await mkdtemp(path.join(os.tmpdir(), 'cxr-studio-cli-')), path.basename(folder));
  for (const file of await listFiles(folder)) {
    const target = path.join(root, path.relative(folder, file));
    await mkdir(path.dirname(target), { recursive: true });
    await link(path.resolve(file), target).catch(() => copyFile(file, target));
  }
  await copyFile(labels, path.join(root, path.basename(labels)));
  return root;
}

async function datasetIds(page: Page): Promise<string[]> {
  return page.locator('[data-testid="dataset-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id') ?? ''));
}

/** Run `start` (an import or demo) and return the id of the dataset row it adds. */
export async function newDatasetRow(page: Page, start: () => Promise<void>): Promise<string> {
  const before = await datasetIds(page);
  await start();
  await page
    .waitForFunction(
      (known) => [...document.querySelectorAll('[data-testid="dataset-row"]')].some((r) => !known.includes(r.getAttribute('data-id') ?? '')),
      before,
      { timeout: 120_000 },
    )
    .catch(async () => {
      const shown = await page.locator('[data-testid="error"]').allInnerTexts();
      throw new StudioError('empty-dataset', `The studio added no dataset within 120 s${shown.length ? `: ${shown.join(' ').replace(/\s+/g, ' ')}` : ' (were any files picked up? symbolic links are skipped)'}.`);
    });
  return (await datasetIds(page)).find((id) => !before.includes(id))!;
}

/** Writes the unzipped export under `dir`; returns stats.json and index.csv. */
async function exportDataset(page: Page, dir: string): Promise<{ stats: Record<string, unknown>; index: Array<Record<string, string>> }> {
  const files = unzipSync((await downloadBytes(page, 'export-zip', 'to export the dataset', 1_800_000)).bytes);
  for (const [name, bytes] of Object.entries(files)) {
    const target = path.join(dir, name);
    if (!target.startsWith(dir + path.sep)) throw new StudioError('internal', `Export entry outside the folder: ${name}`);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, bytes);
  }
  if (!files['stats.json'] || !files['index.csv']) throw new StudioError('internal', 'The export zip lacks stats.json or index.csv.');
  return { stats: JSON.parse(strFromU8(files['stats.json'])) as Record<string, unknown>, index: csvRecords(strFromU8(files['index.csv'])) };
}

/** Import `req.folder`; when `exportTo` is given the dataset export is unzipped there. */
export async function importFolder(page: Page, req: ImportRequest, exportTo: string | null, log: (line: string) => void): Promise<ImportResult> {
  const info = await stat(req.folder).catch(() => null);
  if (!info?.isDirectory()) throw new StudioError('empty-dataset', `${req.folder} is not a folder.`);
  if (req.labels && !(await stat(req.labels).catch(() => null))?.isFile()) throw new StudioError('bad-labels', `${req.labels} is not a file.`);
  const filesSeen = (await listFiles(req.folder)).length;
  if (filesSeen === 0) throw new StudioError('empty-dataset', `${req.folder} holds no files.`);
  const picked = req.labels ? await folderWithLabels(req.folder, req.labels) : path.resolve(req.folder);

  if (req.imageSize !== undefined) await fill(page, 'import-size', req.imageSize, 'for --image-size');
  if (req.split) await fill(page, 'import-split', req.split.join('/'), 'for --split');
  if (req.seed !== undefined) await fill(page, 'import-seed', req.seed, 'for --seed');
  log(`importing ${filesSeen} files from ${req.folder}…`);
  const t0 = performance.now();
  const datasetId = await newDatasetRow(page, () => page.setInputFiles('[data-testid="folder-input"]', picked));
  await waitOrError(page, `[data-testid="dataset-row"][data-id="${datasetId}"][data-status="ready"]`, `Importing ${req.folder}`, 3_600_000);
  const seconds = (performance.now() - t0) / 1000;
  // the report of THIS dataset: it shows once the studio has selected it (export-zip then exports it too)
  await waitOrError(page, `[data-testid="import-report"][data-dataset="${datasetId}"]`, 'Reading the import report', 60_000);

  const reportRows = csvRecords(strFromU8((await downloadBytes(page, 'report-csv', 'to read the rejected files')).bytes));
  const rejected = reportRows.filter((r) => r.section === 'rejected').map((r) => ({ file: r.key, code: r.value, reason: r.detail }));
  const row = page.locator(`[data-testid="dataset-row"][data-id="${datasetId}"]`);
  const name = (await row.locator('[data-testid="dataset-name"]').innerText()).trim();
  const imported = Number(await row.getAttribute('data-images'));

  const { stats, index } = await exportDataset(page, exportTo ?? (await mkdtemp(path.join(os.tmpdir(), 'cxr-studio-export-'))));
  const patientSets: Record<string, Set<string>> = {};
  for (const r of index) (patientSets[r.split] ??= new Set()).add(r.patient_id);
  const result: ImportResult = {
    datasetId,
    name,
    filesSeen,
    imported,
    rejected,
    imageSize: Number(stats.imageSize),
    classes: stats.classes as string[],
    splits: stats.countsBySplitAndLabel as Record<string, Record<string, number>>,
    patients: Object.fromEntries(Object.entries(patientSets).map(([s, p]) => [s, p.size])),
    mean: Number(stats.trainMean),
    std: Number(stats.trainStd),
    seconds,
    filesPerSecond: filesSeen / seconds,
  };
  log(`imported ${imported} of ${filesSeen} files (${rejected.length} rejected) in ${seconds.toFixed(1)} s`);
  return result;
}
