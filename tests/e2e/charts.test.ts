/**
 * The charts after a small demo run: the epoch chart's two labelled y axes and whole-epoch ticks, the ROC
 * title's AUC against the metrics table, the operating point drawn where the threshold puts it (and moved
 * with it), a chart's PNG export (PNG bytes of the chart canvas' width), and charts that fit a phone's width.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { fill, sel, UI } from '../../src/cli/ui';
import { errorTexts, importDemo, setTraining, studioFixture, trainToEnd, waitForBackend } from '../support/studio-fixture';

const metrics = 'section[aria-label="Metrics"]';
const chart = (kind: string) => `${metrics} ${sel(UI.chart)}[data-chart="${kind}"]`;
const PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

/** Whether the chart canvas has the marker's orange within 4 canvas pixels of (x, y) (an edge point is half clipped). */
function orangeNear(page: Page, figure: string, x: number, y: number): Promise<boolean> {
  return page.evaluate(
    ([s, px, py]) => {
      const canvas = document.querySelector(s as string)!.querySelector('canvas')!;
      const d = canvas.getContext('2d')!.getImageData(Math.round(px as number) - 4, Math.round(py as number) - 4, 9, 9).data;
      for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - 0xf9) < 24 && Math.abs(d[i + 1] - 0x73) < 24 && Math.abs(d[i + 2] - 0x16) < 24 && d[i + 3] > 200) return true;
      return false;
    },
    [figure, x, y] as const,
  );
}

const text = async (page: Page, testId: string) => Number(await page.textContent(`${metrics} ${sel(testId)}`));
const attr = async (page: Page, selector: string, name: string) => (await page.getAttribute(selector, name)) ?? '';

/** The operating point's marker: the canvas under it is its orange, and its coordinates are the table's. */
async function checkOperatingPoint(page: Page): Promise<void> {
  const roc = chart('roc');
  const px = await attr(page, roc, 'data-marker-px');
  expect(px).toMatch(/^[\d.]+,[\d.]+$/);
  const [x, y] = px.split(',').map(Number);
  expect(await orangeNear(page, roc, x, y), `marker at ${px}`).toBe(true);
  expect(Number(await attr(page, roc, 'data-operating-x'))).toBeCloseTo(1 - (await text(page, UI.metricSpecificity)), 2);
  expect(Number(await attr(page, roc, 'data-operating-y'))).toBeCloseTo(await text(page, UI.metricRecall), 2);
  const pr = chart('pr');
  expect(Number(await attr(page, pr, 'data-operating-x'))).toBeCloseTo(await text(page, UI.metricRecall), 2);
}

describe('charts', () => {
  const studio = studioFixture();

  it('axes, ticks, AUC, operating point and PNG export after a small run', async () => {
    const { page } = studio;
    await waitForBackend(page);
    await fill(page, UI.importSize, 32, 'for a small stored size');
    await importDemo(page, 40);
    await setTraining(page, { epochs: 2, batch: 8, width: 0.125 });
    expect(await trainToEnd(page, 600_000)).toBe('done');
    await page.waitForSelector(`${chart('roc')}[data-marker-px]:not([data-marker-px=""])`, { timeout: 300_000 });
    expect(await errorTexts(page)).toEqual([]);

    const epoch = chart('epoch');
    await page.waitForSelector(`${epoch}[data-x-ticks]:not([data-x-ticks=""])`);
    expect(await attr(page, epoch, 'data-y-axes')).toBe('left:loss|right:AUC, accuracy (0–1)');
    const ticks = (await attr(page, epoch, 'data-x-ticks')).split(' ');
    expect(ticks.every((t) => /^\d+$/.test(t)), ticks.join(' ')).toBe(true);
    expect(ticks).toEqual(['1', '2']);

    const auc = (await page.textContent(`${metrics} ${sel(UI.metricAuc)}`))!.trim();
    expect(await attr(page, chart('roc'), 'data-title')).toContain(`AUC ${auc}`);
    expect(await page.locator(chart('roc')).innerText()).toContain(`ROC (AUC ${auc})`);
    expect(await attr(page, chart('pr'), 'data-title')).toMatch(/AP (\d\.\d{3}|—)/);

    await checkOperatingPoint(page);
    // threshold 0: every image is predicted positive, the point moves to (1, 1)
    await page.locator(`${metrics} ${sel(UI.threshold)}`).evaluate((el: HTMLInputElement) => {
      el.value = '0';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.waitForSelector(`${chart('roc')}[data-operating-x="1"][data-operating-y="1"]`);
    await page.waitForFunction((s) => document.querySelector(s)?.textContent?.includes('threshold 0.000'), chart('roc'));
    await checkOperatingPoint(page);

    const canvasWidth = await page.locator(`${epoch} canvas`).evaluate((c: HTMLCanvasElement) => c.width);
    const canvasHeight = await page.locator(`${epoch} canvas`).evaluate((c: HTMLCanvasElement) => c.height);
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click(`${epoch} ${sel(UI.chartPng)}`)]);
    expect(download.suggestedFilename()).toBe('loss-accuracy-and-auc-per-epoch.png');
    const png = new Uint8Array(await readFile((await download.path())!));
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    const view = new DataView(png.buffer, png.byteOffset);
    // IHDR: width and height at bytes 16 and 20; the title and legend add rows above and below the plot
    expect(view.getUint32(16)).toBe(canvasWidth);
    expect(view.getUint32(20)).toBeGreaterThan(canvasHeight);

    // a phone's width: every chart shrinks to its figure, no figure is wider than the screen
    await page.setViewportSize({ width: 360, height: 800 });
    const fits = (s: string) =>
      [...document.querySelectorAll(s)].every((figure) => {
        const canvas = figure.querySelector('canvas');
        const f = figure.getBoundingClientRect();
        return !!canvas && f.right <= innerWidth && canvas.getBoundingClientRect().right <= f.right + 0.5;
      });
    await page.waitForFunction(fits, sel(UI.chart));
  });
});
