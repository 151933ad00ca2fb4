/**
 * A reload in the middle of training loses at most the epoch in progress: the run resumes from
 * its last checkpoint in IndexedDB and finishes with the configured number of epochs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStudio, servePreview, type Served, type Session } from '../support/browser';

const EPOCHS = 5;

describe('reload during training', () => {
  let served: Served;
  let s: Session;

  beforeAll(async () => {
    served = await servePreview();
    s = await openStudio(served.url);
  });
  afterAll(async () => {
    await s?.close();
    await served?.stop();
  });

  it('resumes from the last checkpoint and finishes all epochs', async () => {
    const { page } = s;
    await page.waitForSelector('[data-testid="backend"][data-backend="webgpu"]', { timeout: 120_000 });
    await page.fill('[data-testid="demo-count"]', '48');
    await page.click('[data-testid="try-demo"]');
    await page.waitForSelector('[data-testid="dataset-row"][data-status="ready"]', { timeout: 300_000 });
    await page.fill('[data-testid="cfg-epochs"]', String(EPOCHS));
    await page.fill('[data-testid="cfg-batch"]', '16');
    await page.click('[data-testid="train"]');
    // wait for two finished epochs, then pull the plug
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="history-row"]').length >= 2, null, { timeout: 600_000 });
    const before = await page.locator('[data-testid="history-row"]').count();
    await page.reload();

    await page.waitForSelector('[data-testid="resume-run"]', { timeout: 120_000 });
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
    expect(await page.locator('[data-testid="history-row"]').count()).toBe(0);
    await page.click('[data-testid="resume-run"]');
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="history-row"]').length === n,
      checkpointEpoch,
      { timeout: 60_000 },
    );
    await page.waitForSelector('[data-testid="train-status"][data-status="done"], [data-testid="train-status"][data-status="failed"]', { timeout: 600_000 });
    expect(await page.getAttribute('[data-testid="train-status"]', 'data-status')).toBe('done');
    const epochs = await page.locator('[data-testid="history-row"] td:first-child').allTextContents();
    expect(epochs.map(Number)).toEqual(Array.from({ length: EPOCHS }, (_, i) => i + 1));
    expect(s.consoleErrors).toEqual([]);
  });
});
