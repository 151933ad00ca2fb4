/**
 * The flow steps several browser tests and scripts share (backend, demo import, training settings, a run
 * to its end, error banners), addressed through the selector map of src/cli/ui.ts. No vitest here.
 */
import type { Page } from 'playwright-core';
import { sel, UI } from '../../src/cli/ui';
import { waitOrError } from '../../src/cli/session';

/** Wait until the studio has chosen its backend (`expected` only: wait for that one) and return its name. */
export async function waitForBackend(page: Page, expected?: string): Promise<string> {
  const chosen = expected ? `${sel(UI.backend)}[data-backend="${expected}"]` : `${sel(UI.backend)}[data-backend]:not([data-backend=""])`;
  await waitOrError(page, chosen, 'Starting the tfjs backend', 120_000);
  return (await page.getAttribute(sel(UI.backend), 'data-backend')) ?? '';
}

/**
 * Import `count` generated demo images (at `size` px when given, else the size the page shows) and wait for a ready
 * dataset row. Tests that do not look at CAMs import at 32 px: a quarter of the software-adapter default's work.
 */
export async function importDemo(page: Page, count: number, size?: number): Promise<void> {
  if (size !== undefined) await page.fill(sel(UI.importSize), String(size));
  await page.fill(sel(UI.demoCount), String(count));
  await page.click(sel(UI.tryDemo));
  await waitOrError(page, `${sel(UI.datasetRow)}[data-status="ready"]`, 'Importing the demo', 300_000);
}

export interface TrainingSettings {
  epochs?: number;
  batch?: number;
  width?: number;
  lr?: number;
  augment?: boolean;
}

/** Set the training panel's basic fields as a person types them; those left out keep the studio's values. */
export async function setTraining(page: Page, settings: TrainingSettings): Promise<void> {
  const fields = [[UI.epochs, settings.epochs], [UI.batch, settings.batch], [UI.width, settings.width], [UI.lr, settings.lr]] as const;
  for (const [testId, value] of fields) if (value !== undefined) await page.fill(sel(testId), String(value));
  if (settings.augment !== undefined) await page.locator(sel(UI.augment)).setChecked(settings.augment);
}

/** Wait until the run in progress is done or failed and return which. */
export async function trainingEnd(page: Page, timeoutMs: number): Promise<string> {
  await page.waitForSelector(`${sel(UI.status)}[data-status="done"], ${sel(UI.status)}[data-status="failed"]`, { timeout: timeoutMs });
  return (await page.getAttribute(sel(UI.status), 'data-status')) ?? '';
}

/** Start training with the settings shown and wait for the run's end: 'done' or 'failed'. */
export async function trainToEnd(page: Page, timeoutMs: number): Promise<string> {
  await page.click(sel(UI.train));
  return trainingEnd(page, timeoutMs);
}

/** Start training with the settings shown and wait until its first step shows progress. */
export async function startTraining(page: Page): Promise<void> {
  await page.click(sel(UI.train));
  await page.waitForSelector(sel(UI.progress), { timeout: 300_000 });
}

/** Close the image viewer with its Close button: as a modal dialog it keeps the page behind from clicks. */
export async function closeViewer(page: Page): Promise<void> {
  await page.locator(sel(UI.imageViewer)).getByRole('button', { name: 'Close', exact: true }).first().click();
  await page.waitForSelector(sel(UI.imageViewer), { state: 'detached' });
}

export interface ErrorBanner {
  code: string | null;
  text: string;
}

/** The error banners shown now, with their data-code (none: []). */
export async function errorBanners(page: Page): Promise<ErrorBanner[]> {
  return page.locator(sel(UI.error)).evaluateAll((els) => els.map((e) => ({ code: e.getAttribute('data-code'), text: e.textContent ?? '' })));
}

/** The texts of the error banners shown now (none: []). */
export async function errorTexts(page: Page): Promise<string[]> {
  return (await errorBanners(page)).map((b) => b.text);
}

export interface EtaCheck {
  /** the run's step count when the ETA was read */
  step: number;
  /** the ETA the panel showed then (null: still estimating) */
  etaSeconds: number | null;
  /** seconds from then to the run's end (status done or failed) */
  actualSeconds: number;
}

/**
 * Records in the page (every frame) the ETA the training panel shows when the run's step count first reaches
 * `atStep`, and when the run ends; call before starting the run, read after it ended.
 */
export async function watchEta(page: Page, atStep: number): Promise<() => Promise<EtaCheck | null>> {
  await page.evaluate(
    ([progressSel, statusSel, wanted]) => {
      const w = window as unknown as { __eta: { step?: number; eta?: number | null; at?: number; end?: number } };
      w.__eta = {};
      const tick = () => {
        const p = document.querySelector(progressSel);
        if (p && w.__eta.at === undefined) {
          const step = (Number(p.getAttribute('data-epoch')) - 1) * Number(p.getAttribute('data-steps-per-epoch')) + Number(p.getAttribute('data-step'));
          if (step >= wanted) {
            const eta = p.getAttribute('data-eta-seconds');
            w.__eta = { step, eta: eta ? Number(eta) : null, at: performance.now() };
          }
        }
        const status = document.querySelector(statusSel)?.getAttribute('data-status');
        if (w.__eta.at !== undefined && (status === 'done' || status === 'failed')) w.__eta.end = performance.now();
        else requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    },
    [sel(UI.progress), sel(UI.status), atStep] as const,
  );
  return () =>
    page.evaluate(() => {
      const e = (window as unknown as { __eta: { step?: number; eta?: number | null; at?: number; end?: number } }).__eta;
      return e.at === undefined || e.end === undefined ? null : { step: e.step!, etaSeconds: e.eta ?? null, actualSeconds: (e.end - e.at) / 1000 };
    });
}
