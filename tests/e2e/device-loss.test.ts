/**
 * GPU device loss reaches the page as one message, while idle and while training. The test destroys the
 * WebGPU device tfjs opened in the training worker (tfjs-core keeps its engine at globalThis._tfengine),
 * as a driver reset or a removed GPU would lose it.
 */
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openStudio, servePreview, type Served, type Session } from '../support/browser';
import { UI, sel } from '../../src/cli/ui';
import { errorBanners, importDemo, setTraining, startTraining, waitForBackend } from '../support/studio-fixture';

/** Destroys the WebGPU device in the worker that holds one; false when none does. */
async function destroyGpuDevice(page: Page): Promise<boolean> {
  for (const worker of page.workers()) {
    const destroyed = await worker.evaluate(() => {
      const engine = (globalThis as unknown as { _tfengine?: { registry?: Record<string, { device?: { destroy(): void } }> } })._tfengine;
      const device = engine?.registry?.webgpu?.device;
      device?.destroy();
      return Boolean(device);
    });
    if (destroyed) return true;
  }
  return false;
}

/** The error banners once one shows and a second would have shown too. */
async function settledErrorBanners(page: Page) {
  await page.waitForSelector(sel(UI.error), { timeout: 120_000 });
  await page.waitForTimeout(1000); // a second report (e.g. the failed run's) would show by now
  return errorBanners(page);
}

describe('GPU device loss', () => {
  let served: Served;
  let s: Session | undefined;

  beforeAll(async () => {
    served = await servePreview();
  });
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });
  afterAll(async () => {
    await served?.stop();
  });

  it('while idle: one message in the page that says to reload', async () => {
    s = await openStudio(served.url);
    const { page } = s;
    await waitForBackend(page, 'webgpu');
    expect(await page.locator(sel(UI.error)).count()).toBe(0);
    expect(await destroyGpuDevice(page)).toBe(true);
    const banners = await settledErrorBanners(page);
    expect(banners).toHaveLength(1);
    expect(banners[0].code).toBe('device-lost');
    expect(banners[0].text).toContain('The GPU device was lost (destroyed');
    expect(banners[0].text).toContain('Reload the page to use the GPU again');
  });

  it('while training: one message, the run can be resumed after a reload', async () => {
    s = await openStudio(served.url);
    const { page } = s;
    await waitForBackend(page, 'webgpu');
    await importDemo(page, 16, 32);
    await setTraining(page, { epochs: 20, batch: 4, width: 0.125 });
    await startTraining(page); // a step has run: the loss hits a run in progress
    expect(await destroyGpuDevice(page)).toBe(true);
    const banners = await settledErrorBanners(page);
    expect(banners).toHaveLength(1);
    expect(banners[0].code).toBe('device-lost');
    expect(banners[0].text).toContain('Resume interrupted run');
    await page.waitForFunction((s) => document.querySelector(s)?.getAttribute('data-status') !== 'running', sel(UI.status), { timeout: 300_000 });
    expect(await page.locator(sel(UI.error)).count()).toBe(1);
  });
});
