/**
 * A reload in the middle of training loses at most the epoch in progress: the run resumes from
 * its last checkpoint in IndexedDB and finishes with the configured number of epochs.
 */
import { describe, expect, it } from 'vitest';
import { sel, UI } from '../../src/cli/ui';
import { importDemo, setTraining, studioFixture, trainingEnd, waitForBackend } from '../support/studio-fixture';

const EPOCHS = 5;

describe('reload during training', () => {
  const studio = studioFixture();

  it('resumes from the last checkpoint and finishes all epochs', async () => {
    const { page, session: s } = studio;
    await waitForBackend(page, 'webgpu');
    await importDemo(page, 48, 32);
    await setTraining(page, { epochs: EPOCHS, batch: 16 });
    await page.click(sel(UI.train));
    // wait for two finished epochs, then pull the plug
    await page.waitForFunction((row) => document.querySelectorAll(row).length >= 2, sel(UI.historyRow), { timeout: 600_000 });
    const before = await page.locator(sel(UI.historyRow)).count();
    await page.reload();

    await page.waitForSelector(sel(UI.resumeRun), { timeout: 120_000 });
    const checkpointEpoch = await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve) => {
        const r = indexedDB.open('cxr-studio');
        r.onsuccess = () => resolve(r.result);
      });
      const all = await new Promise<Array<{ epoch: number }>>((resolve) => {
        const req = db.transaction('checkpoints').objectStore('checkpoints').getAll();
        req.onsuccess = () => resolve(req.result);
      });
      db.close();
      return Math.max(...all.map((c) => c.epoch));
    });
    console.log(`reloaded after ${before} epochs shown; newest checkpoint: epoch ${checkpointEpoch}`);
    expect(checkpointEpoch).toBeGreaterThanOrEqual(2);
    // the resumed run starts from the checkpoint's history, not from scratch
    expect(await page.locator(sel(UI.historyRow)).count()).toBe(0);
    await page.click(sel(UI.resumeRun));
    await page.waitForFunction(
      ([row, n]) => document.querySelectorAll(row).length === n,
      [sel(UI.historyRow), checkpointEpoch] as const,
      { timeout: 60_000 },
    );
    expect(await trainingEnd(page, 600_000)).toBe('done');
    const epochs = await page.locator(`${sel(UI.historyRow)} td:first-child`).allTextContents();
    expect(epochs.map(Number)).toEqual(Array.from({ length: EPOCHS }, (_, i) => i + 1));
    expect(s.consoleErrors).toEqual([]);
  });
});
