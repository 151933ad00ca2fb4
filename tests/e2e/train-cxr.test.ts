/**
 * Real chest X-rays: 200 files of ../shared/data/cxr-dicom (100 normal, 100 pneumonia) imported
 * through the folder input at 64 px, trained at a small configuration on WebGPU. The validation
 * AUC must reach 0.75 and the live tensor count must not grow from epoch 1 to epoch 3.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStudio, servePreview, sharedData, type Served, type Session } from '../support/browser';

const source = path.join(sharedData, 'cxr-dicom');
const PER_CLASS = 100;

describe.skipIf(!existsSync(source))('training on 200 real chest X-rays (needs ../shared/data/cxr-dicom)', () => {
  let served: Served;
  let s: Session;
  const folder = path.join(os.tmpdir(), `cxr200-${process.pid}`);

  beforeAll(async () => {
    for (const cls of ['NORMAL', 'PNEUMONIA']) {
      mkdirSync(path.join(folder, cls), { recursive: true });
      // every 3rd file, so the subset spans the export's encodings and patients
      const files = readdirSync(path.join(source, cls)).sort().filter((_, i) => i % 3 === 0).slice(0, PER_CLASS);
      for (const f of files) cpSync(path.join(source, cls, f), path.join(folder, cls, f));
    }
    served = await servePreview();
    s = await openStudio(served.url);
  });
  afterAll(async () => {
    await s?.close();
    await served?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  // measured (64 px, width 0.25, 8 epochs): val AUC 0.68 0.91 0.94 0.96 0.97 0.98 0.99 0.93, 246 tensors each epoch
  it('reaches validation AUC ≥ 0.75 with a constant tensor count', async () => {
    const { page } = s;
    await page.waitForSelector('[data-testid="backend"][data-backend="webgpu"]', { timeout: 120_000 });
    await page.fill('[data-testid="import-size"]', '64');
    await page.dispatchEvent('[data-testid="import-size"]', 'change');
    await page.fill('[data-testid="import-split"]', '60/35/5');
    await page.setInputFiles('[data-testid="folder-input"]', folder);
    await page.waitForSelector('[data-testid="dataset-row"][data-status="ready"]', { timeout: 300_000 });
    expect(await page.getAttribute('[data-testid="dataset-row"]', 'data-images')).toBe(String(2 * PER_CLASS));

    await page.fill('[data-testid="cfg-epochs"]', '4');
    await page.fill('[data-testid="cfg-batch"]', '16');
    await page.fill('[data-testid="cfg-width"]', '0.25');
    await page.fill('[data-testid="cfg-lr"]', '0.001');
    await page.click('[data-testid="train"]');
    await page.waitForSelector('[data-testid="train-status"][data-status="done"], [data-testid="train-status"][data-status="failed"]', { timeout: 900_000 });
    expect(await page.locator('[data-testid="error"]').allTextContents()).toEqual([]);
    const rows = await page.locator('[data-testid="history-row"]').evaluateAll((els) =>
      els.map((r) => ({ auc: Number(r.getAttribute('data-val-auc')), tensors: Number(r.getAttribute('data-num-tensors')), seconds: Number(r.getAttribute('data-seconds')) })),
    );
    console.log('val AUC per epoch:', rows.map((r) => r.auc.toFixed(3)).join(' '), '| tensors:', rows.map((r) => r.tensors).join(' '), '| s/epoch:', rows.map((r) => r.seconds.toFixed(1)).join(' '));
    expect(rows.length).toBe(4);
    expect(rows[2].tensors).toBe(rows[0].tensors);
    expect(rows[rows.length - 1].auc).toBeGreaterThanOrEqual(0.75);
  });
});
