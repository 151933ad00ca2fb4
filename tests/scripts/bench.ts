/**
 * `npm run bench [-- --data <dir>]`: standard measurements of the built studio, driven headless
 * through its own controls (no training or decoding in Node): import files/s (default: a generated folder of
 * RSNA-sized 1024×1024 JPEG-baseline DICOM files), training images/s per
 * backend and input size (a tiny demo, 2 epochs: the second one is measured, after shader compilation),
 * inference + CAM ms per image, and the bundle's size. Prints a table; writes bench.json.
 * `--full-width` adds full-width ResNet-18 training at 224 px, batch 8 (the recipe's model) on WebGPU with the
 * studio's kernels, with tfjs's stock kernels and on WebGL, in one page (tests/browser/pages/model-lab): ~30 min here,
 * most of it the stock kernels (`--full-width-size 112 --full-width-batch 4` for a quicker look). `--skip-standard` leaves
 * out everything else.
 */
import { readdir, stat, writeFile } from 'node:fs/promises';
import { existsSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../support/browser';
import { openModelLab } from '../browser/pages/harness';
import type { Lab as ModelLab } from '../browser/pages/model-lab';
import { writeRsnaSizedFolder } from '../support/jpeg-dicom';
import { toErrorData } from '../../src/lib/errors';
import { importFolder, newDatasetRow } from '../../src/cli/import-step';
import { camTimings } from '../../src/cli/cam';
import { openSession, waitOrError } from '../../src/cli/session';
import { fill, has, sel, UI } from '../../src/cli/ui';
import type { BackendChoice } from '../../src/cli/options';

const SIZES_PX = [64, 128, 224];
const BACKENDS: BackendChoice[] = ['webgpu', 'webgl'];
// 20 demo images → 16 train (2 steps of 8 per epoch); epoch 2 is measured, after shader compilation
const DEMO_IMAGES = 20;
const BATCH = 8;
const WIDTH = 0.125;
/** the whole bench stays under 20 minutes: configurations still waiting after this are skipped, and say so */
const BUDGET_MS = 17 * 60_000;
const startedAt = performance.now();

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

interface TrainingRow {
  backend: string;
  imageSizePx: number;
  imagesPerSecond: number | null;
  msPerStep: number | null;
  gpuBytesPerImage: number | null;
  camMsPerImage: number | null;
  error?: string;
}

async function bundleBytes(): Promise<{ files: number; bytes: number }> {
  const dir = path.join(repoRoot, 'dist');
  const names = await readdir(dir, { recursive: true });
  let bytes = 0;
  let files = 0;
  for (const n of names) {
    const s = await stat(path.join(dir, n));
    if (s.isFile()) (bytes += s.size), files++;
  }
  return { files, bytes };
}

/** A demo of DEMO_IMAGES at `size` px, trained 2 epochs; epoch 2's images/s from the history row. */
async function trainDemo(page: import('playwright-core').Page, size: number): Promise<{ imagesPerSecond: number; gpuBytesPerImage: number | null }> {
  await fill(page, 'import-size', size, 'to set the demo size');
  await fill(page, 'demo-count', DEMO_IMAGES, 'to set the demo size');
  const id = await newDatasetRow(page, () => page.click(sel('try-demo')));
  await waitOrError(page, `${sel('dataset-row')}[data-id="${id}"][data-status="ready"]`, `Generating the ${size} px demo`, 600_000);
  // a fresh demo is selected by the studio after import; train it
  await fill(page, UI.epochs, 2, 'for the epochs');
  await fill(page, UI.batch, BATCH, 'for the batch');
  await fill(page, UI.width, WIDTH, 'for the width');
  await page.waitForSelector(`${sel(UI.train)}:not([disabled])`, { timeout: 60_000 });
  await page.click(sel(UI.train));
  await waitOrError(page, `${sel(UI.status)}[data-status="done"]`, `Training at ${size} px`, 900_000);
  const rows = (await page.locator(sel(UI.historyRow)).evaluateAll((rs) => rs.map((r) => r.getAttribute('data-images-per-second')))).map(Number);
  const perImage = (await has(page, UI.gpuMemory)) ? await page.getAttribute(sel(UI.gpuMemory), 'data-bytes-per-image') : null;
  const gpu = perImage ? Number(perImage) : null; // empty off WebGPU
  return { imagesPerSecond: rows[rows.length - 1], gpuBytesPerImage: gpu };
}

async function benchBackend(backend: BackendChoice): Promise<TrainingRow[]> {
  const rows: TrainingRow[] = [];
  const session = await openSession(backend, log);
  try {
    for (const size of SIZES_PX) {
      const row: TrainingRow = { backend: `${session.backend.name} (${session.backend.adapter})`, imageSizePx: size, imagesPerSecond: null, msPerStep: null, gpuBytesPerImage: null, camMsPerImage: null };
      if (performance.now() - startedAt > BUDGET_MS) {
        row.error = 'skipped: the 17-minute budget is spent';
        rows.push(row);
        continue;
      }
      try {
        const t = await trainDemo(session.page, size);
        row.imagesPerSecond = t.imagesPerSecond;
        row.msPerStep = (1000 * BATCH) / t.imagesPerSecond;
        row.gpuBytesPerImage = t.gpuBytesPerImage;
        row.camMsPerImage = (await camTimings(session.page, 3)).msPerImage;
      } catch (e) {
        row.error = toErrorData(e).message;
      }
      log(`${backend} ${size} px: ${row.imagesPerSecond?.toFixed(2) ?? '—'} img/s${row.error ? ` (${row.error})` : ''}`);
      rows.push(row);
    }
  } finally {
    await session.close();
  }
  return rows;
}

interface FullWidthRow {
  label: string;
  imagesPerSecond: number | null;
  msPerStep: number | null;
  microBatches: number | null;
  error?: string;
}

function numberArg(flag: string, fallback: number): number {
  const i = process.argv.indexOf(flag);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/** --full-width-size / --full-width-batch: a quicker look at another size (the acceptance figures are 224 px, batch 8) */
const FULL_WIDTH = { size: numberArg('--full-width-size', 224), batch: numberArg('--full-width-batch', 8), nTrain: 0, nVal: 2 };
FULL_WIDTH.nTrain = FULL_WIDTH.batch;

/**
 * Full-width ResNet-18 at 224 px, batch 8, through the real trainer (augmentation, Adam, the memory planner): 2 epochs of
 * one step each; epoch 2 is measured (shaders compiled), its time including the validation of 2 images.
 */
async function fullWidthRows(): Promise<FullWidthRow[]> {
  const configs = [
    { label: 'WebGPU, studio kernels', backend: 'webgpu', kernels: 'studio' },
    { label: 'WebGPU, tfjs stock kernels', backend: 'webgpu', kernels: 'stock' },
    { label: 'WebGL', backend: 'webgl', kernels: undefined },
  ] as const;
  const rows: FullWidthRow[] = [];
  const lab = await openModelLab();
  try {
    for (const c of configs) {
      const row: FullWidthRow = { label: c.label, imagesPerSecond: null, msPerStep: null, microBatches: null };
      try {
        const history = await lab.session.page.evaluate(
          (o) => (window as unknown as { lab: ModelLab }).lab.trainSynthetic(o),
          { size: FULL_WIDTH.size, width: 1, epochs: 2, batchSize: FULL_WIDTH.batch, nTrain: FULL_WIDTH.nTrain, nVal: FULL_WIDTH.nVal, release: true, backend: c.backend, kernels: c.kernels },
        );
        const last = history[history.length - 1];
        row.imagesPerSecond = last.imagesPerSecond;
        row.msPerStep = last.seconds * 1000;
        row.microBatches = last.microBatches;
      } catch (e) {
        row.error = toErrorData(e).message.split('\n')[0];
      }
      log(`full width ${FULL_WIDTH.size} px, ${c.label}: ${row.imagesPerSecond?.toFixed(3) ?? '—'} img/s${row.error ? ` (${row.error})` : ''}`);
      rows.push(row);
    }
  } finally {
    await lab.close();
  }
  return rows;
}

/** files in the generated import folder (the default) */
const GENERATED_FILES = 200;

/** --data <dir> (or its older name --import-folder); null: generate the RSNA-sized folder */
function folderArg(): string | null {
  for (const flag of ['--data', '--import-folder']) {
    const i = process.argv.indexOf(flag);
    if (i > 0 && process.argv[i + 1]) return process.argv[i + 1];
  }
  return null;
}

const fmt = (v: number | null | undefined, digits = 1) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits));

async function main(): Promise<void> {
  const standard = !process.argv.includes('--skip-standard');
  const fullWidth = process.argv.includes('--full-width') ? await fullWidthRows() : [];
  let importResult: { folder: string; filesSeen: number; imported: number; seconds: number; filesPerSecond: number } | null = null;
  const training: TrainingRow[] = [];
  if (standard) {
    const given = folderArg();
    if (given !== null && !existsSync(given)) throw new Error(`${given} is not a folder (pass --data <dir>).`);
    const folder = given ?? path.join(os.tmpdir(), `cxr-bench-rsna-sized-${GENERATED_FILES}`);
    if (given === null) {
      log(`generating ${GENERATED_FILES} RSNA-sized (1024×1024, JPEG baseline) DICOM files in ${folder}`);
      writeRsnaSizedFolder(folder, GENERATED_FILES);
    }
    const importSession = await openSession(undefined, log);
    try {
      importResult = { folder, ...(await importFolder(importSession.page, { folder, imageSize: 224 }, null, log)) };
    } finally {
      await importSession.close();
      if (given === null) rmSync(folder, { recursive: true, force: true });
    }
    for (const backend of BACKENDS) training.push(...(await benchBackend(backend)));
  }
  const bundle = await bundleBytes();
  const result = {
    date: new Date().toISOString(),
    ...(importResult
      ? { import: { folder: importResult.folder, files: importResult.filesSeen, imported: importResult.imported, seconds: importResult.seconds, filesPerSecond: importResult.filesPerSecond } }
      : {}),
    ...(standard ? { training: { demoImages: DEMO_IMAGES, batch: BATCH, widthMultiplier: WIDTH, rows: training } } : {}),
    ...(fullWidth.length ? { fullWidthTraining: { ...FULL_WIDTH, widthMultiplier: 1, rows: fullWidth } } : {}),
    bundle,
    totalSeconds: (performance.now() - startedAt) / 1000,
  };
  const file = path.join(process.cwd(), standard ? 'bench.json' : 'bench-full-width.json');
  await writeFile(file, JSON.stringify(result, null, 2));
  const studio = fullWidth[0]?.imagesPerSecond;
  const ratio = (other: number | null | undefined) => (studio && other ? `${(studio / other).toFixed(2)}×` : '—');
  const lines = [
    ...(importResult ? [`import   ${importResult.filesSeen} files of ${path.basename(importResult.folder)} at 224 px: ${fmt(importResult.filesPerSecond, 2)} files/s`, ''] : []),
    ...(standard
      ? [
          `training: ${DEMO_IMAGES} demo images, batch ${BATCH}, width ×${WIDTH}; GPU MB/img = growth of the GPU allocation (buffers / textures) during an epoch's first step ÷ images per pass, largest over the run`,
          'backend (adapter)                                  px   img/s   ms/step  GPU MB/img   CAM ms/img',
          ...training.map((r) => `${r.backend.slice(0, 50).padEnd(50)} ${String(r.imageSizePx).padStart(4)} ${fmt(r.imagesPerSecond, 2).padStart(7)} ${fmt(r.msPerStep, 0).padStart(9)} ${fmt(r.gpuBytesPerImage === null ? null : r.gpuBytesPerImage / 1e6, 2).padStart(11)} ${fmt(r.camMsPerImage, 0).padStart(12)}${r.error ? `  ${r.error}` : ''}`),
          '',
        ]
      : []),
    ...(fullWidth.length
      ? [
          `full-width ResNet-18, ${FULL_WIDTH.size} px, batch ${FULL_WIDTH.batch} (epoch 2 of 2 with one step each, validation of ${FULL_WIDTH.nVal} images included)`,
          'configuration                     img/s   ms/step  passes  studio is',
          ...fullWidth.map((r) => `${r.label.padEnd(32)} ${fmt(r.imagesPerSecond, 3).padStart(6)} ${fmt(r.msPerStep, 0).padStart(9)} ${String(r.microBatches ?? '—').padStart(7)}  ${r === fullWidth[0] ? '' : ratio(r.imagesPerSecond)}${r.error ? `  ${r.error}` : ''}`),
          '',
        ]
      : []),
    `bundle   ${bundle.files} files in dist/, ${(bundle.bytes / 1e6).toFixed(2)} MB`,
    `total    ${(result.totalSeconds / 60).toFixed(1)} min; written to ${path.basename(file)}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: failed: ${toErrorData(e).message.split('\n')[0]}\n`);
  process.exit(1);
});
