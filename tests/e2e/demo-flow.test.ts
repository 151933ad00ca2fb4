/**
 * The walking skeleton in a real browser: demo → import workers → IndexedDB → training worker
 * on WebGPU → metrics → CAM. Tiny configuration (SwiftShader is a CPU emulation).
 * DEMO_KERNELS=stock runs it on tfjs's stock WebGPU kernels instead of the studio's.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/lib/dataset/csv';
import { sel, UI } from '../../src/cli/ui';
import { foreignRequests, longTasks, mainThreadImageReads } from '../support/browser';
import { errorTexts, importDemo, setTraining, studioFixture, trainToEnd, waitForBackend, watchEta } from '../support/studio-fixture';

const DEMO_COUNT = 64;

describe('demo end to end', () => {
  const studio = studioFixture({ query: process.env.DEMO_KERNELS ? `kernels=${process.env.DEMO_KERNELS}` : undefined });

  it('trains on the demo on webgpu and explains with CAM, without blocking or leaving localhost', async () => {
    const { page, session: s, served } = studio;
    expect(await waitForBackend(page)).toBe('webgpu');

    await importDemo(page, DEMO_COUNT);
    const stored = await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('cxr-studio');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const count = (store: string) =>
        new Promise<number>((resolve) => {
          const req = db.transaction(store).objectStore(store).count();
          req.onsuccess = () => resolve(req.result);
        });
      return { images: await count('images'), pixels: await count('pixels') };
    });
    expect(stored).toEqual({ images: DEMO_COUNT, pixels: DEMO_COUNT });
    expect(await page.getAttribute(sel(UI.datasetRow), 'data-images')).toBe(String(DEMO_COUNT));

    // Augmentation off: with the recipe's random resized crop (0.35–1) a width-⅛ model on 51 images
    // does not learn within 8 epochs on either kernel set (loss wanders 0.58–0.77), so "the loss fell"
    // would test luck; without it the loss falls 0.77 → 0.60 on both.
    await setTraining(page, { epochs: 3, batch: 16, width: 0.125, augment: false });
    const etaAfterFiveSteps = await watchEta(page, 5);
    const status = await trainToEnd(page, 800_000);
    expect(await errorTexts(page)).toEqual([]);
    expect(status).toBe('done');
    // the ETA shown after 5 of the run's 12 steps against the time the run then took (printed; how close it is
    // depends on the machine's load, so npm run bench:responsive measures it)
    const eta = await etaAfterFiveSteps();
    console.log(`ETA after step ${eta?.step}: ${eta?.etaSeconds?.toFixed(1)} s shown, ${eta?.actualSeconds.toFixed(1)} s actual`);
    expect(eta?.etaSeconds).toEqual(expect.any(Number));

    const losses = (await page.locator(sel(UI.historyRow)).evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-train-loss')))));
    console.log('train loss per epoch:', losses.map((l) => l.toFixed(4)).join(' → '));
    expect(losses).toHaveLength(3);
    expect(losses[2]).toBeLessThan(losses[0]);
    // the panel reports what a training image costs in GPU memory (WebGPU)
    const perImage = Number(await page.getAttribute(sel(UI.gpuMemory), 'data-bytes-per-image'));
    console.log(`GPU memory per training image: ${(perImage / 1e6).toFixed(2)} MB`);
    expect(perImage).toBeGreaterThan(0);

    await page.waitForSelector(sel(UI.metrics));
    const accuracy = await page.textContent(sel(UI.metricAccuracy));
    const auc = await page.textContent(sel(UI.metricAuc));
    console.log(`validation accuracy ${accuracy}, AUC ${auc}`);

    await page.waitForSelector(`${sel(UI.camCanvas)}:not([data-drawn-for=""])`, { timeout: 60_000 });
    const camSpread = await page.evaluate((canvas) => {
      const c = document.querySelector<HTMLCanvasElement>(canvas)!;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let min = 255;
      let max = 0;
      for (let i = 0; i < d.length; i += 4) {
        const v = d[i] + d[i + 1] + d[i + 2];
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      return max - min;
    }, sel(UI.camCanvas));
    expect(camSpread).toBeGreaterThan(30);

    // every export, so the no-remote-requests check below covers them too
    const downloaded: Record<string, string> = {};
    for (const id of [UI.exportZip, UI.exportModel, UI.exportPredictions, UI.exportMetrics, UI.reportCsv]) {
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.click(sel(id))]);
      expect((await download.failure()) ?? 'ok', id).toBe('ok');
      downloaded[id] = await readFile((await download.path())!, 'utf8');
    }
    // the accuracy shown is the share of validation rows whose prediction is their label in the exported predictions
    const [header, ...rows] = parseCsv(downloaded[UI.exportPredictions]);
    const col = (name: string) => header.indexOf(name);
    const val = rows.filter((r) => r[col('split')] === 'val');
    expect(val.length).toBeGreaterThan(0);
    const correct = val.filter((r) => r[col('predicted')] === r[col('label')]).length;
    expect(Number(accuracy)).toBeCloseTo(correct / val.length, 2); // shown with 3 decimals
    expect(Number(auc)).toBeGreaterThanOrEqual(0);
    expect(Number(auc)).toBeLessThanOrEqual(1);

    const tasks = await longTasks(page);
    console.log(`main-thread long tasks: ${tasks.length}, longest ${Math.max(0, ...tasks).toFixed(0)} ms`); // measured: npm run bench:responsive
    expect(await mainThreadImageReads(page)).toEqual([]);
    await page.screenshot({ path: '/tmp/cxr-studio-e2e.png', fullPage: true });
    expect(s.consoleErrors).toEqual([]);
    expect(foreignRequests(s.requests, served.url.replace(/\/$/, ''))).toEqual([]);
  });

  it('on a software adapter, suggests settings from two timed steps when asked: a live demo that fits 2 minutes and the full recipe', async () => {
    const { page, session: s } = studio;
    expect(await page.getAttribute(sel(UI.presets), 'data-status')).toBe('idle'); // not timed on its own here
    await page.click(sel(UI.measureSpeed));
    await page.waitForSelector(sel(UI.presetFullRecipe), { timeout: 300_000 });
    const attrs = async (testId: string) =>
      page.locator(sel(testId)).evaluate((b) => ({ text: b.textContent, width: b.getAttribute('data-width'), epochs: b.getAttribute('data-epochs'), seconds: Number(b.getAttribute('data-seconds')), fits: b.getAttribute('data-fits') }));
    const demo = await attrs(UI.presetLiveDemo);
    const full = await attrs(UI.presetFullRecipe);
    console.log(`presets: ${demo.text} | ${full.text}`);
    expect(full).toMatchObject({ width: '1', epochs: '30' });
    // the full recipe needs 30 epochs at width 1: far more than the demo, which fits its 2 minutes on a 64-image demo
    expect(full.seconds).toBeGreaterThan(demo.seconds);
    if (demo.fits === 'true') expect(demo.seconds).toBeLessThanOrEqual(120);
    await page.click(sel(UI.presetLiveDemo));
    expect(await page.inputValue(sel(UI.width))).toBe(demo.width);
    expect(await page.inputValue(sel(UI.epochs))).toBe(demo.epochs);
    expect(s.consoleErrors).toEqual([]);
  });
});
