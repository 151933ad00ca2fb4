/**
 * The preamble of the e2e tests: serve the build and open the studio around a describe block, and the flow
 * steps several tests share (backend, demo import, training settings, a run to its end), all addressed
 * through the selector map of src/cli/ui.ts.
 */
import { afterAll, beforeAll } from 'vitest';
import type { Page } from 'playwright-core';
import { sel, UI } from '../../src/cli/ui';
import { waitOrError } from '../../src/cli/session';
import { openStudio, servePreview, type OpenOptions, type Served, type Session } from './browser';

export interface StudioFixtureOptions extends OpenOptions {
  /** appended to the served URL after '?', e.g. 'kernels=stock' */
  query?: string;
  /** open about:blank instead of the studio (to prepare the origin, e.g. its quota, before the studio loads) */
  startBlank?: boolean;
}

export interface StudioFixture {
  readonly served: Served;
  readonly session: Session;
  readonly page: Page;
}

/** Registers beforeAll/afterAll in the calling describe block: one served build and one studio page for its tests. */
export function studioFixture(options: StudioFixtureOptions = {}): StudioFixture {
  const { query, startBlank, ...open } = options;
  let served: Served | undefined;
  let session: Session | undefined;
  beforeAll(async () => {
    served = await servePreview();
    session = await openStudio(startBlank ? 'about:blank' : query ? `${served.url}?${query}` : served.url, open);
  });
  afterAll(async () => {
    await session?.close();
    await served?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('studioFixture: the studio is not open (beforeAll has not run or failed)');
    return value;
  };
  return {
    get served() {
      return started(served);
    },
    get session() {
      return started(session);
    },
    get page() {
      return started(session).page;
    },
  };
}

/** Wait until the studio has chosen its backend (`expected` only: wait for that one) and return its name. */
export async function waitForBackend(page: Page, expected?: string): Promise<string> {
  const chosen = expected ? `${sel(UI.backend)}[data-backend="${expected}"]` : `${sel(UI.backend)}[data-backend]:not([data-backend=""])`;
  await waitOrError(page, chosen, 'Starting the tfjs backend', 120_000);
  return (await page.getAttribute(sel(UI.backend), 'data-backend')) ?? '';
}

/** Import `count` generated demo images and wait for a ready dataset row. */
export async function importDemo(page: Page, count: number): Promise<void> {
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

/** Close the image viewer with its Close button: as a modal dialog it keeps the page behind from clicks. */
export async function closeViewer(page: Page): Promise<void> {
  await page.locator(sel(UI.imageViewer)).getByRole('button', { name: 'Close', exact: true }).first().click();
  await page.waitForSelector(sel(UI.imageViewer), { state: 'detached' });
}

/** The texts of the error banners shown now (none: []). */
export async function errorTexts(page: Page): Promise<string[]> {
  return page.locator(sel(UI.error)).allTextContents();
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
