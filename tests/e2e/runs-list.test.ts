/**
 * Runs outlive the page: after a reload the finished run is listed with its best metric, reopening it brings its
 * model back (metrics and export as after training), and a deleted run stays gone with its checkpoints.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { fill, sel, UI } from '../../src/cli/ui';
import { errorTexts, importDemo, setTraining, studioFixture, trainToEnd, waitForBackend } from '../support/studio-fixture';

/** the checkpoint records stored for all runs, and the chunks of their bytes */
function storedCheckpoints(page: Page): Promise<{ records: number; chunks: number }> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve) => {
      const r = indexedDB.open('cxr-studio');
      r.onsuccess = () => resolve(r.result);
    });
    const count = (store: string, range?: IDBKeyRange) =>
      new Promise<number>((resolve) => {
        const req = db.transaction(store).objectStore(store).count(range);
        req.onsuccess = () => resolve(req.result);
      });
    const stored = { records: await count('checkpoints'), chunks: await count('blobs', IDBKeyRange.bound('checkpoint|', 'checkpoint|\uffff')) };
    db.close();
    return stored;
  });
}

/** Reload and wait until the datasets and the run list are read back. */
async function reload(page: Page): Promise<void> {
  await page.reload();
  await waitForBackend(page);
  await page.waitForSelector(`${sel(UI.datasetRow)}[data-status="ready"]`, { timeout: 60_000 });
  await page.waitForSelector(`${sel(UI.runs)}[data-loaded="true"]`, { state: 'attached', timeout: 60_000 });
}

describe('the run list', () => {
  const studio = studioFixture();

  it('lists a finished run after a reload, reopens it with its metrics and export, and deletes it', async () => {
    const { page, session: s } = studio;
    await waitForBackend(page);
    await fill(page, UI.importSize, 32, 'for the stored size');
    // a larger validation split: both classes in it, so the run has a val AUC
    await fill(page, UI.importSplit, '60/20/20', 'for the split');
    await importDemo(page, 40);
    await setTraining(page, { epochs: 1, batch: 16, width: 0.125 });
    expect(await trainToEnd(page, 600_000)).toBe('done');
    const valAuc = Number(await page.getAttribute(sel(UI.historyRow), 'data-val-auc'));
    console.log(`trained 1 epoch: val AUC ${valAuc}`);
    expect(Number.isFinite(valAuc)).toBe(true);

    await reload(page);
    const row = page.locator(sel(UI.runRow));
    expect(await row.count()).toBe(1);
    expect(await row.getAttribute('data-status')).toBe('done');
    expect(Number(await row.getAttribute('data-best-value'))).toBe(valAuc);
    expect(await row.getAttribute('data-best-epoch')).toBe('1');
    expect(await row.textContent()).toContain('32 px · width ×0.125 · batch 16 · 1 epoch');
    // nothing of the model survives the reload until it is reopened
    expect(await page.locator(sel(UI.exportModel)).isDisabled()).toBe(true);
    expect(await page.locator(sel(UI.metricAuc)).count()).toBe(0);

    await page.click(sel(UI.runOpen));
    await page.waitForSelector(sel(UI.metricAuc), { timeout: 300_000 });
    expect(await errorTexts(page)).toEqual([]);
    expect(await page.locator(sel(UI.exportModel)).isEnabled()).toBe(true);
    expect(await page.getAttribute(sel(UI.status), 'data-status')).toBe('done');
    expect(Number(await page.getAttribute(sel(UI.historyRow), 'data-val-auc'))).toBe(valAuc);
    console.log(`reopened: test-set metrics show AUC ${await page.textContent(sel(UI.metricAuc))}`);

    const before = await storedCheckpoints(page);
    expect(before.records).toBeGreaterThan(0);
    expect(before.chunks).toBeGreaterThan(0);
    await page.click(sel(UI.runDelete));
    await page.click(sel(UI.runDeleteConfirm));
    await page.waitForSelector(`${sel(UI.runs)}[data-count="0"]`, { state: 'attached', timeout: 60_000 });
    await reload(page);
    expect(await page.locator(sel(UI.runRow)).count()).toBe(0);
    expect(await storedCheckpoints(page)).toEqual({ records: 0, chunks: 0 });
    // the dataset stays
    expect(await page.locator(sel(UI.datasetRow)).count()).toBe(1);
    expect(s.consoleErrors).toEqual([]);
  });
});
