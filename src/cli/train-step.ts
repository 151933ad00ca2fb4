/**
 * `studio train`: import, set the training panel's controls, train, then read what the studio offers:
 * per-epoch history (data-* of the history rows), the predictions / metrics / model downloads, CAM
 * overlays of the highest-loss validation images (the CAM canvas), and timings.
 * Controls this build of the studio lacks are listed in report.gaps and make the run exit non-zero.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { strFromU8 } from 'fflate';
import type { Page } from 'playwright-core';
import { readCsv } from '../../tests/support/import-flow';
import { StudioError } from '../lib/errors';
import { importFolder, type ImportResult } from './import-step';
import { camImages } from './cam';
import type { StudioOptions } from './options';
import { waitOrError, type StudioSession } from './session';
import { downloadBytes, fill, has, need, sel, UI } from './ui';

export interface EpochRow {
  epoch: number;
  trainLoss: number;
  valLoss: number;
  valAccuracy: number;
  valAuc: number;
  seconds: number;
  imagesPerSecond: number;
}

async function setConfig(page: Page, o: StudioOptions): Promise<void> {
  if (o.epochs !== undefined) await fill(page, UI.epochs, o.epochs, 'for --epochs');
  if (o.batch !== undefined) await fill(page, UI.batch, o.batch, 'for --batch');
  if (o.width !== undefined) await fill(page, UI.width, o.width, 'for --width');
  if (o.lr !== undefined) await fill(page, UI.lr, o.lr, 'for --lr');
  if (o.posWeight !== undefined) await fill(page, UI.posWeight, o.posWeight, 'for --pos-weight');
  if (o.patience !== undefined) await fill(page, UI.patience, o.patience, 'for --patience');
  if (o.seed !== undefined) await fill(page, UI.seed, o.seed, 'for --seed');
  if (o.augment !== undefined) {
    await need(page, UI.augment, 'for --augment');
    await page.locator(sel(UI.augment)).setChecked(o.augment);
  }
  if (o.weights) {
    await need(page, UI.weightsInput, 'for --weights');
    await page.setInputFiles(sel(UI.weightsInput), o.weights);
    await page.waitForFunction(
      ([s, name]) => (document.querySelector(s) as HTMLSelectElement | null)?.value === name,
      [sel(UI.weightsSelect), path.basename(o.weights)] as const,
      { timeout: 120_000 },
    );
  }
}

/** The numbers the panel shows, read back (what actually trains, defaults included). */
async function configShown(page: Page): Promise<Record<string, string | boolean | number | number[] | null>> {
  const shown: Record<string, string | boolean | number | number[] | null> = {};
  for (const [key, testId] of Object.entries({ epochs: UI.epochs, batch: UI.batch, width: UI.width, lr: UI.lr, posWeight: UI.posWeight, patience: UI.patience, seed: UI.seed })) {
    if (await has(page, testId)) shown[key] = await page.locator(sel(testId)).inputValue();
  }
  if (await has(page, UI.augment)) shown.augment = await page.locator(sel(UI.augment)).isChecked();
  return shown;
}

async function history(page: Page): Promise<EpochRow[]> {
  return page.locator(sel(UI.historyRow)).evaluateAll((rows) =>
    rows.map((r) => {
      const n = (name: string) => Number(r.getAttribute(`data-${name}`));
      return { epoch: n('epoch'), trainLoss: n('train-loss'), valLoss: n('val-loss'), valAccuracy: n('val-accuracy'), valAuc: n('val-auc'), seconds: n('seconds'), imagesPerSecond: n('images-per-second') };
    }),
  );
}

/** Train; samples the progress line's images/s while it runs. */
async function runTraining(page: Page, log: (line: string) => void): Promise<{ seconds: number; imagesPerSecond: number[] }> {
  await page.waitForSelector(`${sel(UI.train)}:not([disabled])`, { timeout: 60_000 });
  const rates: number[] = [];
  const t0 = performance.now();
  await page.click(sel(UI.train));
  const finished = `${sel(UI.status)}[data-status="done"], ${sel(UI.status)}[data-status="failed"], ${sel(UI.status)}[data-status="cancelled"]`;
  let lastEpoch = 0;
  while ((await page.locator(finished).count()) === 0) {
    const progress = page.locator(`${sel(UI.progress)}[data-images-per-second]`);
    if ((await progress.count()) > 0) {
      const rate = Number(await progress.getAttribute('data-images-per-second'));
      const epoch = Number(await progress.getAttribute('data-epoch'));
      if (Number.isFinite(rate) && rate > 0) rates.push(rate);
      if (epoch !== lastEpoch) log(`training: epoch ${(lastEpoch = epoch)}…`);
    }
    await page.waitForTimeout(1000);
  }
  const seconds = (performance.now() - t0) / 1000;
  const status = await page.getAttribute(sel(UI.status), 'data-status');
  if (status !== 'done') {
    const err = await page.locator('[data-testid="error"]').allInnerTexts();
    throw new StudioError('internal', `Training ended "${status}": ${err.join(' ').replace(/\s+/g, ' ').trim() || 'no error shown'}`);
  }
  return { seconds, imagesPerSecond: rates };
}

interface EvaluatedSet {
  predictionsFile: string;
  rows: number;
}

/** Choose a set in the evaluation panel and save its predictions CSV. */
async function exportPredictions(page: Page, setKey: string, file: string): Promise<EvaluatedSet> {
  await need(page, UI.evalSet, `to evaluate the set "${setKey}"`);
  await page.selectOption(sel(UI.evalSet), setKey);
  const { bytes } = await downloadBytes(page, UI.exportPredictions, 'to save predictions');
  await writeFile(file, bytes);
  return { predictionsFile: path.basename(file), rows: readCsv(strFromU8(bytes)).length };
}

/** Run `step`; a missing control becomes a gap (recorded, run continues), other failures stop the run. */
async function tryStep<T>(gaps: string[], step: () => Promise<T>): Promise<T | null> {
  try {
    return await step();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (!message.startsWith('The studio has no')) throw e;
    gaps.push(message);
    return null;
  }
}

export async function trainAndEvaluate(session: StudioSession, o: StudioOptions, out: string, log: (line: string) => void) {
  const page = session.page;
  const gaps: string[] = [];
  const imported: ImportResult = await importFolder(page, o, path.join(out, 'dataset'), log);
  await setConfig(page, o);
  const configuration: Record<string, unknown> = { ...(await configShown(page)), imageSize: imported.imageSize, split: o.split ?? null, backend: session.backend.name };
  log(`training ${JSON.stringify(configuration)}`);
  const trained = await runTraining(page, log);
  const epochs = await history(page);
  log(`trained ${epochs.length} epoch(s) in ${trained.seconds.toFixed(1)} s`);

  const evaluated: Record<string, EvaluatedSet | null> = {};
  evaluated.val = await tryStep(gaps, () => exportPredictions(page, 'val', path.join(out, 'predictions-val.csv')));
  let evalImport: ImportResult | null = null;
  if (o.eval) {
    evalImport = await importFolder(page, { folder: o.eval, labels: o.evalLabels, imageSize: imported.imageSize }, null, log);
    evaluated.eval = await tryStep(gaps, () => exportPredictions(page, `external:${evalImport!.datasetId}`, path.join(out, 'predictions-eval.csv')));
  }
  const metricsFile = await tryStep(gaps, async () => {
    const { bytes } = await downloadBytes(page, UI.exportMetrics, 'to save metrics.json');
    await writeFile(path.join(out, 'metrics.json'), bytes);
    return JSON.parse(strFromU8(bytes)) as { sets?: Record<string, unknown> };
  });
  await tryStep(gaps, async () => {
    const { bytes } = await downloadBytes(page, UI.exportModel, 'to save model.safetensors');
    await writeFile(path.join(out, 'model.safetensors'), bytes);
  });
  if (evaluated.val) await page.selectOption(sel(UI.evalSet), 'val');
  const cams = evaluated.val
    ? await tryStep(gaps, () => camImages(page, path.join(out, 'predictions-val.csv'), imported.classes, o.cams, path.join(out, 'cams')))
    : null;
  if (!evaluated.val) gaps.push('CAM images of the highest-loss validation images need predictions-val.csv (see above).');
  const peakGpuBytes = (await has(page, UI.gpuMemory)) ? Number(await page.getAttribute(sel(UI.gpuMemory), 'data-peak-bytes')) : null;
  if (peakGpuBytes === null) gaps.push(`The studio has no "${UI.gpuMemory}" element with data-peak-bytes, needed for the peak GPU bytes.`);

  const stepRates = trained.imagesPerSecond.slice(Math.floor(trained.imagesPerSecond.length / 2));
  const imagesPerSecond = stepRates.length > 0 ? stepRates.reduce((a, b) => a + b, 0) / stepRates.length : null;
  const batch = Number(configuration.batch);
  return {
    command: 'train',
    backend: session.backend,
    import: imported,
    evalImport,
    configuration,
    history: epochs,
    metrics: metricsFile?.sets ?? null,
    evaluated,
    cams: cams?.files ?? [],
    timings: {
      importFilesPerSecond: imported.filesPerSecond,
      trainingSeconds: trained.seconds,
      // the progress line's rate over the second half of the run (after shader compilation)
      trainingImagesPerSecond: imagesPerSecond,
      msPerStep: imagesPerSecond ? (1000 * batch) / imagesPerSecond : null,
      peakGpuBytes,
      inferenceAndCamMsPerImage: cams?.msPerImage ?? null,
    },
    gaps,
  };
}
