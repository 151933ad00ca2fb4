/**
 * `studio train`: import, set the training panel's controls, train, then read what the studio offers:
 * per-epoch history (data-* of the history rows), the predictions / metrics / model downloads, CAM
 * overlays of the highest-loss validation images (the CAM canvas), and timings.
 * Controls this build of the studio lacks are listed in report.gaps and make the run exit non-zero.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { strFromU8 } from 'fflate';
import type { Download, Page } from 'playwright-core';
import { predictionsOfSplit } from '../lib/eval/predictions-csv';
import { StudioError } from '../lib/errors';
import { importFolder, type ImportResult } from './import-step';
import { camImages } from './cam';
import { reloadCheck } from './reload-check';
import { existsSync } from 'node:fs';
import type { StudioOptions } from './options';
import { visibleError, waitOrError, type StudioSession } from './session';
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

export async function setConfig(page: Page, o: StudioOptions): Promise<void> {
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
  const advanced = { monitor: o.monitor, schedule: o.schedule, imbalance: o.imbalance, gpuBudget: o.gpuBudgetMB, microBatch: o.microBatch };
  if (Object.values(advanced).some((v) => v !== undefined)) {
    // a closed <details> hides its controls from Playwright
    await need(page, UI.advanced, 'for the advanced settings');
    await page.locator(sel(UI.advanced)).evaluate((d) => ((d as HTMLDetailsElement).open = true));
  }
  for (const key of ['monitor', 'schedule', 'imbalance'] as const) {
    const value = advanced[key];
    if (value === undefined) continue;
    await need(page, UI[key], `for --${key}`);
    await page.locator(sel(UI[key])).selectOption(value);
  }
  if (advanced.gpuBudget !== undefined) await fill(page, UI.gpuBudget, advanced.gpuBudget, 'for --gpu-budget');
  if (advanced.microBatch !== undefined) await fill(page, UI.microBatch, advanced.microBatch, 'for --micro-batch');
  const refused = (await has(page, UI.advancedError)) ? await page.locator(sel(UI.advancedError)).textContent() : null;
  if (refused) throw new StudioError('bad-config', refused);
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
export async function configShown(page: Page): Promise<Record<string, string | boolean | number | number[] | null>> {
  const shown: Record<string, string | boolean | number | number[] | null> = {};
  for (const [key, testId] of Object.entries({ epochs: UI.epochs, batch: UI.batch, width: UI.width, lr: UI.lr, posWeight: UI.posWeight, patience: UI.patience, seed: UI.seed, monitor: UI.monitor, schedule: UI.schedule, imbalance: UI.imbalance, gpuBudgetMB: UI.gpuBudget, microBatch: UI.microBatch })) {
    if (await has(page, testId)) shown[key] = await page.locator(sel(testId)).inputValue();
  }
  if (await has(page, UI.augment)) shown.augment = await page.locator(sel(UI.augment)).isChecked();
  return shown;
}

async function history(page: Page): Promise<EpochRow[]> {
  // no named helpers inside: tsx (esbuild keepNames) would wrap them in a __name() the page does not have
  const fields = ['epoch', 'train-loss', 'val-loss', 'val-accuracy', 'val-auc', 'seconds', 'images-per-second'];
  const rows = await page.locator(sel(UI.historyRow)).evaluateAll((rs, names) => rs.map((r) => names.map((f) => Number(r.getAttribute(`data-${f}`)))), fields);
  return rows.map(([epoch, trainLoss, valLoss, valAccuracy, valAuc, seconds, imagesPerSecond]) => ({ epoch, trainLoss, valLoss, valAccuracy, valAuc, seconds, imagesPerSecond }));
}

export interface ResumeReport {
  /** the page was reloaded once this many epochs were shown (each is checkpointed before it is shown) */
  reloadedAfterEpoch: number;
  /** epochs the studio offered to resume from ("Resume interrupted run (N epochs done)") */
  resumedFromEpochs: number;
}

/** Reload once epoch `after` is shown (its checkpoint is stored), then click "Resume interrupted run". */
async function reloadAndResume(page: Page, after: number, log: (line: string) => void): Promise<ResumeReport> {
  await page.waitForFunction(([row, n]) => document.querySelectorAll(row).length >= n, [sel(UI.historyRow), after] as const, { timeout: 3_600_000 });
  log(`reloading the page after epoch ${after}…`);
  await page.reload();
  // the reloaded page lists interrupted runs once its training worker is up
  await page.waitForSelector(sel(UI.resumeRun), { timeout: 120_000 }).catch(() => undefined);
  await need(page, UI.resumeRun, 'to resume the interrupted run (--reload-after)');
  const label = (await page.locator(sel(UI.resumeRun)).innerText()).match(/(\d+) epochs? done/);
  const resumedFromEpochs = label ? Number(label[1]) : NaN;
  log(`resuming from the checkpoint of epoch ${resumedFromEpochs}`);
  await page.click(sel(UI.resumeRun));
  return { reloadedAfterEpoch: after, resumedFromEpochs };
}

/** Train; samples the progress line's images/s while it runs. */
async function runTraining(page: Page, log: (line: string) => void, reloadAfter?: number): Promise<{ seconds: number; imagesPerSecond: number[]; resume: ResumeReport | null }> {
  await page.waitForSelector(`${sel(UI.train)}:not([disabled])`, { timeout: 60_000 });
  const rates: number[] = [];
  const t0 = performance.now();
  await page.click(sel(UI.train));
  const resume = reloadAfter ? await reloadAndResume(page, reloadAfter, log) : null;
  const finished = `${sel(UI.status)}[data-status="done"], ${sel(UI.status)}[data-status="failed"], ${sel(UI.status)}[data-status="cancelled"]`;
  let lastEpoch = 0;
  let lastLog = performance.now();
  while ((await page.locator(finished).count()) === 0) {
    // one read in the page: the progress line disappears the moment training ends
    const progress = await page.evaluate((selector) => {
      const e = document.querySelector(selector);
      return e ? ['images-per-second', 'epoch', 'step'].map((k) => Number(e.getAttribute(`data-${k}`))) : null;
    }, `${sel(UI.progress)}[data-images-per-second]`);
    if (progress) {
      const [rate, epoch, step] = progress;
      if (Number.isFinite(rate) && rate > 0) rates.push(rate);
      if (epoch !== lastEpoch || performance.now() - lastLog > 60_000) {
        lastLog = performance.now();
        log(`training: epoch ${(lastEpoch = epoch)}, step ${step}, ${rate.toFixed(2)} img/s`);
      }
    }
    await page.waitForTimeout(1000);
  }
  const seconds = (performance.now() - t0) / 1000;
  const status = await page.getAttribute(sel(UI.status), 'data-status');
  if (status !== 'done') {
    const err = await page.locator('[data-testid="error"]').allInnerTexts();
    throw new StudioError('internal', `Training ended "${status}": ${err.join(' ').replace(/\s+/g, ' ').trim() || 'no error shown'}`);
  }
  return { seconds, imagesPerSecond: rates, resume };
}

interface EvaluatedSet {
  predictionsFile: string;
  rows: number;
}

/**
 * Wait until the evaluation panel shows `setName` (its heading names the set once its logits are in)
 * and its set list is usable again.
 */
async function waitForSet(page: Page, setName: string): Promise<void> {
  await page.waitForFunction(
    ([heading, select, name]) => {
      if (document.querySelector('[data-testid="error"]')) return true;
      const h = document.querySelector(heading)?.textContent ?? '';
      const s = document.querySelector(select) as HTMLSelectElement | null;
      return h.includes(`(${name})`) && !!s && !s.disabled;
    },
    ['section[aria-label="Metrics"] h2', sel(UI.evalSet), setName] as const,
    { timeout: 1_800_000 },
  );
  const error = await visibleError(page);
  if (error) throw new StudioError('internal', `Scoring ${setName} failed in the studio: ${error}`);
}

/** Show a set in the evaluation panel: 'val' or 'external:<datasetId>' (its name is shown as "external: <name>"). */
export async function showSet(page: Page, key: string, shownAs: string): Promise<void> {
  await need(page, UI.evalSet, `to evaluate the set "${key}"`);
  await page.selectOption(sel(UI.evalSet), key);
  await waitForSet(page, shownAs);
}

async function savePredictions(page: Page, out: string, sets: Array<{ split: string; file: string }>): Promise<Record<string, EvaluatedSet>> {
  const csv = strFromU8((await downloadBytes(page, UI.exportPredictions, 'to save predictions')).bytes);
  const saved: Record<string, EvaluatedSet> = {};
  for (const { split, file } of sets) {
    const { text, rows } = predictionsOfSplit(csv, split);
    await writeFile(path.join(out, file), text);
    saved[split] = { predictionsFile: file, rows };
  }
  return saved;
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
  const trained = await runTraining(page, log, o.reloadAfter);
  const epochs = await history(page);
  log(`trained ${epochs.length} epoch(s) in ${trained.seconds.toFixed(1)} s`);

  // after training the studio scores val and test, then draws a first CAM
  await waitOrError(page, `${sel(UI.camCanvas)}:not([data-drawn-for=""])`, 'Evaluating after training', 1_800_000);
  let evalImport: ImportResult | null = null;
  if (o.eval) {
    evalImport = await importFolder(page, { folder: o.eval, labels: o.evalLabels, imageSize: imported.imageSize }, null, log);
    log(`scoring ${evalImport.name}…`);
    await tryStep(gaps, () => showSet(page, `external:${evalImport!.datasetId}`, `external: ${evalImport!.name}`));
  }
  const evaluated =
    (await tryStep(gaps, () =>
      savePredictions(page, out, [{ split: 'val', file: 'predictions-val.csv' }, ...(o.eval ? [{ split: 'external', file: 'predictions-eval.csv' }] : [])]),
    )) ?? {};
  const metricsFile = await tryStep(gaps, async () => {
    const { bytes } = await downloadBytes(page, UI.exportMetrics, 'to save metrics.json');
    await writeFile(path.join(out, 'metrics.json'), bytes);
    return JSON.parse(strFromU8(bytes)) as { sets?: Record<string, unknown>; trust?: Record<string, unknown> };
  });
  // the studio writes model-card.md and model-card.json from one click: two downloads
  const modelCard = await tryStep(gaps, async () => {
    await need(page, UI.exportModelCard, 'to save model-card.md');
    const files: string[] = [];
    const saved = new Promise<void>((resolve, reject) => {
      const onDownload = async (d: Download) => {
        try {
          const name = d.suggestedFilename();
          if (!name.startsWith('model-card.')) return;
          await d.saveAs(path.join(out, name));
          files.push(name);
          if (files.length === 2) {
            page.off('download', onDownload);
            resolve();
          }
        } catch (e) {
          reject(e);
        }
      };
      page.on('download', onDownload);
    });
    await page.click(sel(UI.exportModelCard));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new StudioError('internal', 'The model card was not written within 10 minutes.')), 600_000)));
    try {
      await Promise.race([saved, late]);
    } finally {
      clearTimeout(timer);
    }
    return files.sort();
  });
  await tryStep(gaps, async () => {
    const { bytes } = await downloadBytes(page, UI.exportModel, 'to save model.safetensors');
    await writeFile(path.join(out, 'model.safetensors'), bytes);
  });
  const cams = evaluated.val
    ? await tryStep(gaps, async () => {
        await showSet(page, 'val', 'val split');
        return camImages(page, path.join(out, 'predictions-val.csv'), imported.classes, o.cams, path.join(out, 'cams'));
      })
    : null;
  if (!evaluated.val) gaps.push('CAM images of the highest-loss validation images need predictions-val.csv (see above).');
  const peakGpuBytes = (await has(page, UI.gpuMemory)) ? Number(await page.getAttribute(sel(UI.gpuMemory), 'data-peak-bytes')) : null;
  if (peakGpuBytes === null) gaps.push(`The studio has no "${UI.gpuMemory}" element with data-peak-bytes, needed for the peak GPU bytes.`);

  const modelReload = o.eval && evaluated.external && existsSync(path.join(out, 'model.safetensors')) ? await reloadCheck(o, imported.imageSize, out, log) : null;
  if (o.eval && !modelReload) gaps.push('The reload check of model.safetensors needs predictions-eval.csv and the model download (see above).');

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
    resume: trained.resume,
    metrics: metricsFile?.sets ?? null,
    intervals: metricsFile?.trust ?? null,
    modelCard,
    evaluated,
    cams: cams?.files ?? [],
    modelReload,
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
