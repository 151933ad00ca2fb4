/**
 * Real chest X-rays: 200 files of ../shared/data/cxr-dicom (100 normal, 100 pneumonia) imported
 * through the folder input at 64 px, trained at a small configuration on WebGPU. The validation
 * AUC must reach 0.75 and the live tensor count must not grow from epoch 1 to epoch 3.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sel, UI } from '../../src/cli/ui';
import { sharedData } from '../support/browser';
import { importFolder } from '../support/import-flow';
import { errorTexts, setTraining, studioFixture, trainToEnd, waitForBackend } from '../support/studio-fixture';

const source = path.join(sharedData, 'cxr-dicom');
const PER_CLASS = 100;

describe.skipIf(!existsSync(source))('training on 200 real chest X-rays (needs ../shared/data/cxr-dicom)', () => {
  const folder = path.join(os.tmpdir(), `cxr200-${process.pid}`);

  beforeAll(() => {
    for (const cls of ['NORMAL', 'PNEUMONIA']) {
      mkdirSync(path.join(folder, cls), { recursive: true });
      // every 3rd file, so the subset spans the export's encodings and patients
      const files = readdirSync(path.join(source, cls)).sort().filter((_, i) => i % 3 === 0).slice(0, PER_CLASS);
      for (const f of files) cpSync(path.join(source, cls, f), path.join(folder, cls, f));
    }
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const studio = studioFixture();

  // measured (64 px, width 0.25, 8 epochs): val AUC 0.68 0.91 0.94 0.96 0.97 0.98 0.99 0.93, 246 tensors each epoch
  it('reaches validation AUC ≥ 0.75 with a constant tensor count', async () => {
    const { page } = studio;
    await waitForBackend(page, 'webgpu');
    await importFolder(page, folder, { size: 64, split: '60/35/5' });
    await page.waitForSelector(`${sel(UI.datasetRow)}[data-status="ready"]`, { timeout: 300_000 });
    expect(await page.getAttribute(sel(UI.datasetRow), 'data-images')).toBe(String(2 * PER_CLASS));

    await setTraining(page, { epochs: 4, batch: 16, width: 0.25, lr: 0.001 });
    await trainToEnd(page, 900_000);
    expect(await errorTexts(page)).toEqual([]);
    const rows = await page.locator(sel(UI.historyRow)).evaluateAll((els) =>
      els.map((r) => ({ auc: Number(r.getAttribute('data-val-auc')), tensors: Number(r.getAttribute('data-num-tensors')), seconds: Number(r.getAttribute('data-seconds')) })),
    );
    console.log('val AUC per epoch:', rows.map((r) => r.auc.toFixed(3)).join(' '), '| tensors:', rows.map((r) => r.tensors).join(' '), '| s/epoch:', rows.map((r) => r.seconds.toFixed(1)).join(' '));
    expect(rows.length).toBe(4);
    expect(rows[2].tensors).toBe(rows[0].tensors);
    expect(rows[rows.length - 1].auc).toBeGreaterThanOrEqual(0.75);
  });
});
