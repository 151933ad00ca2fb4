/**
 * Latent-map steps shared by tests/e2e/latent-map.test.ts and the bench (tests/scripts/bench-latent-map.ts):
 * show the bundled model, compute a map, and read where each point is drawn (from the CSV export's coordinates
 * and the canvas's data-transform). No vitest here.
 */
import type { Page } from 'playwright-core';
import { parseCsv } from '../../src/lib/dataset/csv';
import { downloadBytes, sel, UI } from '../../src/cli/ui';
import { waitOrError } from '../../src/cli/session';
import { waitForBackend } from './studio-steps';

/** "Show a trained model", until its evaluation is done (its last step, the pointing game, shown): the training worker is free */
export async function showTrainedModel(page: Page): Promise<void> {
  await waitForBackend(page);
  await page.click(sel(UI.showDemoModel));
  await waitOrError(page, `${sel(UI.showcaseStatus)}[data-phase="ready"]`, 'Showing the trained model', 900_000);
  await waitOrError(page, sel(UI.pointingGame), 'Evaluating the trained model', 600_000);
}

export interface MapTiming {
  /** from the click on Compute to the map drawn, ms */
  totalMs: number;
  /** as the studio measured them */
  featuresMs: number;
  projectionMs: number;
  points: number;
}

/** Choose the set, projection and cap, click Compute and wait for the map drawn. */
export async function computeMap(page: Page, options: { set?: string; method?: 'umap' | 'pca'; limit?: number } = {}): Promise<MapTiming> {
  if (options.set) await page.selectOption(sel(UI.latentSet), options.set);
  if (options.method) await page.selectOption(sel(UI.latentMethod), options.method);
  if (options.limit) await page.fill(sel(UI.latentLimit), String(options.limit));
  const t0 = Date.now();
  await page.click(sel(UI.latentCompute));
  await page.waitForFunction(
    (canvasSel) => {
      const c = document.querySelector(canvasSel);
      return !!c && Number(c.getAttribute('data-points')) > 0 && c.getAttribute('data-drawn') === c.getAttribute('data-points');
    },
    sel(UI.latentCanvas),
    { timeout: 600_000, polling: 50 },
  );
  const totalMs = Date.now() - t0;
  const section = page.locator(sel(UI.latentMap));
  return {
    totalMs,
    featuresMs: Number(await section.getAttribute('data-features-ms')),
    projectionMs: Number(await section.getAttribute('data-projection-ms')),
    points: Number(await page.getAttribute(sel(UI.latentCanvas), 'data-points')),
  };
}

export interface DrawnPoint {
  id: string;
  label: string;
  prediction: string;
  loss: number;
  /** CSS px from the canvas's top-left corner */
  px: number;
  py: number;
}

/** The map's points as the CSV export lists them, placed by the canvas's data-transform. */
export async function drawnPoints(page: Page): Promise<DrawnPoint[]> {
  const { bytes } = await downloadBytes(page, UI.latentCsv, 'to read the map', 60_000);
  const [header, ...rows] = parseCsv(new TextDecoder().decode(bytes));
  const col = (name: string) => header.indexOf(name);
  const [a, b, c, d] = ((await page.getAttribute(sel(UI.latentCanvas), 'data-transform')) ?? '').split(',').map(Number);
  return rows.map((r) => {
    const x = Number(r[col('x')]);
    const y = Number(r[col('y')]);
    return { id: r[col('id')], label: r[col('label')], prediction: r[col('prediction')], loss: Number(r[col('loss')]), px: a * x + b, py: c * y + d };
  });
}
